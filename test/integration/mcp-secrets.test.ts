/**
 * Secrets of MCP servers in the keychain: `{"keychain": "<entry>"}` values in `env`, stored
 * through Duck's API, resolved at start, and never shown — not in mcp.json, API responses,
 * stderr tails, errors, logs, results, prompts or the audit. Through the HTTP API with the
 * memory store (`DUCK_SECRET_STORE=memory`, as the e2e fixtures run), and against the real OS
 * keychain where a Secret Service answers (CI runs one; see .ci/run).
 */
import { randomUUID } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { openKeytarStore } from '../../src/main/core/config/keytar-store'
import { McpManager } from '../../src/main/core/mcp/manager'
import { createSandbox } from '../../src/main/core/sandbox/sandbox'
import { openDatabase } from '../../src/main/core/store/database'
import { DuckApiError } from '../../src/shared/api'
import { MODELS, directive, hasObservations, messagesText, startHarness, type Harness } from '../support/harness'
import { addServer, badServer, EVERYTHING_ENTRY, processesWith, serverStatus, tag, waitFor } from '../support/mcp'
import type { WireEvent } from '../support/sse'

const SECRET = `canary-${randomUUID()}`
const previousStore = process.env.DUCK_SECRET_STORE

let h: Harness
const warnings: string[] = []
beforeAll(async () => {
  process.env.DUCK_SECRET_STORE = 'memory'
  h = await startHarness({ mcp: { loginShellPath: false, restartBaseMs: 200, restartMaxMs: 1000 } })
  // Everything Duck logs goes through the console (the desktop app copies it into its log file).
  for (const level of ['log', 'info', 'warn', 'error'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void warnings.push(args.map(String).join(' ')))
  }
})
afterEach(() => h.fake.reset())
afterAll(async () => {
  vi.restoreAllMocks()
  await h?.stop()
  if (previousStore === undefined) delete process.env.DUCK_SECRET_STORE
  else process.env.DUCK_SECRET_STORE = previousStore
})

function planOnce(actions: Parameters<typeof directive>[0]) {
  h.fake.script(MODELS.action, (body) => ({
    content: hasObservations(body) ? directive([], 'low') : directive(actions, 'low')
  }))
}
async function text(path: string): Promise<string> {
  return await (await h.api(path)).text()
}
async function ask(workspace: string, tool: string, args: Record<string, unknown>) {
  planOnce([{ tool, args }])
  h.fake.script(MODELS.thinker, { content: 'done' })
  const first = await h.stream('/v1/chat/stream', { message: `use ${tool}`, workspace })
  return { first, taskId: first.events[0]?.data.task_id as string }
}
async function allowOnce(taskId: string) {
  const pending = (await (await h.api('/v1/approvals/pending')).json()) as { approval_id: string; task_id: string }[]
  const approval = pending.find((a) => a.task_id === taskId)
  expect(approval, 'an approval is pending').toBeDefined()
  await h.api(`/v1/approvals/${approval?.approval_id}/allow_once`, { method: 'POST' })
  return h.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approval?.approval_id })
}
function finished(events: WireEvent[]) {
  return events.find((e) => e.event === 'tool_call_finished')?.data as { ok: boolean; output: string } | undefined
}
function put(name: string, entry: Record<string, unknown>) {
  return h.api(`/v1/mcp/servers/${name}`, { method: 'PUT', body: JSON.stringify(entry) })
}
async function errorOf(response: Response): Promise<string> {
  return ((await response.json()) as { error: { message: string } }).error.message
}

describe('MCP secrets in the keychain, through the API', () => {
  const marker = tag()
  let workspace: string

  it('a value sent as {"keychain", "value"} is stored; mcp.json and the responses keep the reference only', async () => {
    workspace = h.workspace()
    const entry = badServer(
      'normal',
      { env: { BAD_SERVER_TOKEN: { keychain: 'leaky-token', value: SECRET }, PLAIN: 'shown' }, workspace },
      marker
    )
    const response = await put('leaky', entry)
    expect(response.status).toBe(200)
    expect(await response.text()).not.toContain(SECRET)
    const file = readFileSync(join(h.dataDir, 'mcp.json'), 'utf8')
    expect(JSON.parse(file).mcpServers.leaky.env).toEqual({
      BAD_SERVER_TOKEN: { keychain: 'leaky-token' },
      PLAIN: 'shown'
    })
    expect(file).not.toContain(SECRET)
    const shown = await serverStatus(h, 'leaky')
    expect(shown.launch?.env_names).toEqual(['BAD_SERVER_TOKEN', 'PLAIN'])
    const status = await addServer(h, 'leaky', JSON.parse(file).mcpServers.leaky)
    expect(status.state, status.last_error ?? '').toBe('ready')
    expect(status.tools.find((t) => t.name === 'leak')?.description).toBe('Say the token. It is [secret].')
    expect(await text('/v1/mcp/servers')).not.toContain(SECRET)
  })

  it('the server gets the value; it never shows in results, stderr, logs, events, prompts or the audit', async () => {
    const { taskId } = await ask(workspace, 'mcp__leaky__leak', {})
    const cont = await allowOnce(taskId)
    expect(cont.events.at(-1)?.data.status).toBe('completed')
    // What the server printed is exactly the secret (and its JSON form): scrubbed, both.
    expect(finished(cont.events)).toMatchObject({ ok: true, output: 'token=[secret]; as JSON: {"token":"[secret]"}' })
    const tail = (await waitFor(h, 'leaky', (s) => s.stderr_tail.some((l) => l.includes('logging the token'))))
      .stderr_tail
    expect(tail.join('\n')).toContain('my token is [secret]')
    expect(tail.join('\n')).toContain('logging the token [secret]')
    // The server's instructions and the tool's description reached the planner scrubbed.
    const planner = messagesText(h.fake.requests.filter((r) => r.body?.model === MODELS.action).at(-1)?.body).join('\n')
    expect(planner).toContain('Sign in with [secret].')
    const thinker = messagesText(h.fake.requests.filter((r) => r.body?.model === MODELS.thinker).at(-1)?.body)
    expect(thinker.join('\n')).toContain('token=[secret]')
    // The model guessing the secret does not put it in the audit either.
    const echo = await ask(workspace, 'mcp__leaky__echo', { text: SECRET })
    expect(echo.first.events.at(-1)?.data.status).toBe('waiting_for_approval')
    const audit = await text('/v1/audit/commands')
    expect(audit).toContain('mcp__leaky__echo {\\"text\\":\\"[secret]\\"}')
    for (const seen of [
      JSON.stringify(h.fake.requests),
      await text(`/v1/tasks/${taskId}/events`),
      await text('/v1/mcp/servers'),
      audit,
      warnings.join('\n')
    ]) {
      expect(seen).not.toContain(SECRET)
    }
  })

  it('a server that quotes the secret as it fails: the error says why, without it', async () => {
    const status = await addServer(
      h,
      'leaks-at-start',
      badServer('leak-at-start', { sandbox: false, env: { BAD_SERVER_TOKEN: { keychain: 'leaky-token' } } })
    )
    expect(status.state).toBe('error')
    expect(status.last_error).toMatch(/the token \[secret\] was refused/)
    expect(JSON.stringify(await serverStatus(h, 'leaks-at-start'))).not.toContain(SECRET)
    await h.api('/v1/mcp/servers/leaks-at-start/stop', { method: 'POST' })
  })

  it('an entry that is not in the keychain: the server does not start, says which, and is not retried', async () => {
    const missing = tag()
    const status = await addServer(
      h,
      'no-secret',
      badServer('normal', { env: { BAD_SERVER_TOKEN: { keychain: 'nobody-stored-this' } } }, missing)
    )
    expect(status.state).toBe('error')
    expect(status.last_error).toMatch(
      /env\.BAD_SERVER_TOKEN is to come from the keychain entry "nobody-stored-this", which is not there/
    )
    await new Promise((r) => setTimeout(r, 500))
    const later = await serverStatus(h, 'no-secret')
    expect(later.state).toBe('error')
    expect(later.stderr_tail.join('\n')).not.toMatch(/restarting in/)
    expect(processesWith(missing)).toHaveLength(0)
    await h.api('/v1/mcp/servers/no-secret', { method: 'DELETE' })
  })

  it.each([
    [{ keychain: 'bad name', value: 'x1234' }, /env\.TOKEN names a keychain entry with 1–64 characters/],
    [{ keychain: 'fine', value: '' }, /env\.TOKEN\.value must be the secret as a non-empty string/],
    [{ keychain: 'fine', extra: 1 }, /env\.TOKEN has an unknown field "extra"/],
    [{ keychain: 7 }, /env\.TOKEN names a keychain entry/],
    [{ vault: 'x' }, /env\.TOKEN must be a string, or \{"keychain": "<entry>"\}/]
  ])('refuses the env value %j with a clear error', async (value, message) => {
    const response = await put('bad-secret', { command: 'node', env: { TOKEN: value } })
    expect(response.status).toBe(400)
    expect(await errorOf(response)).toMatch(message)
  })

  it('an entry refused for another reason stores none of its secrets', async () => {
    const refused = await put('refused', {
      command: 'node',
      env: { NODE_OPTIONS: '--require /x', TOKEN: { keychain: 'never-stored', value: 'not-kept-1234' } }
    })
    expect(refused.status).toBe(400)
    expect(await errorOf(refused)).toMatch(/NODE_OPTIONS may not be overridden/)
    const probe = await addServer(
      h,
      'probe',
      badServer('normal', { sandbox: false, env: { BAD_SERVER_TOKEN: { keychain: 'never-stored' } } })
    )
    expect(probe.last_error).toMatch(/"never-stored", which is not there/)
    await h.api('/v1/mcp/servers/probe', { method: 'DELETE' })
  })

  it('deleting a server removes its keychain entries, unless another server still refers to them', async () => {
    await h.api('/v1/mcp/servers/leaks-at-start', { method: 'DELETE' })
    // "leaky" still refers to "leaky-token": a restart still finds it.
    await h.api('/v1/mcp/servers/leaky/restart', { method: 'POST' })
    expect((await waitFor(h, 'leaky')).state).toBe('ready')
    await h.api('/v1/mcp/servers/leaky', { method: 'DELETE' })
    await expect.poll(() => processesWith(marker)).toHaveLength(0)
    const again = await addServer(
      h,
      'again',
      badServer('normal', { sandbox: false, env: { BAD_SERVER_TOKEN: { keychain: 'leaky-token' } } })
    )
    expect(again.last_error).toMatch(/"leaky-token", which is not there/)
    await h.api('/v1/mcp/servers/again', { method: 'DELETE' })
  })

  it('server-everything (stdio) gets the value in its environment, and its get-env shows it scrubbed', async () => {
    const value = `everything-${randomUUID()}`
    const status = await addServer(h, 'everything', {
      command: process.execPath,
      args: [EVERYTHING_ENTRY, 'stdio'],
      env: { DUCK_CANARY: { keychain: 'everything-canary', value } }
    })
    expect(status.state, status.last_error ?? '').toBe('ready')
    expect(status.launch?.sandboxed).toBe(true)
    const { taskId } = await ask(h.workspace(), 'mcp__everything__get-env', {})
    const cont = await allowOnce(taskId)
    const output = finished(cont.events)?.output ?? ''
    expect(output).toContain('"DUCK_CANARY": "[secret]"')
    expect(output).not.toContain(value)
    await h.api('/v1/mcp/servers/everything', { method: 'DELETE' })
  })
})

describe('McpManager and the secret store', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'duck-mcp-secrets-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  function manager(name: string, secrets: ConstructorParameters<typeof McpManager>[0]['secrets']) {
    return new McpManager({
      db: openDatabase(join(dir, `${name}.sqlite3`)),
      configPath: join(dir, `${name}.json`),
      sandbox: createSandbox(),
      loginShellPath: false,
      secrets
    })
  }

  it('without a keychain: a value is refused and nothing is written; a reference fails at start with the reason', async () => {
    const mcp = manager('none', () => Promise.resolve({ unavailable: 'no keychain in this test' }))
    try {
      const entry = badServer('normal', { sandbox: false, env: { BAD_SERVER_TOKEN: { keychain: 'k', value: SECRET } } })
      const refused = await mcp.putServer('k', entry).catch((error: unknown) => error)
      expect(refused).toBeInstanceOf(DuckApiError)
      expect((refused as DuckApiError).code).toBe('conflict')
      expect((refused as DuckApiError).message).toMatch(/No keychain is available \(no keychain in this test\)/)
      expect(existsSync(join(dir, 'none.json'))).toBe(false)
      await mcp.putServer('k', { ...entry, env: { BAD_SERVER_TOKEN: { keychain: 'k' } } })
      const shown = (await mcp.status()).servers.find((s) => s.name === 'k')
      await mcp.confirm('k', shown?.fingerprint ?? '')
      await expect
        .poll(async () => (await mcp.status()).servers.find((s) => s.name === 'k')?.last_error ?? '')
        .toMatch(
          /env\.BAD_SERVER_TOKEN is to come from the keychain entry "k", but no keychain is available \(no keychain in this test\)/
        )
    } finally {
      await mcp.close()
    }
  })

  // The real keychain: wherever a D-Bus session with a Secret Service exists (as in .ci/run).
  const bus = process.env.DBUS_SESSION_BUS_ADDRESS
  const platformKeychain = process.platform === 'darwin' || process.platform === 'win32'

  it('against the OS keychain: stored under mcp:<entry>, read at start, removed with the server', async (ctx) => {
    if (!bus && !platformKeychain) {
      ctx.skip(
        'no DBUS_SESSION_BUS_ADDRESS, so no Secret Service: run under `dbus-run-session` with an unlocked gnome-keyring (as .ci/run does)'
      )
    }
    const service = `duck-test-${randomUUID()}`
    const store = await openKeytarStore({ service, timeoutMs: 10_000 })
    if ('unavailable' in store)
      throw new Error(`a D-Bus session is set but the keychain is unavailable: ${store.unavailable}`)
    const secret = `keychain-${randomUUID()}`
    const mcp = manager('keychain', store)
    try {
      const entry = badServer('normal', {
        sandbox: false,
        env: { BAD_SERVER_TOKEN: { keychain: 'real', value: secret } }
      })
      await mcp.putServer('real', entry)
      expect(await store.get('mcp:real')).toBe(secret)
      expect(readFileSync(join(dir, 'keychain.json'), 'utf8')).not.toContain(secret)
      const shown = (await mcp.status()).servers.find((s) => s.name === 'real')
      await mcp.confirm('real', shown?.fingerprint ?? '')
      await expect.poll(async () => (await mcp.status()).servers.find((s) => s.name === 'real')?.state).toBe('ready')
      const leak = mcp.find('mcp__real__leak')
      const result = await leak?.run({}, { workspace: dir, signal: new AbortController().signal })
      expect(result).toMatchObject({ ok: true, output: 'token=[secret]; as JSON: {"token":"[secret]"}' })
      await mcp.deleteServer('real')
      expect(await store.get('mcp:real')).toBeNull()
    } finally {
      await mcp.close()
      await store.delete('mcp:real').catch(() => undefined)
    }
  })
})
