/**
 * Command previews over the HTTP API, for real: the command runs in bubblewrap over an overlayfs
 * of the workspace (a user and mount namespace). Preview shows what it would create, change and
 * delete with diffs and leaves the workspace as it is; Apply replays exactly that (or nothing,
 * when a file changed in between) and the task can be undone; Discard drops it. A command a
 * person let run directly is marked "not undoable".
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CommandPreview, FileChange, PendingApproval, UndoResult } from '../../src/shared/dto'
import { overlayStatus } from '../../src/main/core/sandbox/overlay'
import { startHarness, type Harness } from '../support/harness'
import { MODELS, directive, hasObservations } from '../support/scripting'

let h: Harness
let available = false
beforeAll(async () => {
  available = (await overlayStatus()).available
  h = await startHarness({ tools: { shellTimeoutMs: 8000 } })
  h.fake.script(MODELS.thinker, { content: 'Done.' })
})
afterAll(async () => {
  await h.stop()
})

async function json<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await h.api(path, init)
  return (await res.json()) as T
}
const post = (path: string, body?: unknown) =>
  h.api(path, { method: 'POST', ...(body === undefined ? {} : { body: JSON.stringify(body) }) })

/** Starts a task whose plan is one shell command that asks; returns its pending approval. */
async function askFor(workspace: string, command: string) {
  h.fake.script(MODELS.action, (body) => ({
    content: hasObservations(body)
      ? directive([], 'none')
      : directive([{ tool: 'shell_exec_safe', args: { command }, reason: 'asked to' }], 'low')
  }))
  const first = await h.stream('/v1/chat/stream', { message: command, workspace })
  const taskId = first.events[0]?.data.task_id as string
  const requested = first.events.find((e) => e.event === 'tool_approval_requested')
  const pending = (await json<PendingApproval[]>('/v1/approvals/pending')).find((a) => a.task_id === taskId)
  expect(pending).toBeDefined()
  return {
    taskId,
    requested,
    approvalId: (pending as PendingApproval).approval_id,
    pending: pending as PendingApproval
  }
}

function workspaceWithFiles(): string {
  const ws = h.workspace()
  writeFileSync(join(ws, 'a.txt'), 'one\ntwo\nthree\n')
  writeFileSync(join(ws, 'b.txt'), 'delete me\n')
  mkdirSync(join(ws, 'old'))
  writeFileSync(join(ws, 'old', 'x.txt'), 'x\n')
  writeFileSync(join(ws, 'run.sh'), 'echo hi\n')
  chmodSync(join(ws, 'run.sh'), 0o644)
  return ws
}

const COMMAND =
  "sed -i 's/two/TWO/' a.txt && rm b.txt && rm -r old && mkdir -p new/deep && printf 'made\\n' > new/deep/c.txt && " +
  "chmod 755 run.sh && ln -s a.txt link && printf '\\x00\\x01' > blob.bin && echo out && echo err >&2 && exit 3"

describe('command previews', () => {
  it('the approval says whether Preview is available here, and why not', async () => {
    const ws = workspaceWithFiles()
    const { requested, pending, approvalId, taskId } = await askFor(ws, 'touch made.txt')
    expect(requested?.data.command_preview).toEqual(pending.command_preview)
    expect(pending.command_preview?.available).toBe(available)
    if (!available) expect(pending.command_preview?.reason).toMatch(/overlay|namespace|unshare/)
    await post(`/v1/approvals/${approvalId}/deny`)
    await h.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approvalId })
  })

  it('shows created, changed and deleted files with diffs and output; the workspace is untouched', async (ctx) => {
    if (!available) ctx.skip()
    const ws = workspaceWithFiles()
    const { approvalId, taskId } = await askFor(ws, COMMAND)
    const res = await post(`/v1/approvals/${approvalId}/preview`)
    expect(res.status).toBe(200)
    const preview = (await res.json()) as CommandPreview
    expect(preview.status).toBe('ready')
    expect(preview.exit_code).toBe(3)
    expect(preview.output).toContain('out')
    expect(preview.output).toContain('err')
    const byPath = Object.fromEntries(preview.files.map((f) => [`${f.kind} ${f.path}`, f]))
    expect(Object.keys(byPath).sort()).toEqual(
      [
        'changed a.txt',
        'changed run.sh',
        'created blob.bin',
        'created link',
        'created new',
        'created new/deep',
        'created new/deep/c.txt',
        'deleted b.txt',
        'deleted old',
        'deleted old/x.txt'
      ].sort()
    )
    expect(byPath['changed a.txt']?.diff).toContain('-two')
    expect(byPath['changed a.txt']?.diff).toContain('+TWO')
    expect(byPath['changed a.txt']).toMatchObject({ added: 1, removed: 1 })
    expect(byPath['changed run.sh']?.mode).toBe('644 → 755')
    expect(byPath['created blob.bin']?.binary).toBe(true)
    expect(byPath['created link']).toMatchObject({ type: 'symlink', link: 'a.txt' })
    expect(byPath['deleted b.txt']?.diff).toContain('-delete me')
    expect(preview.notes.join(' ')).toMatch(/outside the workspace/)
    // Nothing real changed.
    expect(readFileSync(join(ws, 'a.txt'), 'utf8')).toBe('one\ntwo\nthree\n')
    expect(existsSync(join(ws, 'b.txt'))).toBe(true)
    expect(existsSync(join(ws, 'old', 'x.txt'))).toBe(true)
    expect(existsSync(join(ws, 'new'))).toBe(false)
    expect(existsSync(join(ws, 'link'))).toBe(false)
    expect(statSync(join(ws, 'run.sh')).mode & 0o777).toBe(0o644)
    // It is kept with the approval.
    expect((await json<CommandPreview>(`/v1/approvals/${approvalId}/preview`)).files).toHaveLength(10)

    // Apply replays exactly that, allows the approval once, and the task goes on without re-running it.
    const applied = await post(`/v1/approvals/${approvalId}/preview/apply`)
    expect(applied.status).toBe(200)
    expect(((await applied.json()) as CommandPreview).status).toBe('applied')
    expect(readFileSync(join(ws, 'a.txt'), 'utf8')).toBe('one\nTWO\nthree\n')
    expect(existsSync(join(ws, 'b.txt'))).toBe(false)
    expect(existsSync(join(ws, 'old'))).toBe(false)
    expect(readFileSync(join(ws, 'new', 'deep', 'c.txt'), 'utf8')).toBe('made\n')
    expect(statSync(join(ws, 'run.sh')).mode & 0o777).toBe(0o755)
    expect(readFileSync(join(ws, 'blob.bin'))).toEqual(Buffer.from([0, 1]))
    const cont = await h.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approvalId })
    expect(cont.events.at(-1)?.data.status).toBe('completed')
    const finished = cont.events.find((e) => e.event === 'tool_call_finished')
    expect(finished?.data).toMatchObject({ exit_code: 3, sandbox: 'workspace_write' })
    expect(String(finished?.data.output)).toContain('applied from its preview')
    expect(cont.events.filter((e) => e.event === 'file_changed').length).toBe(10)
    const audit = await json<{ payload: Record<string, unknown> }[]>('/v1/audit/commands')
    expect(audit.find((r) => r.payload.task_id === taskId)?.payload).toMatchObject({
      decision: 'allowed_once',
      exit_code: 3
    })

    // The task's changes list it all, and its undo puts the workspace back.
    const changes = await json<FileChange[]>(`/v1/tasks/${taskId}/changes`)
    expect(changes.every((c) => c.undoable)).toBe(true)
    const undo = await json<UndoResult>(`/v1/tasks/${taskId}/undo`, { method: 'POST' })
    expect(undo.conflicts).toEqual([])
    expect(readFileSync(join(ws, 'a.txt'), 'utf8')).toBe('one\ntwo\nthree\n')
    expect(readFileSync(join(ws, 'b.txt'), 'utf8')).toBe('delete me\n')
    expect(readFileSync(join(ws, 'old', 'x.txt'), 'utf8')).toBe('x\n')
    expect(existsSync(join(ws, 'new'))).toBe(false)
    expect(existsSync(join(ws, 'link'))).toBe(false)
    expect(existsSync(join(ws, 'blob.bin'))).toBe(false)
    expect(statSync(join(ws, 'run.sh')).mode & 0o777).toBe(0o644)
  })

  it('a file changed after the preview is a conflict: nothing is applied', async (ctx) => {
    if (!available) ctx.skip()
    const ws = workspaceWithFiles()
    const { approvalId, taskId } = await askFor(ws, "sed -i 's/one/ONE/' a.txt && rm b.txt")
    expect(((await (await post(`/v1/approvals/${approvalId}/preview`)).json()) as CommandPreview).status).toBe('ready')
    writeFileSync(join(ws, 'a.txt'), 'edited by a person\n')
    const res = await post(`/v1/approvals/${approvalId}/preview/apply`)
    expect(res.status).toBe(409)
    expect(JSON.stringify(await res.json())).toContain('a.txt changed since the preview')
    expect(readFileSync(join(ws, 'a.txt'), 'utf8')).toBe('edited by a person\n')
    expect(existsSync(join(ws, 'b.txt'))).toBe(true)
    // Still pending: preview again sees the file as it is now, then discard.
    const again = (await (await post(`/v1/approvals/${approvalId}/preview`)).json()) as CommandPreview
    expect(again.files.map((f) => f.path)).toEqual(['b.txt'])
    const discarded = await post(`/v1/approvals/${approvalId}/preview/discard`)
    expect(((await discarded.json()) as CommandPreview).status).toBe('discarded')
    expect((await post(`/v1/approvals/${approvalId}/preview/apply`)).status).toBe(409)
    await post(`/v1/approvals/${approvalId}/deny`)
    await h.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approvalId })
    expect(existsSync(join(ws, 'b.txt'))).toBe(true)
  })

  it('the preview has no network and cannot reach outside the workspace', async (ctx) => {
    if (!available) ctx.skip()
    const ws = workspaceWithFiles()
    const outside = h.workspace()
    symlinkSync(outside, join(ws, 'out'))
    const { approvalId, taskId } = await askFor(
      ws,
      `echo x > ${outside}/escaped.txt; echo y > out/through-link.txt; (exec 3<>/dev/tcp/127.0.0.1/9 && echo connected) 2>&1; echo done`
    )
    const preview = (await (await post(`/v1/approvals/${approvalId}/preview`)).json()) as CommandPreview
    expect(preview.status).toBe('ready')
    expect(preview.output).not.toContain('connected')
    expect(existsSync(join(outside, 'escaped.txt'))).toBe(false)
    expect(existsSync(join(outside, 'through-link.txt'))).toBe(false)
    await post(`/v1/approvals/${approvalId}/deny`)
    await h.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approvalId })
  })

  it('a preview that outlives the time limit says so and changes nothing', async (ctx) => {
    if (!available) ctx.skip()
    const ws = workspaceWithFiles()
    const { approvalId, taskId } = await askFor(ws, 'touch early.txt; sleep 60')
    const preview = (await (await post(`/v1/approvals/${approvalId}/preview`)).json()) as CommandPreview
    expect(preview.status).toBe('failed')
    expect(preview.timed_out).toBe(true)
    expect(preview.reason).toMatch(/timed out after 8 s; nothing was changed/)
    expect((await post(`/v1/approvals/${approvalId}/preview/apply`)).status).toBe(409)
    expect(existsSync(join(ws, 'early.txt'))).toBe(false)
    await post(`/v1/approvals/${approvalId}/deny`)
    await h.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approvalId })
  }, 30_000)

  it('bad requests get clear errors', async () => {
    expect((await post('/v1/approvals/appr_nope/preview')).status).toBe(404)
    expect((await h.api('/v1/approvals/appr_nope/preview')).status).toBe(404)
    const ws = workspaceWithFiles()
    const { approvalId, taskId } = await askFor(ws, 'sudo touch x')
    const sudo = await post(`/v1/approvals/${approvalId}/preview`)
    expect(sudo.status).toBe(409)
    expect(JSON.stringify(await sudo.json())).toContain('sudo runs outside the sandbox')
    expect((await post(`/v1/approvals/${approvalId}/preview/discard`)).status).toBe(409)
    await post(`/v1/approvals/${approvalId}/deny`)
    await h.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approvalId })
    const decided = await post(`/v1/approvals/${approvalId}/preview`)
    expect(decided.status).toBe(409)
  })

  it('a command allowed to run directly is marked not undoable in the task’s changes', async () => {
    const ws = workspaceWithFiles()
    const { approvalId, taskId } = await askFor(ws, 'rm b.txt')
    await post(`/v1/approvals/${approvalId}/allow_once`)
    const cont = await h.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approvalId })
    expect(cont.events.find((e) => e.event === 'file_changed')?.data).toMatchObject({
      kind: 'command',
      path: 'rm b.txt',
      undoable: false
    })
    const changes = await json<FileChange[]>(`/v1/tasks/${taskId}/changes`)
    expect(changes).toEqual([
      expect.objectContaining({
        kind: 'command',
        command: 'rm b.txt',
        undoable: false,
        not_undoable_reason: expect.stringMatching(/ran directly/)
      })
    ])
    const undo = await post(`/v1/tasks/${taskId}/undo`)
    expect(undo.status).toBe(200)
    const result = (await undo.json()) as UndoResult
    expect(result.restored).toEqual([])
    expect(result.not_undoable).toEqual([{ path: 'rm b.txt', reason: expect.stringMatching(/ran directly/) }])
  })
})
