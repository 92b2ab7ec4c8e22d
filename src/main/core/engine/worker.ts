/**
 * The built-in engine's worker: node-llama-cpp (llama.cpp) running outside the main process's
 * event loop. Started by `BuiltinEngine` as a Node child process (`process.send` /
 * `process.on('message')`) or as an Electron utility process (`process.parentPort`); it detects
 * which. It speaks the protocol in ./protocol.ts and validates every request.
 *
 * What it holds:
 *   - one `Llama` (llama.cpp's backend), made on `init`: a GPU binding where one is present and
 *     GPU was not turned off, CPU otherwise — it logs which;
 *   - up to two loaded model files (the planner may use a smaller model than the answer), each
 *     with one context of the requested size (clamped to the model's training context); the
 *     least recently used one is freed when a third is needed;
 *   - the chat wrappers node-llama-cpp resolves from each GGUF's own chat template, one per
 *     reasoning mode, and a small cache of JSON-schema grammars.
 *
 * Chats and loads run one at a time, in arrival order (a CPU engine gains nothing from running
 * two, and a context has one sequence). `cancel` stops a running chat at once through its
 * AbortSignal, or drops a queued one.
 */
import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import type {
  ChatHistoryItem,
  ChatWrapper,
  GbnfJsonSchema,
  GgufFileInfo,
  GgufInsights,
  Llama,
  LlamaContext,
  LlamaContextSequence,
  LlamaGrammar,
  LlamaModel
} from 'node-llama-cpp'
import type * as NodeLlamaCppModule from 'node-llama-cpp'
import { LinkedAbort } from '../model/linked-abort'
import {
  parseRequest,
  type ChatRequest,
  type EngineModelInfo,
  type EngineReply,
  type InitRequest,
  type LoadedReply,
  type LoadRequest,
  type WorkerErrorCode
} from './protocol'

type NodeLlamaCpp = typeof NodeLlamaCppModule
type ReasoningMode = ChatRequest['reasoning']

const MAX_LOADED_MODELS = 2
/** While a request runs: proof of life for the client's watchdog. */
const HEARTBEAT_MS = 5_000
const MAX_GRAMMARS = 16
/** Sampling when the request names only a temperature (llama-server's defaults). */
const DEFAULT_TEMPERATURE = 0.8
const TOP_K = 40
const TOP_P = 0.95
const MIN_P = 0.05

// -- the channel to the parent ------------------------------------------------------------------

interface Port {
  host: 'child' | 'utility'
  send(message: EngineReply): void
  onMessage(cb: (message: unknown) => void): void
}

interface ParentPort {
  postMessage(message: unknown): void
  on(event: 'message', listener: (event: { data: unknown }) => void): void
}

function detectPort(): Port {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort
  if (parentPort !== undefined && parentPort !== null) {
    return {
      host: 'utility',
      send: (message) => parentPort.postMessage(message),
      onMessage: (cb) => parentPort.on('message', (event) => cb(event.data))
    }
  }
  const send = process.send?.bind(process)
  if (send !== undefined) {
    return {
      host: 'child',
      send: (message) => {
        if (process.connected) send(message)
      },
      onMessage: (cb) => process.on('message', (message) => cb(message))
    }
  }
  throw new Error('The engine worker must be started by Duck (as a child or utility process).')
}

// -- errors ---------------------------------------------------------------------------------

class WorkerError extends Error {
  constructor(
    readonly code: WorkerErrorCode,
    message: string,
    readonly detail: string | null = null
  ) {
    super(message)
  }
}

/** Thrown from the context-shift strategy: the context window is full (we never drop history). */
class ContextFullError extends Error {}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function gigabytes(bytes: number): string {
  const gb = bytes / 1024 ** 3
  if (gb >= 10) return `${Math.round(gb)} GB`
  if (gb >= 0.1) return `${gb.toFixed(1)} GB`
  return `${Math.max(1, Math.round(bytes / 1024 ** 2))} MB`
}

// -- the engine -----------------------------------------------------------------------------

interface LoadedModel {
  path: string
  info: EngineModelInfo
  model: LlamaModel
  context: LlamaContext
  sequence: LlamaContextSequence
  /** The size asked for (llama.cpp may make a larger one: it has a minimum). */
  requestedContextSize: number
  wrappers: Map<ReasoningMode, ChatWrapper>
  thinking: boolean
  gpuLayers: number
  loadMs: number
  lastUsed: number
}

interface Job {
  id: string
  run: (signal: AbortSignal) => Promise<void>
  abort: AbortController
}

class Engine {
  private nlc: NodeLlamaCpp | null = null
  private llama: Llama | null = null
  private threads = 1
  private memoryCap: number | null = null
  private readonly models = new Map<string, LoadedModel>()
  private readonly grammars = new Map<string, LlamaGrammar>()
  private readonly queue: Job[] = []
  private running: Job | null = null
  private useCounter = 0
  /** llama.cpp's recent error lines, to explain a failed load. */
  private recentErrors: string[] = []
  private shuttingDown = false

  constructor(private readonly port: Port) {}

  start(): void {
    this.port.onMessage((message) => this.receive(message))
    this.port.send({ type: 'hello', pid: process.pid, host: this.port.host })
  }

  private receive(message: unknown): void {
    const parsed = parseRequest(message)
    if (!parsed.ok) {
      this.reply({
        type: 'error',
        id: parsed.id,
        code: 'bad_request',
        message: `The engine refused a request it could not read (${parsed.error}).`,
        detail: null
      })
      return
    }
    const request = parsed.value
    switch (request.type) {
      case 'init':
        this.enqueue(request.id, () => this.init(request))
        return
      case 'inspect':
        this.enqueue(request.id, async () => {
          const { info } = await this.inspect(request.model)
          this.reply({ type: 'info', id: request.id, info })
        })
        return
      case 'load':
        this.enqueue(request.id, async (signal) => {
          const loaded = await this.load(request, signal)
          this.reply(this.loadedReply(request.id, loaded))
        })
        return
      case 'chat':
        this.enqueue(request.id, (signal) => this.chat(request, signal))
        return
      case 'cancel':
        this.cancel(request.id)
        return
      case 'shutdown':
        void this.shutdown(request.id)
        return
    }
  }

  private reply(message: EngineReply): void {
    try {
      this.port.send(message)
    } catch (error) {
      process.stderr.write(`engine worker: could not send a reply: ${errorText(error)}\n`)
    }
  }

  private log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void {
    this.reply({ type: 'log', level, message: message.slice(0, 8000) })
  }

  // -- the queue ------------------------------------------------------------------------------

  private enqueue(id: string, run: (signal: AbortSignal) => Promise<void>): void {
    if (this.shuttingDown) {
      this.reply({ type: 'error', id, code: 'model_error', message: 'The engine is shutting down.', detail: null })
      return
    }
    this.queue.push({ id, run, abort: new AbortController() })
    void this.pump()
  }

  private async pump(): Promise<void> {
    if (this.running !== null) return
    const job = this.queue.shift()
    if (job === undefined) return
    this.running = job
    const heartbeat = setInterval(() => this.reply({ type: 'heartbeat' }), HEARTBEAT_MS)
    try {
      if (job.abort.signal.aborted) throw new WorkerError('cancelled', 'The request was cancelled.')
      await job.run(job.abort.signal)
    } catch (error) {
      this.reply(this.errorReply(job.id, error, job.abort.signal))
    } finally {
      clearInterval(heartbeat)
      this.running = null
      void this.pump()
    }
  }

  private cancel(id: string): void {
    if (this.running?.id === id) {
      this.running.abort.abort(new WorkerError('cancelled', 'The request was cancelled.'))
      return
    }
    const index = this.queue.findIndex((job) => job.id === id)
    if (index >= 0) {
      const [job] = this.queue.splice(index, 1)
      if (job !== undefined) {
        this.reply({
          type: 'error',
          id: job.id,
          code: 'cancelled',
          message: 'The request was cancelled.',
          detail: null
        })
      }
    }
  }

  private errorReply(id: string, error: unknown, signal: AbortSignal): EngineReply {
    if (error instanceof WorkerError) {
      return { type: 'error', id, code: error.code, message: error.message, detail: error.detail }
    }
    if (signal.aborted) {
      return { type: 'error', id, code: 'cancelled', message: 'The request was cancelled.', detail: null }
    }
    const detail = errorText(error)
    this.log('error', `request ${id} failed: ${error instanceof Error ? (error.stack ?? detail) : detail}`)
    return {
      type: 'error',
      id,
      code: 'model_error',
      message: `Duck's built-in engine failed: ${detail}`,
      detail: detail.slice(0, 8000)
    }
  }

  // -- init -----------------------------------------------------------------------------------

  private async init(request: InitRequest): Promise<void> {
    if (this.llama === null) {
      const nlc = await import('node-llama-cpp')
      this.nlc = nlc
      const options = {
        build: 'never' as const,
        // Exact thread counts: the contexts' `threads` then always hold.
        maxThreads: 0,
        logLevel: nlc.LlamaLogLevel.warn,
        logger: (level: string, message: string) => this.llamaLog(level, message),
        progressLogs: false
      }
      let note: string | null = null
      if (request.gpu === 'auto') {
        try {
          this.llama = await nlc.getLlama({ ...options, gpu: 'auto' })
        } catch (error) {
          note = `No GPU binding could start (${errorText(error)}); using the CPU.`
          this.log('warn', note)
        }
      }
      if (this.llama === null) {
        try {
          this.llama = await nlc.getLlama({ ...options, gpu: false })
        } catch (error) {
          throw new WorkerError(
            'engine_load_failed',
            `Duck's built-in engine could not start llama.cpp on this computer: ${errorText(error)}`,
            errorText(error)
          )
        }
      }
      const gpu = this.llama.gpu === false ? null : this.llama.gpu
      this.threads = request.threads
      this.memoryCap = request.memoryCapBytes
      if (this.memoryCap !== null) await this.llama.setRamCap(this.memoryCap)
      this.log(
        'info',
        `llama.cpp on ${gpu === null ? 'the CPU' : `the GPU (${gpu})`}, ${this.threads} thread${this.threads === 1 ? '' : 's'}`
      )
      this.reply({ type: 'ready', id: request.id, gpu, threads: this.threads, note })
      return
    }
    this.reply({
      type: 'ready',
      id: request.id,
      gpu: this.llama.gpu === false ? null : this.llama.gpu,
      threads: this.threads,
      note: null
    })
  }

  private llamaLog(level: string, message: string): void {
    const text = message.trim()
    if (text === '') return
    if (level === 'error' || level === 'fatal') {
      this.recentErrors.push(text)
      if (this.recentErrors.length > 20) this.recentErrors.shift()
    }
    this.log(level === 'error' || level === 'fatal' ? 'error' : level === 'warn' ? 'warn' : 'debug', text)
  }

  private ready(): { llama: Llama; nlc: NodeLlamaCpp } {
    if (this.llama === null || this.nlc === null) {
      throw new WorkerError('model_error', 'The engine was not initialised (send "init" first).')
    }
    return { llama: this.llama, nlc: this.nlc }
  }

  // -- models ---------------------------------------------------------------------------------

  /** Reads the GGUF header and checks the file is whole; throws a clear `engine_load_failed`. */
  private async inspect(
    path: string
  ): Promise<{ info: EngineModelInfo; fileInfo: GgufFileInfo; insights: GgufInsights }> {
    const { nlc, llama } = this.ready()
    const name = basename(path)
    let size: number
    try {
      const stats = await stat(path)
      if (!stats.isFile()) throw new WorkerError('engine_load_failed', `The model file ${path} is not a file.`)
      size = stats.size
    } catch (error) {
      if (error instanceof WorkerError) throw error
      const code = (error as NodeJS.ErrnoException).code
      throw new WorkerError(
        'engine_load_failed',
        code === 'ENOENT'
          ? `The model file ${path} does not exist. Choose another model or download it again.`
          : `The model file ${path} cannot be read (${code ?? errorText(error)}).`,
        errorText(error)
      )
    }
    let fileInfo: GgufFileInfo
    try {
      fileInfo = await nlc.readGgufFileInfo(path, { readTensorInfo: true, logWarnings: false })
    } catch (error) {
      const detail = errorText(error)
      throw new WorkerError(
        'engine_load_failed',
        /magic/i.test(detail)
          ? `${name} is not a GGUF model file. Choose a .gguf model made for llama.cpp.`
          : `${name} is not a readable GGUF model file (${detail}). Download it again or choose another model.`,
        detail
      )
    }
    if ((fileInfo.infoEndOffset ?? 0) > size) {
      throw new WorkerError(
        'engine_load_failed',
        `${name} is incomplete: the file ends inside its own header. Download it again.`,
        `file size ${size} bytes, header ends at ${fileInfo.infoEndOffset ?? 0}`
      )
    }
    if (Number(fileInfo.tensorCount) === 0) {
      throw new WorkerError(
        'engine_load_failed',
        `${name} holds no model weights (it is a tokenizer-only GGUF). Choose a full model file.`
      )
    }
    let insights: GgufInsights
    try {
      insights = await nlc.GgufInsights.from(fileInfo, llama)
    } catch (error) {
      throw new WorkerError('engine_load_failed', `${name} is not a usable GGUF model file (${errorText(error)}).`)
    }
    // The header, then every tensor's data: a file shorter than that was cut off (a partial download).
    if (fileInfo.splicedParts <= 1) {
      const tensors = fileInfo.tensorInfo ?? []
      const lastOffset = tensors.reduce((max, t) => Math.max(max, Number(t.fileOffset)), 0)
      const needed = Math.max(
        fileInfo.infoEndOffset ?? 0,
        lastOffset,
        (fileInfo.infoEndOffset ?? 0) + insights.modelSize
      )
      if (needed > size) {
        throw new WorkerError(
          'engine_load_failed',
          `${name} is incomplete: it should hold about ${gigabytes(needed)} but the file has ${gigabytes(size)}. ` +
            'Download it again.',
          `file size ${size} bytes, contents need ${needed} bytes`
        )
      }
    }
    const architecture = fileInfo.metadata?.general?.architecture ?? null
    const trainContext = (fileInfo.architectureMetadata as { context_length?: unknown } | undefined)?.context_length
    return {
      fileInfo,
      insights,
      info: {
        model: path,
        architecture: architecture === null ? null : String(architecture),
        trainContextSize: typeof trainContext === 'number' && trainContext > 0 ? Math.floor(trainContext) : null,
        sizeBytes: size
      }
    }
  }

  private async load(request: Pick<LoadRequest, 'model' | 'contextSize'>, signal?: AbortSignal): Promise<LoadedModel> {
    const { llama, nlc } = this.ready()
    const existing = this.models.get(request.model)
    const wanted = (info: EngineModelInfo): number =>
      info.trainContextSize !== null ? Math.min(request.contextSize, info.trainContextSize) : request.contextSize
    if (existing !== undefined && existing.requestedContextSize === wanted(existing.info)) {
      existing.lastUsed = ++this.useCounter
      return existing
    }

    const name = basename(request.model)
    this.status('loading', request.model, null)
    const started = performance.now()
    try {
      const { info, fileInfo, insights } = await this.inspect(request.model)
      const contextSize = wanted(info)
      if (existing !== undefined) await this.unload(existing)
      while (this.models.size >= MAX_LOADED_MODELS) {
        const oldest = [...this.models.values()].sort((a, b) => a.lastUsed - b.lastUsed)[0]
        if (oldest === undefined) break
        await this.unload(oldest)
      }
      if (!fileInfo.metadata?.general?.architecture) {
        throw new WorkerError('engine_load_failed', `${name} does not say which model architecture it holds.`)
      }
      await this.checkMemory(llama, insights, info, contextSize)

      this.recentErrors = []
      let model: LlamaModel
      try {
        model = await llama.loadModel({
          modelPath: request.model,
          gpuLayers: 'auto',
          ...(signal !== undefined ? { loadSignal: signal } : {})
        })
      } catch (error) {
        if (signal?.aborted) throw new WorkerError('cancelled', 'The request was cancelled.')
        throw this.loadError(name, error, nlc)
      }
      let context: LlamaContext
      try {
        context = await model.createContext({
          contextSize,
          sequences: 1,
          threads: this.threads,
          failedCreationRemedy: false,
          ...(signal !== undefined ? { createSignal: signal } : {})
        })
      } catch (error) {
        await model.dispose().catch(() => undefined)
        if (signal?.aborted) throw new WorkerError('cancelled', 'The request was cancelled.')
        throw this.loadError(name, error, nlc, contextSize)
      }
      // Resolving a wrapper renders the template many times: 'on' and 'off' wait until asked for.
      const wrappers = new Map<ReasoningMode, ChatWrapper>([['auto', resolveWrapper(nlc, model, 'auto')]])
      const thinking = Boolean(wrappers.get('auto')?.settings.segments?.thought)
      const loaded: LoadedModel = {
        path: request.model,
        info,
        model,
        context,
        sequence: context.getSequence(),
        requestedContextSize: contextSize,
        wrappers,
        thinking,
        gpuLayers: model.gpuLayers,
        loadMs: performance.now() - started,
        lastUsed: ++this.useCounter
      }
      this.models.set(request.model, loaded)
      this.log(
        'info',
        `loaded ${name}: context ${context.contextSize} tokens, ${model.gpuLayers} GPU layers, ` +
          `chat template ${wrappers.get('auto')?.wrapperName ?? '?'}${thinking ? ' (thinks)' : ''}, ` +
          `${Math.round(loaded.loadMs)} ms`
      )
      this.status('ready', request.model, null)
      return loaded
    } catch (error) {
      if (error instanceof WorkerError && error.code === 'cancelled') this.status('idle', null, null)
      else this.status('error', request.model, error instanceof WorkerError ? error.message : errorText(error))
      throw error
    }
  }

  /** Refuses up front a model and context that cannot fit in the memory that is free. */
  private async checkMemory(
    llama: Llama,
    insights: GgufInsights,
    info: EngineModelInfo,
    contextSize: number
  ): Promise<void> {
    // On a GPU, node-llama-cpp decides the offload itself and refuses what does not fit in VRAM.
    if (llama.gpu !== false) return
    let needed: number
    try {
      const weights = insights.estimateModelResourceRequirements({ gpuLayers: 0 }).cpuRam
      const cache = insights.estimateContextResourceRequirements({
        contextSize,
        modelGpuLayers: 0,
        sequences: 1
      }).cpuRam
      needed = weights + cache
    } catch (error) {
      this.log('warn', `could not estimate the memory ${basename(info.model)} needs: ${errorText(error)}`)
      return
    }
    const ram = await llama.getRamState()
    const swapState = this.memoryCap === null ? await llama.getSwapState() : null
    const swap = { free: swapState === null ? 0 : Math.max(0, swapState.allocated - swapState.used) }
    const loadedUse = [...this.models.values()].reduce((sum, m) => sum + m.model.size, 0)
    const freeRam = ram.free + swap.free + loadedUse
    const capped = this.memoryCap !== null && this.memoryCap < freeRam
    const free = capped ? (this.memoryCap ?? 0) : freeRam
    if (needed > free) {
      throw new WorkerError(
        'engine_load_failed',
        `${basename(info.model)} is too big for the memory available: with a ${contextSize}-token context it needs ` +
          `about ${gigabytes(needed)}, and ${capped ? `the engine may use at most ${gigabytes(free)}` : `${gigabytes(free)} is free`}. ` +
          'Choose a smaller model or a shorter context.',
        `needed ${needed} bytes, available ${free} bytes`
      )
    }
  }

  private loadError(name: string, error: unknown, nlc: NodeLlamaCpp, contextSize?: number): WorkerError {
    const said = this.recentErrors.filter((line) => !/^llama_model_load_from_file_impl/.test(line))
    const detail = [errorText(error), ...said].join('\n').slice(0, 8000)
    if (error instanceof nlc.InsufficientMemoryError) {
      return new WorkerError(
        'engine_load_failed',
        contextSize !== undefined
          ? `${name} does not fit in the free memory with a ${contextSize}-token context. Choose a shorter context or a smaller model.`
          : `${name} is too big for the free memory. Choose a smaller model.`,
        detail
      )
    }
    const llamaSays = said.find((line) => /error loading model|failed|not within the file bounds|unknown/i.test(line))
    if (llamaSays !== undefined && /architecture/i.test(llamaSays)) {
      return new WorkerError(
        'engine_load_failed',
        `${name} uses a model architecture this version of llama.cpp does not know. Choose another model or update Duck.`,
        detail
      )
    }
    if (llamaSays !== undefined && /bounds|truncat|tensor data/i.test(llamaSays)) {
      return new WorkerError('engine_load_failed', `${name} is incomplete or damaged. Download it again.`, detail)
    }
    return new WorkerError(
      'engine_load_failed',
      `${name} could not be loaded${llamaSays !== undefined ? ` (llama.cpp: ${cleanLlamaLine(llamaSays)})` : ''}. ` +
        'The file may be damaged or not a model llama.cpp can run; choose another model.',
      detail
    )
  }

  private async unload(loaded: LoadedModel): Promise<void> {
    this.models.delete(loaded.path)
    await loaded.context.dispose().catch(() => undefined)
    await loaded.model.dispose().catch(() => undefined)
    this.log('info', `unloaded ${basename(loaded.path)}`)
  }

  private loadedReply(id: string, loaded: LoadedModel): LoadedReply {
    return {
      type: 'loaded',
      id,
      info: loaded.info,
      contextSize: loaded.context.contextSize,
      gpuLayers: loaded.gpuLayers,
      thinking: loaded.thinking,
      chatWrapper: loaded.wrappers.get('auto')?.wrapperName ?? 'unknown',
      loadMs: loaded.loadMs
    }
  }

  private status(state: 'idle' | 'loading' | 'ready' | 'error', model: string | null, error: string | null): void {
    this.reply({ type: 'status', state, model, error })
  }

  private async grammarFor(llama: Llama, schema: Record<string, unknown>): Promise<LlamaGrammar> {
    const key = JSON.stringify(schema)
    const cached = this.grammars.get(key)
    if (cached !== undefined) {
      this.grammars.delete(key)
      this.grammars.set(key, cached)
      return cached
    }
    let grammar: LlamaGrammar
    try {
      // The schema is only known at run time: the generic's inference has nothing to hold on to.
      grammar = await llama.createGrammarForJsonSchema(schema as GbnfJsonSchema as never)
    } catch (error) {
      throw new WorkerError('bad_request', `The response schema could not be made into a grammar: ${errorText(error)}`)
    }
    this.grammars.set(key, grammar)
    while (this.grammars.size > MAX_GRAMMARS) {
      const oldest = this.grammars.keys().next().value
      if (oldest === undefined) break
      this.grammars.delete(oldest)
    }
    return grammar
  }

  // -- chat -----------------------------------------------------------------------------------

  private async chat(request: ChatRequest, signal: AbortSignal): Promise<void> {
    const { llama, nlc } = this.ready()
    const loaded = await this.load(request, signal)
    loaded.lastUsed = ++this.useCounter
    const structured = request.schema !== undefined
    const grammar = structured ? await this.grammarFor(llama, request.schema ?? {}) : undefined
    // Under a grammar every token is constrained, thoughts included: structured output never thinks.
    const mode: ReasoningMode = structured ? 'off' : request.reasoning
    let wrapper = loaded.wrappers.get(mode)
    if (wrapper === undefined) {
      wrapper = resolveWrapper(nlc, loaded.model, mode)
      loaded.wrappers.set(mode, wrapper)
    }
    if (signal.aborted) throw new WorkerError('cancelled', 'The request was cancelled.')

    const history: ChatHistoryItem[] = []
    for (const message of request.messages) {
      if (message.role === 'system') history.push({ type: 'system', text: message.content })
      else if (message.role === 'user') history.push({ type: 'user', text: message.content })
      else history.push({ type: 'model', response: [message.content] })
    }
    history.push({ type: 'model', response: [] })

    const chat = new nlc.LlamaChat({
      contextSequence: loaded.sequence,
      chatWrapper: wrapper,
      autoDisposeSequence: false
    })
    const meter = loaded.sequence.tokenMeter
    const before = meter.getState()
    const startedAt = performance.now()
    let firstTokenAt: number | null = null
    let lastTokenAt: number | null = null
    let generated = false
    let contextFull = false

    const send = (kind: 'reasoning' | 'content', text: string, tokens: number): void => {
      if (text === '' || signal.aborted) return
      this.reply({ type: 'delta', id: request.id, kind, text, tokens })
    }

    // Follows the request's signal, and stops generation when the context window is full (see
    // `contextShift` below).
    const generation = new LinkedAbort(signal)
    let stopReason: string
    try {
      const temperature = request.temperature ?? DEFAULT_TEMPERATURE
      const response = await chat.generateResponse(history, {
        signal: generation.signal,
        stopOnAbortSignal: true,
        ...(request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {}),
        temperature,
        ...(temperature > 0 ? { topK: TOP_K, topP: TOP_P, minP: MIN_P } : {}),
        ...(request.seed !== undefined ? { seed: request.seed } : {}),
        repeatPenalty: false,
        ...(grammar !== undefined ? { grammar } : {}),
        ...(mode === 'off' ? { budgets: { thoughtTokens: 0 } } : {}),
        contextShift: {
          // Never drop part of the conversation to make room: a full window ends the answer.
          // node-llama-cpp calls this when the window is full (before the prompt is evaluated, or
          // at the next token); it cannot refuse, so the answer is stopped through the signal.
          strategy: ({ chatHistory }) => {
            contextFull = true
            generation.abort(new ContextFullError('The context window is full.'))
            return { chatHistory: [...chatHistory], metadata: null }
          }
        },
        onResponseChunk: (chunk) => {
          const now = performance.now()
          if (chunk.tokens.length > 0) {
            if (firstTokenAt === null) firstTokenAt = now
            lastTokenAt = now
            generated = true
          }
          const kind = structured || chunk.type !== 'segment' ? 'content' : 'reasoning'
          send(kind, chunk.text, chunk.tokens.length)
        }
      })
      stopReason = response.metadata.stopReason
    } catch (error) {
      if (signal.aborted) throw new WorkerError('cancelled', 'The request was cancelled.')
      if (!contextFull) throw error
      stopReason = 'context'
    } finally {
      generation.unlink()
      chat.dispose({ disposeSequence: false })
    }
    if (signal.aborted) throw new WorkerError('cancelled', 'The request was cancelled.')
    if (contextFull) {
      stopReason = 'context'
      if (!generated && meter.diff(before).usedOutputTokens === 0) {
        throw new WorkerError(
          'model_truncated',
          `The conversation does not fit the model's context window of ${loaded.context.contextSize} tokens. ` +
            'Start a new conversation or raise the context length.'
        )
      }
    } else if (stopReason === 'abort') {
      throw new WorkerError('cancelled', 'The request was cancelled.')
    }

    const endedAt = performance.now()
    const used = meter.diff(before)
    const first = firstTokenAt ?? endedAt
    const cut = stopReason === 'maxTokens' || stopReason === 'context'
    this.reply({
      type: 'done',
      id: request.id,
      finishReason: cut ? 'length' : 'stop',
      truncated: cut,
      stoppedBy: stopReason === 'maxTokens' ? 'max_tokens' : stopReason === 'context' ? 'context' : 'end',
      stats: {
        outputTokens: used.usedOutputTokens,
        promptTokens: used.usedInputTokens,
        promptMs: Math.max(0, first - startedAt),
        decodeMs: Math.max(0, (lastTokenAt ?? endedAt) - first)
      },
      contextSize: loaded.context.contextSize
    })
  }

  // -- shutdown -------------------------------------------------------------------------------

  private async shutdown(id: string): Promise<void> {
    if (this.shuttingDown) return
    this.shuttingDown = true
    this.running?.abort.abort(new WorkerError('cancelled', 'The engine is shutting down.'))
    for (const job of this.queue.splice(0)) {
      this.reply({
        type: 'error',
        id: job.id,
        code: 'cancelled',
        message: 'The engine is shutting down.',
        detail: null
      })
    }
    try {
      for (const loaded of [...this.models.values()]) await this.unload(loaded)
      await this.llama?.dispose()
    } catch (error) {
      process.stderr.write(`engine worker: shutdown: ${errorText(error)}\n`)
    }
    this.status('idle', null, null)
    this.reply({ type: 'bye', id })
    // Let the IPC channel flush the last replies.
    setTimeout(() => process.exit(0), 20)
  }
}

/**
 * The chat wrapper for a reasoning mode, from the GGUF's own template:
 *   auto — node-llama-cpp's default for the template: a template that thinks by default (Qwen3
 *          style: `<think>` opened unless enable_thinking is false) thinks, one that never thinks
 *          does not. (Its `reasoning: null`, "omit enable_thinking", renders such templates as if
 *          thinking were off, so it is not used.);
 *   on   — thinking asked for (enable_thinking=true; Qwen's thought opened);
 *   off  — thinking disabled where the template supports it (enable_thinking=false, Qwen's
 *          "discourage", Gemma 4's reasoning=false, Seed's budget 0); a zero thought budget
 *          closes any thought the model opens anyway.
 */
function resolveWrapper(nlc: NodeLlamaCpp, model: LlamaModel, mode: ReasoningMode): ChatWrapper {
  const settings =
    mode === 'auto'
      ? {}
      : mode === 'on'
        ? { jinjaTemplate: { reasoning: true }, qwen: { thoughts: 'auto' as const }, gemma4: { reasoning: true } }
        : {
            jinjaTemplate: { reasoning: false },
            qwen: { thoughts: 'discourage' as const },
            gemma4: { reasoning: false },
            seed: { thinkingBudget: 0 }
          }
  return nlc.resolveChatWrapper(model, { customWrapperSettings: settings, warningLogs: false })
}

function cleanLlamaLine(line: string): string {
  return line.replace(/^\w+: /, '').slice(0, 300)
}

// -- main -----------------------------------------------------------------------------------

function main(): void {
  const port = detectPort()
  const engine = new Engine(port)
  // A child whose parent went away has nothing left to do.
  process.on('disconnect', () => process.exit(0))
  process.on('uncaughtException', (error) => {
    process.stderr.write(`engine worker: ${error.stack ?? error.message}\n`)
    try {
      port.send({ type: 'status', state: 'error', model: null, error: error.message.slice(0, 1000) })
    } finally {
      process.exit(1)
    }
  })
  engine.start()
}

main()
