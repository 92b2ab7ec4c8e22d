/**
 * A real `llama-server` (llama.cpp's OpenAI-compatible server) for integration tests and
 * benchmarks, built from the llama.cpp source node-llama-cpp ships (`scripts/llama-server.mjs`).
 *
 * The binary:
 *   - cached (`node scripts/llama-server.mjs --check` prints its path): used as is;
 *   - missing and `CI` is set: `llamaServerBinary()` throws, so the tests FAIL in CI (a CI job
 *     must build it first, e.g. `node scripts/llama-server.mjs` in a cached step) — they never
 *     skip silently;
 *   - missing elsewhere: built once by running `node scripts/llama-server.mjs` (several minutes
 *     on two cores, ~9 min here; the build is serialised across parallel test workers by a lock
 *     folder beside the cache). Give the first `beforeAll` that calls this a long timeout
 *     (`LLAMA_BUILD_TIMEOUT_MS`). Set `DUCK_NO_LLAMA_BUILD=1` to get the CI behaviour locally.
 *
 * Servers are started on 127.0.0.1 on a free port with `--jinja -t 1 -np 1 -n 512 -c 4096`
 * (each overridable), and are stopped by `stop()` or, failing that, when this process exits.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, rmdirSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { duckCacheDir, REPO_ROOT } from './tiny-models'

const run = promisify(execFile)
const SCRIPT = join(REPO_ROOT, 'scripts', 'llama-server.mjs')

/** How long a hook that may have to build llama-server should be allowed to take. */
export const LLAMA_BUILD_TIMEOUT_MS = 20 * 60_000
/** How long a hook that only starts servers (binary cached, models made) needs at most. */
export const LLAMA_START_TIMEOUT_MS = 120_000

async function cachedBinary(): Promise<string | null> {
  try {
    const { stdout } = await run(process.execPath, [SCRIPT, '--check'], { cwd: REPO_ROOT, encoding: 'utf8' })
    const path = stdout.trim()
    return path !== '' && existsSync(path) ? path : null
  } catch {
    return null
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Builds it, one builder at a time across processes (the build script's work folder is shared). */
async function buildBinary(): Promise<string> {
  const lock = join(duckCacheDir(), 'llama-server', '.build-lock')
  mkdirSync(join(duckCacheDir(), 'llama-server'), { recursive: true })
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch {
      // Someone else is building: wait for the binary, or for a lock left by a dead builder.
      const found = await cachedBinary()
      if (found !== null) return found
      try {
        if (Date.now() - statSync(lock).mtimeMs > 30 * 60_000) rmdirSync(lock)
      } catch {
        // gone meanwhile
      }
      await sleep(2000)
    }
  }
  try {
    const found = await cachedBinary()
    if (found !== null) return found
    process.stderr.write('llama-server is not built yet: building it now (several minutes, once)…\n')
    const built = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [SCRIPT], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
      let out = ''
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
      child.once('error', reject)
      child.once('exit', (code) =>
        code === 0 && out.trim() !== ''
          ? resolve(out.trim().split('\n').at(-1) as string)
          : reject(new Error(`node scripts/llama-server.mjs failed (exit ${code})`))
      )
    })
    return built
  } finally {
    rmdirSync(lock)
  }
}

let binary: Promise<string> | undefined

/**
 * The llama-server binary's path. Throws in CI (or with DUCK_NO_LLAMA_BUILD) when it is not
 * built; builds it otherwise (see the file comment).
 */
export function llamaServerBinary(): Promise<string> {
  binary ??= (async () => {
    const found = await cachedBinary()
    if (found !== null) return found
    if (process.env.CI || process.env.DUCK_NO_LLAMA_BUILD) {
      throw new Error(
        'llama-server is not built (node scripts/llama-server.mjs --check found nothing). ' +
          'Build it before the tests: node scripts/llama-server.mjs'
      )
    }
    return await buildBinary()
  })()
  binary.catch(() => (binary = undefined))
  return binary
}

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

export interface LlamaServerOptions {
  /** Context size (-c). Default 4096. */
  ctx?: number
  /** The server's cap on generated tokens per request (-n). Default 512; -1 for none. */
  nPredict?: number
  /** Threads (-t). Default 1. */
  threads?: number
  /** More flags, e.g. ['--reasoning-format', 'none'] or ['--seed', '1']. */
  extraArgs?: string[]
  /** How long to wait for GET /health to answer 200. Default 60 s. */
  readyTimeoutMs?: number
  /** A command that execs the server, e.g. ['taskset', '-c', '1'] (benchmarks). */
  launcher?: string[]
}

export interface LlamaServer {
  /** The OpenAI-compatible base URL: http://127.0.0.1:PORT/v1 */
  baseURL: string
  /** http://127.0.0.1:PORT (for /health, /slots, /props, /metrics). */
  origin: string
  port: number
  pid: number
  /** The command line it was started with. */
  args: string[]
  /** SIGTERM, then SIGKILL after 3 s; resolves once it has exited. */
  stop(): Promise<void>
  /** The last 64 KB of what it printed. */
  log(): string
}

const live = new Set<ChildProcess>()
let exitHookInstalled = false

function killAllNow(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL')
    } catch {
      // already gone
    }
  }
  live.clear()
}

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', killAllNow)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAllNow()
      // Let the default action (or another listener) end the process as it would have.
      process.removeListener(signal, onSignal)
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
    }
    process.on(signal, onSignal)
  }
}

/** Starts llama-server on `modelPath`, on 127.0.0.1 and a free port; resolves once /health is 200. */
export async function startLlamaServer(modelPath: string, options: LlamaServerOptions = {}): Promise<LlamaServer> {
  const bin = await llamaServerBinary()
  let lastError: unknown
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort()
    try {
      return await startOn(bin, port, modelPath, options)
    } catch (error) {
      lastError = error
      // Another process may have taken the port between the probe and the bind: try another.
      if (!(error instanceof Error && /bind|address already in use|couldn't bind/i.test(error.message))) throw error
    }
  }
  throw lastError
}

async function startOn(
  bin: string,
  port: number,
  modelPath: string,
  options: LlamaServerOptions
): Promise<LlamaServer> {
  installExitHook()
  const args = [
    '-m',
    modelPath,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--jinja',
    '-t',
    String(options.threads ?? 1),
    '-np',
    '1',
    '-n',
    String(options.nPredict ?? 512),
    '-c',
    String(options.ctx ?? 4096),
    '--no-webui',
    ...(options.extraArgs ?? [])
  ]
  const [command, ...prefix] = [...(options.launcher ?? []), bin]
  const child = spawn(command as string, [...prefix, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  live.add(child)
  let log = ''
  const append = (chunk: Buffer): void => {
    log += chunk.toString()
    if (log.length > 128 * 1024) log = log.slice(-64 * 1024)
  }
  child.stdout?.on('data', append)
  child.stderr?.on('data', append)
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve()
    else child.once('exit', () => resolve())
  })
  exited.then(
    () => live.delete(child),
    () => undefined
  )
  let spawnError: Error | null = null
  child.once('error', (error) => (spawnError = error))

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
      await exited
      clearTimeout(timer)
    }
    live.delete(child)
  }

  const origin = `http://127.0.0.1:${port}`
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000)
  for (;;) {
    if (spawnError !== null) throw new Error(`llama-server could not start: ${(spawnError as Error).message}`)
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `llama-server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${log.slice(-4000)}`
      )
    }
    try {
      const health = await fetch(`${origin}/health`, { signal: AbortSignal.timeout(2000) })
      if (health.status === 200) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(
        `llama-server did not become healthy within ${options.readyTimeoutMs ?? 60_000} ms:\n${log.slice(-4000)}`
      )
    }
    await sleep(100)
  }
  return {
    baseURL: `${origin}/v1`,
    origin,
    port,
    pid: child.pid as number,
    args,
    stop,
    log: () => log.slice(-64 * 1024)
  }
}

/** llama-server's slots (GET /slots): whether each is generating now. */
export async function slotsBusy(origin: string): Promise<boolean[]> {
  const response = await fetch(`${origin}/slots`)
  if (!response.ok) throw new Error(`GET /slots answered ${response.status}`)
  const slots = (await response.json()) as { is_processing?: boolean }[]
  return slots.map((slot) => slot.is_processing === true)
}
