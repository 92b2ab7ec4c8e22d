/**
 * The built-in engine's worker as an Electron utility process (`utilityProcess.fork`): the
 * desktop app's `EngineProcess`. The worker (out/main/engine-worker.js) talks over
 * `process.parentPort`; the core only sees `EngineProcess` and never imports electron.
 *
 * `utilityProcess` is a parameter so this adapter is tested with a fake.
 */
import type { ForkOptions } from 'electron'
import {
  forwardLines,
  resolveWorkerEntry,
  workerEnvironment,
  type EngineProcess,
  type EngineProcessFactory
} from '../core/engine/process'

/** The part of Electron's `UtilityProcess` this adapter uses. */
export interface UtilityChild {
  readonly pid?: number | undefined
  readonly stdout: NodeJS.ReadableStream | null
  readonly stderr: NodeJS.ReadableStream | null
  postMessage(message: unknown): void
  on(event: 'message', listener: (message: unknown) => void): this
  on(event: 'exit', listener: (code: number) => void): this
  on(event: 'error', listener: (type: string, location: string, report: string) => void): this
  kill(): boolean
}

/** The part of Electron's `utilityProcess` module this adapter uses. */
export interface UtilityProcessModule {
  fork(modulePath: string, args?: string[], options?: ForkOptions): UtilityChild
}

export interface UtilityEngineProcessOptions {
  utilityProcess: UtilityProcessModule
  /** Default: the built `engine-worker.js` beside the main bundle. */
  workerPath?: string
  /** Default: this process's environment without `DUCK_*`. */
  env?: Record<string, string>
  /** Lines the worker wrote to stdout or stderr. */
  onOutput?: (line: string) => void
}

export function utilityEngineProcessFactory(options: UtilityEngineProcessOptions): EngineProcessFactory {
  return () => startUtilityEngineProcess(options)
}

export function startUtilityEngineProcess(options: UtilityEngineProcessOptions): EngineProcess {
  const workerPath = options.workerPath ?? builtWorkerPath()
  const child = options.utilityProcess.fork(workerPath, [], {
    env: options.env ?? workerEnvironment(),
    stdio: 'pipe',
    serviceName: "Duck's built-in engine"
  })
  const onOutput = options.onOutput
  forwardLines([child.stdout, child.stderr], onOutput)

  const exitCallbacks: Array<(code: number | null, signal?: string | null) => void> = []
  let exited: { code: number | null } | null = null
  child.on('exit', (code) => {
    if (exited !== null) return
    exited = { code }
    for (const cb of exitCallbacks) cb(code, null)
  })
  child.on('error', (type, location) => {
    onOutput?.(`engine worker: ${type}${location ? ` at ${location}` : ''}`)
  })

  return {
    send(message) {
      if (exited !== null) throw new Error('The engine worker is not running.')
      child.postMessage(message)
    },
    onMessage(cb) {
      child.on('message', (message) => cb(message))
    },
    onExit(cb) {
      if (exited !== null) cb(exited.code, null)
      else exitCallbacks.push(cb)
    },
    kill() {
      if (exited === null) child.kill()
    }
  }
}

function builtWorkerPath(): string {
  const entry = resolveWorkerEntry(import.meta.url)
  if (entry === null || entry.execArgv.length > 0) {
    throw new Error('The engine worker file is missing (out/main/engine-worker.js); run "npm run build".')
  }
  return entry.path
}
