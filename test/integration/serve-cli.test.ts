import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'

const entry = join(process.cwd(), 'out', 'main', 'server.js')

function run(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [entry, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, exited, out: () => stdout, err: () => stderr }
}

describe('npm run serve (built server)', () => {
  beforeAll(() => {
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first (npm test does).`)
  })

  it('prints its line, answers, and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'duck-cli-'))
    try {
      const proc = run(['--port', '0'], {
        DUCK_DATA_DIR: dataDir,
        DUCK_DB_PATH: join(dataDir, 'db.sqlite3'),
        DUCK_API_TOKEN: ''
      })
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(proc.err())), 10_000)
        proc.child.stdout.on('data', () => {
          const match = /^Duck listening on (http:\/\/127\.0\.0\.1:(\d+))$/m.exec(proc.out())
          if (match?.[1]) {
            clearTimeout(timer)
            resolve(match[1])
          }
        })
      })
      expect(proc.out().trim().split('\n')).toHaveLength(1)
      const health = await fetch(`${url}/v1/health`)
      expect(health.status).toBe(200)
      // A generated token is written for the user, readable only by them.
      const tokenFile = join(dataDir, 'api-token')
      expect(statSync(tokenFile).mode & 0o777).toBe(0o600)
      const token = readFileSync(tokenFile, 'utf8').trim()
      const noToken = await fetch(`${url}/v1/conversations`)
      expect(noToken.status).toBe(401)
      const withToken = await fetch(`${url}/v1/health`, { headers: { Authorization: `Bearer ${token}` } })
      expect(withToken.status).toBe(200)
      const page = await fetch(`${url}/`)
      expect(await page.text()).toContain('<div id="root">')
      proc.child.kill('SIGTERM')
      expect(await proc.exited).toBe(0)
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('explains a bad --port and exits', async () => {
    const proc = run(['--port', 'eighty'], {})
    expect(await proc.exited).toBe(2)
    expect(proc.err()).toMatch(/--port must be a number/)
  })

  it('stops cleanly on SIGHUP', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'duck-cli-'))
    try {
      const proc = run(['--port', '0'], { DUCK_DATA_DIR: dataDir, DUCK_API_TOKEN: 'x'.repeat(24) })
      await waitFor(() => /Duck listening on/.test(proc.out()), 10_000, proc.err)
      proc.child.kill('SIGHUP')
      expect(await proc.exited).toBe(0)
      expect(proc.err()).toContain('SIGHUP received, stopping')
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    it.skipIf(process.platform !== 'linux')(
      `${signal} to \`npm run serve\` stops the node process under it too`,
      async () => {
        const dataDir = mkdtempSync(join(tmpdir(), 'duck-cli-'))
        const npm = process.env.npm_execpath
        const [command, args] = npm ? [process.execPath, [npm]] : ['npm', []]
        const child = spawn(command, [...args, 'run', 'serve', '--', '--port', '0'], {
          env: { ...process.env, DUCK_DATA_DIR: dataDir, DUCK_API_TOKEN: 'x'.repeat(24) },
          stdio: ['ignore', 'pipe', 'pipe']
        })
        let out = ''
        child.stdout.on('data', (c: Buffer) => (out += c.toString()))
        child.stderr.on('data', (c: Buffer) => (out += c.toString()))
        try {
          await waitFor(
            () => /Duck listening on/.test(out),
            20_000,
            () => out
          )
          const server = descendants(child.pid!).find((pid) => cmdline(pid).includes('out/main/server.js'))
          expect(server, `no server process under npm:\n${out}`).toBeDefined()
          // The young generation is capped, which keeps ~25 MiB of RSS off a long-running server
          // (docs/performance.md, "Memory").
          expect(cmdline(server!)).toContain('--max-semi-space-size=4')
          child.kill(signal)
          // npm and its shell end; the server must not live on re-parented to init.
          await waitFor(
            () => !alive(server!),
            10_000,
            () => `the server (pid ${server}) is still running:\n${out}`
          )
        } finally {
          for (const pid of descendants(child.pid!)) process.kill(pid, 'SIGKILL')
          child.kill('SIGKILL')
          rmSync(dataDir, { recursive: true, force: true })
        }
      }
    )
  }
})

async function waitFor(test: () => boolean, ms: number, why: () => string): Promise<void> {
  const deadline = Date.now() + ms
  while (!test()) {
    if (Date.now() > deadline) throw new Error(why())
    await new Promise((r) => setTimeout(r, 50))
  }
}

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  } catch {
    return null
  }
}

function descendants(root: number): number[] {
  const pids = readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
  const found: number[] = []
  let frontier = [root]
  while (frontier.length > 0) {
    const next = pids.filter((pid) => frontier.includes(parentOf(pid) ?? -1))
    found.push(...next)
    frontier = next
  }
  return found
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')
  } catch {
    return ''
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ')
  } catch {
    return false
  }
}
