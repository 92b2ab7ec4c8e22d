/** MCP servers for the tests: the reference servers and Duck's misbehaving one, started as `node <entry>`. */
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import type { McpServerStatus, McpServersInfo } from '../../src/shared/mcp'
import type { Harness } from './harness'

const root = process.cwd()
export const FILESYSTEM_ENTRY = join(root, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js')
export const EVERYTHING_ENTRY = join(root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js')
export const MEMORY_ENTRY = join(root, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js')
export const SEQUENTIAL_THINKING_ENTRY = join(
  root,
  'node_modules/@modelcontextprotocol/server-sequential-thinking/dist/index.js'
)
export const BAD_SERVER = join(root, 'test/support/mcp-bad-server.mjs')

/** A unique argument that marks a server's processes in the process table. */
export function tag(): string {
  return `--duck-test-tag=${randomUUID()}`
}

export function badServer(mode: string, extra: Record<string, unknown> = {}, marker = tag()): Record<string, unknown> {
  return { command: process.execPath, args: [BAD_SERVER, `--mode=${mode}`, marker], ...extra }
}

/** Live processes whose command line holds `marker` (read from /proc). */
export function processesWith(marker: string): number[] {
  const out: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8')
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      if (cmdline.includes(marker) && !/\) Z /.test(stat)) out.push(Number(entry))
    } catch {
      // gone meanwhile
    }
  }
  return out
}

export async function mcpInfo(h: Harness): Promise<McpServersInfo> {
  return (await (await h.api('/v1/mcp/servers')).json()) as McpServersInfo
}

export async function serverStatus(h: Harness, name: string): Promise<McpServerStatus> {
  const info = await mcpInfo(h)
  const server = info.servers.find((s) => s.name === name)
  if (!server) throw new Error(`no server ${name} in ${JSON.stringify(info)}`)
  return server
}

/** Polls until the server's state satisfies `done` (default: ready or error). */
export async function waitFor(
  h: Harness,
  name: string,
  done: (s: McpServerStatus) => boolean = (s) => s.state === 'ready' || s.state === 'error',
  timeoutMs = 15_000
): Promise<McpServerStatus> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const status = await serverStatus(h, name)
    if (done(status)) return status
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${name}: ${JSON.stringify(status)}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Adds a server, confirms the fingerprint it shows, and waits until it is ready or failed. */
export async function addServer(h: Harness, name: string, entry: Record<string, unknown>): Promise<McpServerStatus> {
  const put = await h.api(`/v1/mcp/servers/${name}`, { method: 'PUT', body: JSON.stringify(entry) })
  if (put.status !== 200) throw new Error(`PUT ${name}: ${put.status} ${await put.text()}`)
  const shown = await serverStatus(h, name)
  const confirmed = await h.api(`/v1/mcp/servers/${name}/confirm`, {
    method: 'POST',
    body: JSON.stringify({ fingerprint: shown.fingerprint })
  })
  if (confirmed.status !== 200) throw new Error(`confirm ${name}: ${confirmed.status} ${await confirmed.text()}`)
  return waitFor(h, name)
}

/** A port nothing listens on right now (127.0.0.1). */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))
      )
    })
  })
}

export interface HttpServer {
  url: string
  pid: number
  close(): Promise<void>
}

/**
 * server-everything in its Streamable HTTP mode (`node dist/index.js streamableHttp`, the
 * package's `start:streamableHttp` script) on a random port, its endpoint on 127.0.0.1.
 * Resolves once it says it listens; a port taken meanwhile is tried again with another.
 */
export async function startEverythingHttp(marker = tag()): Promise<HttpServer> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort()
    const child = spawn(process.execPath, [EVERYTHING_ENTRY, 'streamableHttp', marker], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port) },
      stdio: ['ignore', 'ignore', 'pipe']
    })
    let stderr = ''
    const outcome = await new Promise<'listening' | 'exited'>((resolve) => {
      child.stderr.setEncoding('utf8')
      child.stderr.on('data', (text: string) => {
        stderr += text
        if (stderr.includes(`listening on port ${port}`)) resolve('listening')
      })
      child.once('exit', () => resolve('exited'))
      setTimeout(() => resolve('exited'), 15_000).unref()
    })
    if (outcome === 'listening' && child.pid) {
      return {
        url: `http://127.0.0.1:${port}/mcp`,
        pid: child.pid,
        close: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done()
            child.once('exit', () => done())
            child.kill('SIGKILL')
          })
      }
    }
    child.kill('SIGKILL')
    if (attempt >= 2) throw new Error(`server-everything (streamableHttp) did not start: ${stderr.slice(-2000)}`)
  }
}
