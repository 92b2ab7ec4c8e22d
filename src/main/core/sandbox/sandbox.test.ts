/**
 * The OS sandbox for real (bubblewrap): each profile tries to write outside and inside the
 * workspace, reach the host's 127.0.0.1 and an abstract socket, read ~/.ssh and Duck's data
 * folder, see Duck's secrets, fork-bomb, and outlive its time limit. Exactly what each profile
 * allows is asserted. CI installs bubblewrap; without it (and outside CI) the suite says why.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ToolRegistry } from '../tools/registry'
import type { ToolContext, ToolResult } from '../tools/types'
import { Bubblewrap, createSandbox, Seatbelt } from './sandbox'

const hasBwrap = process.platform === 'linux' && spawnSync('bwrap', ['--version']).status === 0
if (process.env.CI && process.platform === 'linux' && !hasBwrap) {
  throw new Error('bubblewrap is missing: CI must install it (apt-get install -y bubblewrap)')
}

let root: string
let home: string
let workspace: string
let outside: string
let dataDir: string
let server: net.Server
let port: number
let abstractServer: net.Server
const abstractName = `duck-sandbox-test-${process.pid}`
const savedEnv = { HOME: process.env.HOME, DUCK_API_TOKEN: process.env.DUCK_API_TOKEN }

beforeAll(async () => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'duck-sandbox-')))
  home = join(root, 'home')
  workspace = join(home, 'project')
  outside = join(home, 'elsewhere')
  dataDir = join(root, 'data')
  for (const dir of [join(home, '.ssh'), workspace, outside, dataDir]) mkdirSync(dir, { recursive: true })
  writeFileSync(join(home, '.ssh', 'id_ed25519'), 'PRIVATE KEY')
  writeFileSync(join(dataDir, 'api-token'), 'secret-token')
  writeFileSync(join(workspace, 'notes.txt'), 'inside')
  process.env.HOME = home
  process.env.DUCK_API_TOKEN = 'secret-token-in-env'
  server = net.createServer((socket) => socket.end('hello from the host\n'))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as net.AddressInfo).port
  abstractServer = net.createServer((socket) => socket.end('abstract\n'))
  await new Promise<void>((resolve) => abstractServer.listen(`\0${abstractName}`, resolve))
})

afterAll(async () => {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  await new Promise((resolve) => server.close(resolve))
  await new Promise((resolve) => abstractServer.close(resolve))
  rmSync(root, { recursive: true, force: true })
})

function shell(): ToolRegistry {
  return new ToolRegistry({ hiddenPaths: [dataDir], shellTimeoutMs: 3_000 })
}

async function run(
  command: string,
  grant: ToolContext['grant'] = { by: 'policy', actionType: 'file_read', outsideWorkspace: [] }
): Promise<ToolResult> {
  const tool = shell().get('shell_exec_safe')!
  return tool.run({ command }, { workspace, signal: new AbortController().signal, grant })
}

const person = (actionType: 'file_write' | 'network' = 'file_write', outsideWorkspace: string[] = []) =>
  ({ by: 'person', actionType, outsideWorkspace }) as const

const connect = (target: string) =>
  `python3 -c "import socket,sys; s=socket.socket(${target.startsWith('@') ? 'socket.AF_UNIX' : ''}); ` +
  `s.settimeout(2); s.connect(${target.startsWith('@') ? `'\\0${target.slice(1)}'` : `('127.0.0.1', ${target})`}); ` +
  `print(s.recv(100).decode().strip())" 2>&1 || echo UNREACHABLE`

describe.skipIf(!hasBwrap)('the sandbox (bubblewrap, for real)', () => {
  it('is available here', async () => {
    expect(await createSandbox().status()).toEqual({ available: true, kind: 'bubblewrap', reason: null })
  })

  describe('read_only (what the policy runs without asking)', () => {
    it('reads the workspace and runs system programs', async () => {
      const result = await run('cat notes.txt && ls /usr/bin/ls && echo "$HOME"')
      expect(result).toMatchObject({ ok: true, sandbox: 'read_only' })
      expect(result.output).toBe(`inside/usr/bin/ls\n${home}\n`)
    })

    it("the person's own tools on PATH under the home folder still run (read-only), the rest of home stays hidden", async () => {
      const bin = join(home, '.local', 'bin')
      mkdirSync(bin, { recursive: true })
      writeFileSync(join(bin, 'mytool'), '#!/bin/sh\necho mytool ran\n', { mode: 0o755 })
      const path = process.env.PATH
      process.env.PATH = `${bin}:${path}`
      try {
        const result = await run(`mytool && cat ${home}/.ssh/id_ed25519; echo x > ${bin}/new`)
        expect(result.output).toMatch(/^mytool ran\n/)
        expect(result.output).not.toContain('PRIVATE KEY')
        expect(existsSync(join(bin, 'new'))).toBe(false)
      } finally {
        process.env.PATH = path
      }
    })

    it('cannot write inside the workspace, outside it, or to /tmp of the host', async () => {
      const result = await run(`echo x > new.txt; echo x > ${outside}/new.txt; echo x > /tmp/duck-host-file; echo done`)
      expect(result.output).toMatch(/new\.txt: Read-only file system/)
      expect(result.output).toMatch(/No such file or directory|Read-only/)
      expect(existsSync(join(workspace, 'new.txt'))).toBe(false)
      expect(existsSync(join(outside, 'new.txt'))).toBe(false)
      expect(existsSync('/tmp/duck-host-file')).toBe(false)
    })

    it("has no network: the host's 127.0.0.1 and its abstract sockets are out of reach", async () => {
      expect((await run(connect(String(port)))).output).toMatch(/UNREACHABLE/)
      expect((await run(connect(`@${abstractName}`))).output).toMatch(/UNREACHABLE/)
    })

    it("sees an empty home (no ~/.ssh), not Duck's data folder, and none of Duck's secrets", async () => {
      const result = await run(
        `ls -A "$HOME"; cat ${home}/.ssh/id_ed25519; cat ${dataDir}/api-token; env | grep -c DUCK_ || true`
      )
      expect(result.output).not.toContain('PRIVATE KEY')
      expect(result.output).not.toContain('secret-token')
      expect(result.output).toMatch(/id_ed25519: No such file or directory/)
      expect(result.output).toMatch(/api-token: No such file or directory/)
      expect(result.output.trim().endsWith('0')).toBe(true)
    })

    it('a fork bomb is stopped, and the machine is fine', async () => {
      const started = Date.now()
      const result = await run(':(){ :|:& };:; sleep 5')
      expect(result.ok).toBe(false)
      expect(result.output).toMatch(/started more than 256 processes/)
      // Stopped in seconds, not at the time limit, even on a busy machine.
      expect(Date.now() - started).toBeLessThan(30_000)
      expect((await run('echo still fine')).output).toBe('still fine\n')
    })

    it('is stopped at its time limit, with everything it started', async () => {
      const result = await run('sleep 60 & sleep 60; echo never')
      expect(result.ok).toBe(false)
      expect(result.output).toMatch(/time limit/)
      expect(result.output).not.toMatch(/never/)
    })

    it('is stopped at once when cancelled while the sandbox is still starting, leaving nothing behind', async () => {
      // Killed in its first milliseconds, bwrap may not yet have tied its child's life to its
      // own; that child sits in a session of its own and held the output open to its end.
      const tool = shell().get('shell_exec_safe')!
      const slowest: number[] = []
      for (let delay = 0; delay < 16; delay++) {
        const controller = new AbortController()
        const started = performance.now()
        setTimeout(() => controller.abort(), delay)
        const result = await tool.run(
          { command: 'sleep 37.25' },
          {
            workspace,
            signal: controller.signal,
            grant: { by: 'policy', actionType: 'file_read', outsideWorkspace: [] }
          }
        )
        slowest.push(performance.now() - started)
        expect(result.ok).toBe(false)
      }
      // Within the kill's grace (2 s) and some slack, never the command's 37 s.
      expect(Math.max(...slowest)).toBeLessThan(5_000)
      const leftovers = spawnSync('pgrep', ['-f', 'sleep 37.25'], { encoding: 'utf8' }).stdout.trim()
      expect(leftovers).toBe('')
    }, 120_000)

    it('cannot gain privileges', async () => {
      const result = await run('grep -E "^(NoNewPrivs|CapEff)" /proc/self/status')
      expect(result.output).toMatch(/NoNewPrivs:\s+1/)
      expect(result.output).toMatch(/CapEff:\s+0+\n/)
    })
  })

  describe('workspace_write (what a person approved)', () => {
    it('writes the workspace, still not outside it, still no network', async () => {
      const result = await run(
        `echo x > approved.txt && echo x > ${outside}/no.txt; ${connect(String(port))}`,
        person('file_write')
      )
      expect(result.sandbox).toBe('workspace_write')
      expect(readFileSync(join(workspace, 'approved.txt'), 'utf8')).toBe('x\n')
      expect(existsSync(join(outside, 'no.txt'))).toBe(false)
      expect(result.output).toMatch(/UNREACHABLE/)
    })

    it('reaches the network only when approved as a network action', async () => {
      const result = await run(connect(String(port)), person('network'))
      expect(result.output).toMatch(/hello from the host/)
    })

    it('writes a path outside the workspace only when the approval named it', async () => {
      const result = await run(
        `echo y > ${outside}/named.txt && cat ${home}/.ssh/id_ed25519`,
        person('file_write', [outside])
      )
      expect(readFileSync(join(outside, 'named.txt'), 'utf8')).toBe('y\n')
      expect(result.output).not.toContain('PRIVATE KEY')
    })

    it("never shows Duck's data folder, even under an approved path", async () => {
      const result = await run(`ls ${dataDir}; cat ${dataDir}/api-token`, person('file_write', [root]))
      expect(result.output).not.toContain('secret-token')
    })
  })
})

describe('without a sandbox', () => {
  it('a call the policy allowed does not run; a person-approved one runs and says it was unconfined', async () => {
    const none = new ToolRegistry({
      sandbox: {
        status: async () => ({ available: false, kind: null, reason: 'no sandbox in this test' }),
        wrap: (i) => i
      }
    }).get('shell_exec_safe')!
    const ctx = { workspace, signal: new AbortController().signal }
    const assessed = await none.assess({ command: 'ls' }, { workspace })
    expect(assessed).toMatchObject({ needs_approval: true, sandbox: 'none' })
    expect(assessed.reasons.join(' ')).toMatch(/without a sandbox: no sandbox in this test/)
    const policy = await none.run(
      { command: 'echo hi' },
      { ...ctx, grant: { by: 'policy', actionType: 'file_read', outsideWorkspace: [] } }
    )
    expect(policy).toMatchObject({ ok: false, sandbox: 'none' })
    expect(policy.output).toMatch(/^Not run/)
    const approved = await none.run({ command: 'echo hi' }, { ...ctx, grant: person() })
    expect(approved).toMatchObject({ ok: true, sandbox: 'none' })
    expect(approved.output).toMatch(/hi\n+\[ran without a sandbox: no sandbox in this test\]/)
  })

  it('a missing bwrap says how to install it', async () => {
    const status = await new Bubblewrap({ bwrapPath: '/nonexistent/bwrap' }).status()
    expect(status.available).toBe(false)
    expect(status.reason).toMatch(/could not start|not installed/)
  })

  it('sudo runs outside the sandbox and the approval says so', async () => {
    const assessed = await shell().get('shell_exec_safe')!.assess({ command: 'sudo apt-get update' }, { workspace })
    expect(assessed).toMatchObject({ privileged: true, sandbox: 'none' })
    expect(assessed.reasons.join(' ')).toMatch(/sudo cannot run inside the sandbox/)
  })

  it('macOS: the generated profile denies by default and opens only what the grant names', () => {
    const seatbelt = new Seatbelt({ hidden: [dataDir] })
    const input = { argv: ['/bin/bash', '-c', 'ls'], workspace, env: { PATH: '/usr/bin:/bin' } }
    const readOnly = seatbelt.profile({ ...input, grant: { profile: 'read_only', network: false, writablePaths: [] } })
    expect(readOnly).toMatch(/^\(version 1\)\n\(deny default\)/)
    expect(readOnly).toContain(`(allow file-read* (subpath "${workspace}"))`)
    expect(readOnly).not.toContain(`(allow file-write* (subpath "${workspace}"))`)
    expect(readOnly).not.toContain('network')
    expect(readOnly).toContain(`(deny file-read* file-write* (subpath "${dataDir}"))`)
    const write = seatbelt.profile({
      ...input,
      grant: { profile: 'workspace_write', network: true, writablePaths: [outside] }
    })
    expect(write).toContain(`(allow file-write* (subpath "${workspace}"))`)
    expect(write).toContain(`(allow file-read* file-write* (subpath "${outside}"))`)
    expect(write).toContain('(allow network*)')
    expect(
      seatbelt.wrap({ ...input, grant: { profile: 'read_only', network: false, writablePaths: [] } }).argv.slice(0, 2)
    ).toEqual(['/usr/bin/sandbox-exec', '-p'])
  })
})
