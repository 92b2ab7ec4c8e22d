/**
 * Where the engine worker runs. `BuiltinEngine` talks to an `EngineProcess`; the default one is
 * a Node child process (`child_process.fork`), used by the headless server and the tests. The
 * desktop app passes an Electron `utilityProcess` adapter instead (src/main/app/engine-process.ts)
 * — the core never imports electron.
 *
 * The worker file:
 *   - built (`npm run build`): `out/main/engine-worker.js`, beside the bundle that holds this code
 *     (electron.vite.config.ts has the entry);
 *   - from source (vitest, tsx): `src/main/core/engine/worker.ts`, run through tsx.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface EngineProcess {
  send(message: unknown): void
  onMessage(cb: (message: unknown) => void): void
  /** Called once, when the process has exited (code, or the signal that ended it). */
  onExit(cb: (code: number | null, signal?: string | null) => void): void
  /** Ends the process at once (SIGKILL where there are signals). */
  kill(): void
}

export type EngineProcessFactory = () => EngineProcess

export interface WorkerEntry {
  /** The file to run. */
  path: string
  /** Node flags it needs (tsx for TypeScript sources). */
  execArgv: string[]
}

/**
 * The engine worker file: the built `engine-worker.js` beside this bundle, else the TypeScript
 * source beside this module (run with tsx). Null when neither exists.
 */
export function resolveWorkerEntry(from: string = import.meta.url): WorkerEntry | null {
  const here = dirname(from.startsWith('file:') ? fileURLToPath(from) : from)
  // The bundle may have put this module in a shared chunk (out/main/chunks/).
  for (const dir of [here, dirname(here)]) {
    const built = join(dir, 'engine-worker.js')
    if (existsSync(built)) return { path: built, execArgv: [] }
  }
  const source = join(here, 'worker.ts')
  if (existsSync(source)) return { path: source, execArgv: ['--import', 'tsx'] }
  return null
}

/**
 * The environment the worker gets: this process's, without Duck's own settings and secrets
 * (`DUCK_*`). The worker needs none of them: everything it needs arrives in messages.
 */
export function workerEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || key.toUpperCase().startsWith('DUCK_')) continue
    out[key] = value
  }
  return out
}

export interface ChildEngineProcessOptions {
  /** Default: `resolveWorkerEntry()`. */
  entry?: WorkerEntry
  /** Default: `workerEnvironment()`. */
  env?: Record<string, string>
  /** Lines the worker wrote to stdout or stderr (native crashes land there). */
  onOutput?: (line: string) => void
}

/** The default factory: the worker as a Node child process with an IPC channel. */
export function childEngineProcessFactory(options: ChildEngineProcessOptions = {}): EngineProcessFactory {
  return () => startChildEngineProcess(options)
}

export function startChildEngineProcess(options: ChildEngineProcessOptions = {}): EngineProcess {
  const entry = options.entry ?? resolveWorkerEntry()
  if (entry === null) {
    throw new Error('The engine worker file is missing (out/main/engine-worker.js); run "npm run build".')
  }
  const child: ChildProcess = fork(entry.path, [], {
    execArgv: entry.execArgv,
    env: options.env ?? workerEnvironment(),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'json'
  })
  const onOutput = options.onOutput
  forwardLines([child.stdout, child.stderr], onOutput)

  const exitCallbacks: Array<(code: number | null, signal?: string | null) => void> = []
  let exited: { code: number | null; signal: string | null } | null = null
  const finish = (code: number | null, signal: string | null): void => {
    if (exited !== null) return
    exited = { code, signal }
    for (const cb of exitCallbacks) cb(code, signal)
  }
  child.on('exit', (code, signal) => finish(code, signal))
  // A fork that cannot start (e.g. no such file) emits 'error' and may never emit 'exit'.
  child.on('error', (error) => {
    onOutput?.(`engine worker: ${error.message}`)
    if (child.exitCode === null && child.signalCode === null && child.pid === undefined) finish(null, null)
  })

  return {
    send(message) {
      if (exited !== null || !child.connected) throw new Error('The engine worker is not running.')
      child.send(message as object, (error) => {
        if (error) onOutput?.(`engine worker: a message could not be sent: ${error.message}`)
      })
    },
    onMessage(cb) {
      child.on('message', (message) => cb(message))
    },
    onExit(cb) {
      if (exited !== null) cb(exited.code, exited.signal)
      else exitCallbacks.push(cb)
    },
    kill() {
      if (exited === null) child.kill('SIGKILL')
    }
  }
}

/** Hands each non-empty line a worker writes (stdout, stderr) to `onLine`, also the last unterminated one. */
export function forwardLines(
  streams: (NodeJS.ReadableStream | null)[],
  onLine: ((line: string) => void) | undefined
): void {
  for (const stream of streams) {
    if (stream === null) continue
    stream.setEncoding('utf8')
    let rest = ''
    stream.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n')
      rest = lines.pop() ?? ''
      for (const line of lines) if (line.trim() !== '') onLine?.(line)
    })
    stream.on('end', () => {
      if (rest.trim() !== '') onLine?.(rest)
      rest = ''
    })
  }
}
