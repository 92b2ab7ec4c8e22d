import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')

/**
 * The node options `npm run serve` starts the server with (package.json's `serve` script, e.g.
 * the young generation's cap), so a benchmark measures the server as people run it.
 */
export function serveNodeFlags(): string[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }
  const words = (manifest.scripts?.['serve'] ?? '').trim().split(/\s+/)
  if (words[0] !== 'node') throw new Error(`package.json's serve script does not start with node: ${words.join(' ')}`)
  return words.slice(1).filter((word) => word.startsWith('--'))
}

/**
 * Node arguments that start Duck's headless server for a benchmark, with the serve script's node
 * options: the build `npm run serve` runs (`out/main/server.js`) when it is newer than every
 * source file of the main process (or when `choice` is `built`), else the source through tsx —
 * which costs the server about twice the CPU per streamed token, so a benchmark says which one
 * it measured.
 */
export function serverEntry(
  log: (line: string) => void = console.log,
  choice: 'built' | 'source' | 'auto' = 'auto'
): string[] {
  const built = join(root, 'out', 'main', 'server.js')
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && !e.name.endsWith('.test.ts'))
      .reduce((max, e) => Math.max(max, statSync(join(e.parentPath, e.name)).mtimeMs), 0)
  const fresh =
    existsSync(built) &&
    statSync(built).mtimeMs >= Math.max(newest(join(root, 'src', 'main')), newest(join(root, 'src', 'shared')))
  const useBuilt = choice === 'built' || (choice === 'auto' && fresh)
  if (useBuilt && !existsSync(built))
    throw new Error('out/main/server.js is missing: run `npx electron-vite build` first')
  const flags = serveNodeFlags()
  const shown = flags.length > 0 ? `, with ${flags.join(' ')}` : ''
  log(
    useBuilt
      ? `Duck: the built server (out/main/server.js${shown})`
      : `Duck: the source through tsx (${choice === 'source' ? 'as asked' : 'the build is stale'}${shown})`
  )
  return [...flags, ...(useBuilt ? [built] : ['--import', 'tsx', join(root, 'src', 'main', 'server', 'main.ts')])]
}

export interface RunningServer {
  child: ChildProcess
  url: string
  pid: number
  /** SIGTERM, then waits for the process to exit. */
  stop(): Promise<void>
}

/**
 * Starts Duck's headless server for a benchmark on a free port and waits for its `Duck listening
 * on …` line: `node <nodeArgs> <entry> --port 0` (the entry defaults to `serverEntry()`).
 */
export async function startServer(options: {
  env: Record<string, string>
  /** Node options before the entry's own (a profiler, a preload). */
  nodeArgs?: string[]
  entry?: string[]
  stderr?: 'inherit' | 'ignore'
  /** An IPC channel to the server (for a preloaded probe). */
  ipc?: boolean
}): Promise<RunningServer> {
  const entry = options.entry ?? serverEntry()
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...entry, '--port', '0'], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', options.stderr ?? 'inherit', ...(options.ipc ? (['ipc'] as const) : [])]
  })
  const url = await new Promise<string>((resolve, reject) => {
    // Read until the line arrives; after it the output is still drained, not kept.
    let out: string | null = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      if (out === null) return
      out += chunk.toString()
      const found = /Duck listening on (http\S+)/.exec(out)
      if (found?.[1]) {
        out = null
        resolve(found[1])
      }
    })
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening`)))
  })
  return {
    child,
    url,
    pid: child.pid as number,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      })
  }
}
