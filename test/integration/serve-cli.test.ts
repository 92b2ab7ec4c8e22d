import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
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
})
