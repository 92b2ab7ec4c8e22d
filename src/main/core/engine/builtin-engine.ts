/**
 * Duck's built-in engine: llama.cpp through node-llama-cpp, in a worker process (a Node child
 * process headless and in tests, an Electron utility process in the desktop app), behind the
 * same `ChatModel` interface as the OpenAI-compatible client.
 *
 *   - The worker starts on first use and is restarted by the next call after it dies; calls in
 *     flight when it dies reject with a `ModelError` that says so.
 *   - Each role names a .gguf file; the worker keeps up to two files loaded.
 *   - Structured roles (`responseFormat`) always decode under a JSON-schema grammar.
 *   - Reasoning on/off/auto maps to the model's own chat template (see worker.ts).
 *   - Stats come from the engine's own counts (tokens generated, decode and prompt time).
 */
import { availableParallelism } from 'node:os'
import { basename } from 'node:path'
import type { EngineState, ModelCapabilities } from '../../../shared/engine'
import type { ModelRole, ReasoningMode } from '../../../shared/schemas'
import { ModelError, type ModelErrorCode } from '../model/errors'
import { LinkedAbort } from '../model/linked-abort'
import type {
  ChatMessage,
  ChatModel,
  ChatOptions,
  ChatResult,
  ModelInfo,
  StreamChatOptions,
  StreamDelta,
  StreamResult
} from '../model/types'
import { JsonSchemaConversionError, toGbnfJsonSchema } from './json-schema'
import { childEngineProcessFactory, type EngineProcess, type EngineProcessFactory } from './process'
import {
  parseReply,
  type DoneReply,
  type EngineModelInfo,
  type EngineReply,
  type EngineRequest,
  type ErrorReply,
  type LoadedReply,
  type ReadyReply
} from './protocol'

export const BUILTIN_ENGINE_LABEL = "Duck's built-in engine"

/** Generation threads by default: half the cores (the rest stay for Duck and the desktop), 1 to 8. */
export function defaultThreads(cores: number = availableParallelism()): number {
  return Math.max(1, Math.min(8, Math.floor(cores / 2)))
}

export interface BuiltinEngineStatus {
  state: EngineState
  /** The model file being loaded or last loaded. */
  model: string | null
  error: string | null
}

export interface BuiltinEngineTimeouts {
  /** Until the worker has started and llama.cpp is initialised. Default 60 s. */
  startMs?: number
  /** Longest silence from the worker while a model loads. Default 10 min. */
  loadMs?: number
  /**
   * Longest silence from the worker while a request is in flight otherwise (it sends a heartbeat
   * every 5 s while it works, so silence means it is stuck, not busy). Default 120 s.
   */
  idleMs?: number
  /** How long `close()` waits for the worker to exit before killing it. Default 3 s. */
  closeGraceMs?: number
}

export interface BuiltinEngineOptions {
  /** Absolute paths of the .gguf file each role uses; '' when none is chosen. */
  models: Record<ModelRole, string>
  /** Context window to create (clamped to each model's training context). */
  contextLength: number
  /** Generation threads. Default: `defaultThreads()`. */
  threads?: number
  /** 'auto' (default): a GPU binding where one is present, else CPU. */
  gpu?: 'auto' | 'cpu'
  /** Cap on the RAM the engine plans to use, in bytes. Default: what is free. */
  memoryCapBytes?: number | null
  /** Starts the worker. Default: a Node child process (`childEngineProcessFactory()`). */
  spawn?: EngineProcessFactory
  onStatus?: (status: BuiltinEngineStatus) => void
  /** The worker's and llama.cpp's log lines. Default: warnings and errors to console.warn. */
  onLog?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void
  timeouts?: BuiltinEngineTimeouts
}

/** What `load()` reports. */
export interface BuiltinModelInfo {
  model: string
  contextSize: number
  trainContextSize: number | null
  architecture: string | null
  gpuLayers: number
  thinking: boolean
  chatWrapper: string
  loadMs: number
}

interface Pending {
  resolve: (reply: EngineReply) => void
  reject: (error: ModelError) => void
  onDelta?: (reply: Extract<EngineReply, { type: 'delta' }>) => void
}

interface Session {
  process: EngineProcess
  pending: Map<string, Pending>
  alive: boolean
  /** Resolves once the worker said hello and answered init. */
  ready: Promise<ReadyReply>
  exited: Promise<void>
  lastMessageAt: number
  loading: boolean
  watchdog: ReturnType<typeof setInterval> | undefined
  output: string[]
}

const DEFAULTS = { startMs: 60_000, loadMs: 600_000, idleMs: 120_000, closeGraceMs: 3_000 }

export class BuiltinEngine implements ChatModel {
  readonly label = BUILTIN_ENGINE_LABEL
  private readonly models: Record<ModelRole, string>
  private readonly contextSize: number
  private readonly threads: number
  private readonly gpu: 'auto' | 'cpu'
  private readonly memoryCap: number | null
  private readonly spawn: EngineProcessFactory
  private readonly onStatus: ((status: BuiltinEngineStatus) => void) | undefined
  private readonly onLog: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void
  private readonly timeouts: Required<BuiltinEngineTimeouts>
  private session: Session | null = null
  private sequence = 0
  private currentStatus: BuiltinEngineStatus = { state: 'idle', model: null, error: null }
  private backendInfo: { gpu: string | null; threads: number } | null = null
  /** Per model file: the context created (exact) or the estimate from its header. */
  private readonly contexts = new Map<string, { size: number; exact: boolean }>()
  private readonly loadedInfo = new Map<string, BuiltinModelInfo>()
  private readonly speeds = new Map<ModelRole, number>()
  private readonly structured = new Set<ModelRole>()

  constructor(options: BuiltinEngineOptions) {
    this.models = { ...options.models }
    this.contextSize = Math.max(16, Math.floor(options.contextLength))
    this.threads = Math.max(1, Math.floor(options.threads ?? defaultThreads()))
    this.gpu = options.gpu ?? 'auto'
    this.memoryCap = options.memoryCapBytes ?? null
    this.onStatus = options.onStatus
    this.onLog =
      options.onLog ??
      ((level, message) => {
        if (level === 'warn' || level === 'error') console.warn(`[engine] ${message}`)
      })
    this.timeouts = { ...DEFAULTS, ...definedOnly(options.timeouts ?? {}) }
    this.spawn =
      options.spawn ??
      childEngineProcessFactory({
        onOutput: (line) => {
          const output = this.session?.output
          if (output === undefined) return
          output.push(line)
          if (output.length > 50) output.splice(0, output.length - 50)
        }
      })
  }

  modelFor(role: ModelRole): string {
    return this.models[role]
  }

  /** What the engine is doing (the worker's last status). */
  get status(): BuiltinEngineStatus {
    return { ...this.currentStatus }
  }

  /** The backend the worker runs on, once it has started. */
  get backend(): { gpu: string | null; threads: number } | null {
    return this.backendInfo === null ? null : { ...this.backendInfo }
  }

  /** Loads a role's model now (otherwise the first request does). */
  async load(role: ModelRole, signal?: AbortSignal): Promise<BuiltinModelInfo> {
    const path = this.requireModel(role)
    const reply = await this.request(
      { type: 'load', id: this.nextId(), model: path, contextSize: this.contextSize },
      { signal }
    )
    if (reply.type !== 'loaded') throw unexpected(reply)
    return this.noteLoaded(reply)
  }

  async chat(role: ModelRole, messages: ChatMessage[], opts: ChatOptions = {}): Promise<ChatResult> {
    const path = this.requireModel(role)
    let schema: Record<string, unknown> | undefined
    if (opts.responseFormat !== undefined) {
      try {
        schema = toGbnfJsonSchema(opts.responseFormat.schema).schema as Record<string, unknown>
      } catch (error) {
        const why = error instanceof JsonSchemaConversionError ? error.message : String(error)
        throw new ModelError('model_error', `The response format "${opts.responseFormat.name}" cannot be used: ${why}`)
      }
      this.structured.add(role)
    }
    let content = ''
    let reasoning = ''
    const done = await this.runChat(role, path, messages, { ...opts, schema }, (kind, text) => {
      if (kind === 'content') content += text
      else reasoning += text
    })
    return {
      content: schema !== undefined ? content.trim() : content,
      reasoning,
      model: path,
      finishReason: done.finishReason,
      truncated: done.truncated,
      usageCompletionTokens: done.stats.outputTokens
    }
  }

  async *streamChat(
    role: ModelRole,
    messages: ChatMessage[],
    opts: StreamChatOptions = {}
  ): AsyncGenerator<StreamDelta, StreamResult, undefined> {
    const path = this.requireModel(role)
    if (opts.signal?.aborted) throw cancelled(opts.signal.reason)
    const meter = opts.meter
    // Follows the caller's signal, and aborts the request when the consumer stops reading early.
    const local = new LinkedAbort(opts.signal)
    const signal = local.signal
    const queue = new DeltaQueue()
    meter?.start()
    const run = this.runChat(role, path, messages, { ...opts, signal }, (kind, text, tokens) => {
      queue.push({ type: kind === 'reasoning' ? 'reasoning_delta' : 'content_delta', delta: text }, tokens)
    })
    run.then(
      () => queue.end(),
      (error: unknown) => queue.fail(error)
    )
    let finished = false
    try {
      for (;;) {
        const next = await queue.next()
        if (next === null) break
        meter?.onToken(next.tokens)
        yield next.delta
      }
      const done = await run
      finished = true
      meter?.recordEngineTimings({
        outputTokens: done.stats.outputTokens,
        decodeMs: done.stats.decodeMs,
        promptMs: done.stats.promptMs
      })
      return {
        finishReason: done.finishReason,
        model: path,
        truncated: done.truncated,
        usageCompletionTokens: done.stats.outputTokens
      }
    } finally {
      if (!finished) {
        local.abort(new ModelError('cancelled', 'The answer was not read to the end.'))
        run.catch(() => undefined)
      }
      local.unlink()
    }
  }

  async listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    if (signal?.aborted) throw cancelled(signal.reason)
    const seen = new Set<string>()
    const out: ModelInfo[] = []
    for (const path of Object.values(this.models)) {
      if (path === '' || seen.has(path)) continue
      seen.add(path)
      out.push({ id: path, owned_by: 'duck' })
    }
    return out
  }

  async contextLength(role: ModelRole, signal?: AbortSignal): Promise<number | null> {
    const path = this.models[role]
    if (path === '') return null
    const known = this.contexts.get(path)
    if (known !== undefined) return known.size
    const reply = await this.request({ type: 'inspect', id: this.nextId(), model: path }, { signal })
    if (reply.type !== 'info') throw unexpected(reply)
    const size = clampContext(this.contextSize, reply.info)
    if (!this.contexts.has(path)) this.contexts.set(path, { size, exact: false })
    return this.contexts.get(path)?.size ?? size
  }

  capabilities(role: ModelRole): ModelCapabilities {
    const path = this.models[role]
    return {
      engine: 'builtin',
      role,
      model: path === '' ? '' : basename(path),
      structured_output: 'grammar',
      reasoning_format: 'separate',
      context_length: path === '' ? null : (this.contexts.get(path)?.size ?? null),
      tokens_per_second: this.speeds.get(role) ?? null
    }
  }

  async close(): Promise<void> {
    const session = this.session
    if (session === null) return
    this.session = null
    for (const [, pending] of session.pending) {
      pending.reject(new ModelError('cancelled', `${BUILTIN_ENGINE_LABEL} was closed.`))
    }
    session.pending.clear()
    if (session.alive) {
      try {
        session.process.send({ type: 'shutdown', id: this.nextId() } satisfies EngineRequest)
      } catch {
        // Not running any more: nothing to ask.
      }
      const grace = new Promise<'timeout'>((resolve) => {
        const timer = setTimeout(() => resolve('timeout'), this.timeouts.closeGraceMs)
        void session.exited.then(() => clearTimeout(timer))
      })
      if ((await Promise.race([session.exited.then(() => 'exited' as const), grace])) === 'timeout') {
        session.process.kill()
        await session.exited
      }
    }
    this.setStatus({ state: 'idle', model: null, error: null })
  }

  // -- internals ------------------------------------------------------------------------------

  private requireModel(role: ModelRole): string {
    const path = this.models[role]
    if (path === '') {
      throw new ModelError(
        'engine_no_model',
        `No model is chosen for the ${role} role of ${BUILTIN_ENGINE_LABEL}. Choose or download one under Models.`
      )
    }
    return path
  }

  private nextId(): string {
    this.sequence += 1
    return `r${this.sequence}`
  }

  private async runChat(
    role: ModelRole,
    path: string,
    messages: ChatMessage[],
    opts: {
      temperature?: number
      maxTokens?: number
      reasoning?: ReasoningMode
      signal?: AbortSignal
      schema?: Record<string, unknown> | undefined
    },
    onDelta: (kind: 'reasoning' | 'content', text: string, tokens: number) => void
  ): Promise<DoneReply> {
    if (messages.length === 0) throw new ModelError('model_error', 'There is nothing to answer (no messages).')
    const request: EngineRequest = {
      type: 'chat',
      id: this.nextId(),
      model: path,
      contextSize: this.contextSize,
      messages: messages.map((m) => ({ role: m.role, content: m.content })),
      reasoning: opts.reasoning ?? 'auto',
      ...(opts.temperature !== undefined ? { temperature: Math.max(0, opts.temperature) } : {}),
      ...(opts.maxTokens !== undefined ? { maxTokens: Math.max(1, Math.floor(opts.maxTokens)) } : {}),
      ...(opts.schema !== undefined ? { schema: opts.schema } : {})
    }
    const reply = await this.request(request, {
      signal: opts.signal,
      onDelta: (delta) => onDelta(delta.kind, delta.text, delta.tokens)
    })
    if (reply.type !== 'done') throw unexpected(reply)
    const known = this.contexts.get(path)
    if (known === undefined || !known.exact || known.size !== reply.contextSize) {
      this.contexts.set(path, { size: reply.contextSize, exact: true })
    }
    const { outputTokens, decodeMs } = reply.stats
    if (outputTokens > 1 && decodeMs > 0) {
      this.speeds.set(role, Math.round((outputTokens / (decodeMs / 1000)) * 10) / 10)
    }
    return reply
  }

  /** Sends a request and resolves with its final reply (deltas go to `onDelta`). */
  private async request(
    request: EngineRequest,
    options: { signal?: AbortSignal | undefined; onDelta?: Pending['onDelta'] }
  ): Promise<EngineReply> {
    const { signal } = options
    if (signal?.aborted) throw cancelled(signal.reason)
    const session = await this.ensureSession(signal)
    if (signal?.aborted) throw cancelled(signal.reason)
    return await new Promise<EngineReply>((resolve, reject) => {
      const id = request.id
      const onAbort = (): void => {
        if (!session.pending.delete(id)) return
        if (request.type === 'chat' || request.type === 'load' || request.type === 'inspect') {
          this.trySend(session, { type: 'cancel', id })
        }
        reject(cancelled(signal?.reason))
      }
      const cleanup = (): void => signal?.removeEventListener('abort', onAbort)
      session.pending.set(id, {
        resolve: (reply) => {
          cleanup()
          resolve(reply)
        },
        reject: (error) => {
          cleanup()
          reject(error)
        },
        ...(options.onDelta !== undefined ? { onDelta: options.onDelta } : {})
      })
      signal?.addEventListener('abort', onAbort, { once: true })
      if (!this.trySend(session, request)) {
        session.pending.delete(id)
        cleanup()
        reject(
          new ModelError('model_unavailable', `${BUILTIN_ENGINE_LABEL} stopped before it got the request. Try again.`)
        )
      }
    })
  }

  private trySend(session: Session, message: EngineRequest): boolean {
    if (!session.alive) return false
    try {
      session.process.send(message)
      return true
    } catch (error) {
      this.onLog(
        'warn',
        `could not send to the engine worker: ${error instanceof Error ? error.message : String(error)}`
      )
      return false
    }
  }

  private async ensureSession(signal?: AbortSignal): Promise<Session> {
    let session = this.session
    if (session === null || !session.alive) {
      session = this.startSession()
      this.session = session
    }
    if (signal === undefined) return await this.awaitReady(session)
    let onAbort: (() => void) | undefined
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(cancelled(signal.reason))
      signal.addEventListener('abort', onAbort, { once: true })
    })
    try {
      return await Promise.race([this.awaitReady(session), aborted])
    } finally {
      if (onAbort !== undefined) signal.removeEventListener('abort', onAbort)
    }
  }

  private async awaitReady(session: Session): Promise<Session> {
    await session.ready
    return session
  }

  private startSession(): Session {
    let proc: EngineProcess
    try {
      proc = this.spawn()
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error)
      const failed = Promise.reject(
        new ModelError('engine_load_failed', `${BUILTIN_ENGINE_LABEL} could not start: ${why}`)
      )
      failed.catch(() => undefined)
      return {
        process: { send() {}, onMessage() {}, onExit() {}, kill() {} },
        pending: new Map(),
        alive: false,
        ready: failed,
        exited: Promise.resolve(),
        lastMessageAt: 0,
        loading: false,
        watchdog: undefined,
        output: []
      }
    }

    let markExited: () => void = () => undefined
    let helloResolve: () => void = () => undefined
    let startReject: (error: ModelError) => void = () => undefined
    const hello = new Promise<void>((resolve, reject) => {
      helloResolve = resolve
      startReject = reject
    })
    const session: Session = {
      process: proc,
      pending: new Map(),
      alive: true,
      ready: Promise.resolve() as unknown as Promise<ReadyReply>,
      exited: new Promise<void>((resolve) => {
        markExited = resolve
      }),
      lastMessageAt: performance.now(),
      loading: false,
      watchdog: undefined,
      output: []
    }

    proc.onMessage((raw) => {
      if (!session.alive) return
      session.lastMessageAt = performance.now()
      const parsed = parseReply(raw)
      if (!parsed.ok) {
        const pending = parsed.id !== null ? session.pending.get(parsed.id) : undefined
        this.onLog('error', `the engine worker sent a message that does not parse (${parsed.error})`)
        if (pending !== undefined && parsed.id !== null) {
          session.pending.delete(parsed.id)
          pending.reject(
            new ModelError('model_error', `${BUILTIN_ENGINE_LABEL} sent a reply Duck could not read (${parsed.error}).`)
          )
        }
        return
      }
      const reply = parsed.value
      switch (reply.type) {
        case 'hello':
          this.onLog('debug', `engine worker ${reply.pid} started (${reply.host} process)`)
          helloResolve()
          return
        case 'log':
          this.onLog(reply.level, reply.message)
          return
        case 'heartbeat':
          return
        case 'status':
          session.loading = reply.state === 'loading'
          this.setStatus({ state: reply.state, model: reply.model, error: reply.error })
          return
        case 'delta': {
          session.pending.get(reply.id)?.onDelta?.(reply)
          return
        }
        case 'error': {
          const pending = reply.id !== null ? session.pending.get(reply.id) : undefined
          if (reply.id === null || pending === undefined) {
            this.onLog('warn', `engine worker: ${reply.message}`)
            return
          }
          session.pending.delete(reply.id)
          if (reply.detail !== null) this.onLog('debug', `engine worker (${reply.id}): ${reply.detail}`)
          pending.reject(toModelError(reply))
          return
        }
        default: {
          const pending = session.pending.get(reply.id)
          if (pending === undefined) return
          session.pending.delete(reply.id)
          pending.resolve(reply)
        }
      }
    })

    proc.onExit((code, signal) => {
      if (!session.alive) {
        markExited()
        return
      }
      session.alive = false
      if (session.watchdog !== undefined) clearInterval(session.watchdog)
      const how = signal ? `killed by ${signal}` : `exit code ${code ?? 'unknown'}`
      const tail = session.output.slice(-5).join(' | ')
      if (this.session === session) {
        this.onLog('warn', `the engine worker stopped (${how})${tail !== '' ? `: ${tail}` : ''}`)
      }
      const error = new ModelError(
        'model_unavailable',
        `${BUILTIN_ENGINE_LABEL} stopped unexpectedly (${how}). Try again: it restarts on the next request.`
      )
      startReject(error)
      for (const [, pending] of session.pending) pending.reject(error)
      session.pending.clear()
      if (this.session === session) {
        this.session = null
        this.setStatus({ state: 'error', model: this.currentStatus.model, error: error.message })
      }
      markExited()
    })

    // The watchdog: a worker silent for too long while requests wait is stuck, not busy.
    session.watchdog = setInterval(
      () => {
        if (!session.alive || session.pending.size === 0) return
        const limit = session.loading ? this.timeouts.loadMs : this.timeouts.idleMs
        if (performance.now() - session.lastMessageAt < limit) return
        const error = new ModelError(
          'model_stalled',
          `${BUILTIN_ENGINE_LABEL} stopped responding for ${seconds(limit)} and was restarted. Try again.`
        )
        for (const [, pending] of session.pending) pending.reject(error)
        session.pending.clear()
        proc.kill()
      },
      Math.max(50, Math.min(1000, Math.floor(Math.min(this.timeouts.idleMs, this.timeouts.loadMs) / 4)))
    )
    session.watchdog.unref?.()

    session.ready = this.handshake(session, hello)
    session.ready.catch(() => {
      // A worker that could not start is not kept: the next call starts a new one.
      if (this.session === session) this.session = null
      session.process.kill()
    })
    return session
  }

  private async handshake(session: Session, hello: Promise<void>): Promise<ReadyReply> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new ModelError(
            'engine_load_failed',
            `${BUILTIN_ENGINE_LABEL} did not start within ${seconds(this.timeouts.startMs)}.`
          )
        )
        session.process.kill()
      }, this.timeouts.startMs)
    })
    try {
      await Promise.race([hello, timeout])
      const id = this.nextId()
      const reply = await Promise.race([
        new Promise<EngineReply>((resolve, reject) => {
          session.pending.set(id, { resolve, reject })
          if (
            !this.trySend(session, {
              type: 'init',
              id,
              threads: this.threads,
              gpu: this.gpu,
              memoryCapBytes: this.memoryCap
            })
          ) {
            session.pending.delete(id)
            reject(new ModelError('engine_load_failed', `${BUILTIN_ENGINE_LABEL} could not start.`))
          }
        }),
        timeout
      ])
      if (reply.type !== 'ready') throw unexpected(reply)
      this.backendInfo = { gpu: reply.gpu, threads: reply.threads }
      if (reply.note !== null) this.onLog('warn', reply.note)
      return reply
    } catch (error) {
      if (error instanceof ModelError && error.code === 'model_unavailable') {
        throw new ModelError('engine_load_failed', error.message.replace('stopped unexpectedly', 'could not start'))
      }
      throw error
    } finally {
      clearTimeout(timer)
    }
  }

  private noteLoaded(reply: LoadedReply): BuiltinModelInfo {
    const info: BuiltinModelInfo = {
      model: reply.info.model,
      contextSize: reply.contextSize,
      trainContextSize: reply.info.trainContextSize,
      architecture: reply.info.architecture,
      gpuLayers: reply.gpuLayers,
      thinking: reply.thinking,
      chatWrapper: reply.chatWrapper,
      loadMs: reply.loadMs
    }
    this.loadedInfo.set(reply.info.model, info)
    this.contexts.set(reply.info.model, { size: reply.contextSize, exact: true })
    return info
  }

  private setStatus(status: BuiltinEngineStatus): void {
    const same =
      status.state === this.currentStatus.state &&
      status.model === this.currentStatus.model &&
      status.error === this.currentStatus.error
    this.currentStatus = status
    if (!same) this.onStatus?.({ ...status })
  }
}

// -- helpers --------------------------------------------------------------------------------

function seconds(ms: number): string {
  return ms < 10_000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms / 1000)} s`
}

function clampContext(configured: number, info: EngineModelInfo): number {
  return info.trainContextSize !== null ? Math.min(configured, info.trainContextSize) : configured
}

function toModelError(reply: ErrorReply): ModelError {
  const code: ModelErrorCode = reply.code === 'bad_request' ? 'model_error' : reply.code
  return new ModelError(code, reply.message)
}

function cancelled(reason?: unknown): ModelError {
  if (reason instanceof ModelError && reason.code === 'cancelled') return reason
  return new ModelError('cancelled', 'The request was cancelled.', reason !== undefined ? { cause: reason } : {})
}

function unexpected(reply: EngineReply): ModelError {
  return new ModelError('model_error', `${BUILTIN_ENGINE_LABEL} answered with an unexpected "${reply.type}" message.`)
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

/** Deltas from the worker's callbacks to the stream's consumer. */
class DeltaQueue {
  private readonly items: Array<{ delta: StreamDelta; tokens: number }> = []
  private waiter: (() => void) | null = null
  private ended = false
  private error: unknown = undefined
  private failed = false

  push(delta: StreamDelta, tokens: number): void {
    if (this.ended) return
    this.items.push({ delta, tokens })
    this.wake()
  }

  end(): void {
    this.ended = true
    this.wake()
  }

  fail(error: unknown): void {
    if (this.ended) return
    this.items.length = 0
    this.failed = true
    this.error = error
    this.ended = true
    this.wake()
  }

  async next(): Promise<{ delta: StreamDelta; tokens: number } | null> {
    for (;;) {
      const item = this.items.shift()
      if (item !== undefined) return item
      if (this.failed) throw this.error
      if (this.ended) return null
      await new Promise<void>((resolve) => {
        this.waiter = resolve
      })
    }
  }

  private wake(): void {
    const waiter = this.waiter
    this.waiter = null
    waiter?.()
  }
}
