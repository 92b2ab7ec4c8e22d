/**
 * The one place Duck talks to a model server: any OpenAI-compatible chat completions API
 * (llama.cpp, Ollama, LM Studio, vLLM, OpenAI), through the official `openai` SDK.
 *
 * What it adds on top of the SDK:
 *   - per-role model names (`action`, `thinker`, `memory_policy`, `critic`);
 *   - structured output with a fallback ladder json_schema → json_object → none, remembered
 *     per client once a rung works;
 *   - streaming split into reasoning and content (reasoning_content / reasoning fields and
 *     `<think>` tags), with a watchdog for stalled streams and a hard error for streams that end
 *     without a finish_reason, so a cut-off answer never looks complete;
 *   - every failure as a `ModelError` with a code and a sentence a person can act on.
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai'
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam
} from 'openai/resources/chat/completions'
import type { ModelCapabilities, ReasoningFormat, StructuredOutputRung } from '../../../shared/engine'
import type { ModelRole, ReasoningMode } from '../../../shared/schemas'
import { ModelError } from './errors'
import { LinkedAbort } from './linked-abort'
import { readChunkBatches } from './sse-chunks'
import { splitThink, ThinkTagParser } from './think'
import type {
  ChatMessage,
  ChatModel,
  ChatOptions,
  ChatResult,
  ModelInfo,
  ResponseFormatSpec,
  StreamChatOptions,
  StreamDelta,
  StreamResult
} from './types'

export { ModelError, isModelError, type ModelErrorCode } from './errors'
export { GenerationMeter } from './meter'
export type {
  ChatMessage,
  ChatModel,
  ChatOptions,
  ChatResult,
  ModelInfo,
  ResponseFormatSpec,
  StreamChatOptions,
  StreamDelta,
  StreamResult
} from './types'

export interface ModelClientOptions {
  /** e.g. http://127.0.0.1:8080/v1 */
  baseURL: string
  /** Sent as a bearer token; local servers need none ("not-needed" is sent then). */
  apiKey?: string
  models: Record<ModelRole, string>
  /** Request timeout: until the response starts (the whole answer when not streamed). Default 120 s. */
  timeoutMs?: number
  /** Stream watchdog: longest silence between chunks once the answer has started. Default 60 s. */
  idleTimeoutMs?: number
  /**
   * Stream watchdog before the first token: prompt processing on local hardware is silent and
   * can take long, so it gets its own, longer window. Default: `timeoutMs`.
   */
  firstChunkTimeoutMs?: number
  /** SDK retries for non-streamed requests (streams are never retried). Default 0: the agent decides. */
  maxRetries?: number
  fetch?: typeof fetch
}

/** How structured output is requested; the client moves down this list on rejection. */
export type StructuredMode = 'json_schema' | 'json_object' | 'none'

const DEFAULT_TIMEOUT_MS = 120_000
const DEFAULT_IDLE_TIMEOUT_MS = 60_000

/**
 * The request fields for a reasoning toggle:
 *
 *   mode  | OpenAI (api.openai.com)     | other servers (llama.cpp, vLLM, Ollama, LM Studio)
 *   ------+-----------------------------+----------------------------------------------------------
 *   auto  | nothing                     | nothing: the server/model default
 *   on    | reasoning_effort: 'medium'  | chat_template_kwargs.enable_thinking = true (Qwen3-style
 *         |                             | templates in llama.cpp/vLLM/SGLang) + reasoning_effort:
 *         |                             | 'medium' (Ollama, gpt-oss on vLLM/LM Studio)
 *   off   | nothing (no portable "off") | chat_template_kwargs.enable_thinking = false
 *
 * OpenAI itself rejects unknown parameters (chat_template_kwargs), hence its own column. `off`
 * only stops asking: reasoning a server sends anyway is still passed through (its choice).
 * A server that rejects these fields with 400/422 is asked again without them, and this client
 * stops sending them.
 */
export function reasoningRequestParams(mode: ReasoningMode | undefined, baseURL: string): Record<string, unknown> {
  if (mode === undefined || mode === 'auto') return {}
  if (isOpenAIHost(baseURL)) return mode === 'on' ? { reasoning_effort: 'medium' } : {}
  if (mode === 'on') {
    return { chat_template_kwargs: { enable_thinking: true }, reasoning_effort: 'medium' }
  }
  return { chat_template_kwargs: { enable_thinking: false } }
}

export class ModelClient implements ChatModel {
  readonly baseURL: string
  /** host[:port] of the server, for messages. */
  readonly host: string
  readonly label: string
  private readonly models: Record<ModelRole, string>
  private readonly openai: OpenAI
  private readonly fetchImpl: typeof fetch
  private readonly timeoutMs: number
  private readonly idleTimeoutMs: number
  private readonly firstChunkTimeoutMs: number
  private readonly maxRetries: number
  /** The structured-output rung that worked, per model (probed once per server and model). */
  /**
   * The structured-output rung that worked, per model and schema: a server may accept one
   * schema strictly and refuse another, and one schema's fallback must not cost the other
   * (the planner's tool enum above all).
   */
  private readonly formatModes = new Map<string, StructuredMode>()
  /** The rung last seen working per model, for the capability card. */
  private readonly modelModes = new Map<string, StructuredMode>()
  private readonly contextLengths = new Map<string, Promise<number | null>>()
  private readonly rates = new Map<ModelRole, number>()
  private reasoningFormat: ReasoningFormat = 'unknown'
  private reasoningParamsRejected = false
  /** Learned: this server passes `<think>` tags through in the content (it does not split reasoning). */
  private rawThinkTags = false

  constructor(options: ModelClientOptions) {
    this.baseURL = options.baseURL
    this.host = hostOf(options.baseURL)
    this.label = `the model server at ${this.host}`
    this.models = { ...options.models }
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS
    this.firstChunkTimeoutMs = options.firstChunkTimeoutMs ?? this.timeoutMs
    this.maxRetries = options.maxRetries ?? 0
    this.fetchImpl = options.fetch ?? fetch
    const apiKey = options.apiKey !== undefined && options.apiKey !== '' ? options.apiKey : 'not-needed'
    this.apiKey = apiKey
    this.openai = new OpenAI({
      baseURL: options.baseURL,
      apiKey,
      // Never pick these up from the environment: the settings are the only source.
      organization: null,
      project: null,
      timeout: this.timeoutMs,
      maxRetries: this.maxRetries,
      ...(options.fetch !== undefined ? { fetch: options.fetch } : {})
    })
  }

  private readonly apiKey: string

  /** The model name configured for a role. */
  modelFor(role: ModelRole): string {
    return this.models[role]
  }

  /** The structured-output mode the next `chat()` with a responseFormat starts from (the planner's model). */
  get structuredMode(): StructuredMode {
    return this.modelModes.get(this.models.action) ?? 'json_schema'
  }

  capabilities(role: ModelRole): ModelCapabilities {
    const model = this.models[role]
    const mode = this.modelModes.get(model)
    const known = this.contextLengthKnown.get(model)
    return {
      engine: 'server',
      role,
      model,
      structured_output: mode === undefined ? null : (mode satisfies StructuredOutputRung),
      reasoning_format: this.reasoningFormat,
      context_length: known ?? null,
      tokens_per_second: this.rates.get(role) ?? null
    }
  }

  private readonly contextLengthKnown = new Map<string, number | null>()

  /**
   * The role's context window, asked once per model: llama.cpp's `/props` (the context the server
   * runs with), the `meta` llama.cpp adds to `/v1/models`, or Ollama's `/api/show`. Null when the
   * server says nothing about it.
   */
  contextLength(role: ModelRole, signal?: AbortSignal): Promise<number | null> {
    const model = this.models[role]
    let known = this.contextLengths.get(model)
    if (known === undefined) {
      known = this.readContextLength(model, signal).then(
        (value) => {
          this.contextLengthKnown.set(model, value)
          return value
        },
        () => {
          this.contextLengths.delete(model)
          return null
        }
      )
      this.contextLengths.set(model, known)
    }
    return known
  }

  private async readContextLength(model: string, signal?: AbortSignal): Promise<number | null> {
    const origin = originOf(this.baseURL)
    const link = new LinkedAbort(signal, AbortSignal.timeout(5000))
    try {
      return await this.readContextLengthWith(model, origin, link.signal)
    } finally {
      link.unlink()
    }
  }

  private async readContextLengthWith(model: string, origin: string, sig: AbortSignal): Promise<number | null> {
    const headers = { authorization: `Bearer ${this.apiKey}` }
    const getJson = async (url: string, init: RequestInit = {}): Promise<unknown> => {
      try {
        const response = await this.fetchImpl(url, { ...init, headers: { ...headers, ...init.headers }, signal: sig })
        if (!response.ok) return null
        return (await response.json()) as unknown
      } catch {
        return null
      }
    }
    // llama.cpp: the context the server was started with (per slot).
    const props = await getJson(`${origin}/props`)
    if (isRecord(props)) {
      const settings = props['default_generation_settings']
      const nCtx = isRecord(settings) ? settings['n_ctx'] : undefined
      const slots = typeof props['total_slots'] === 'number' ? props['total_slots'] : 1
      if (typeof nCtx === 'number' && nCtx > 0) return Math.floor(nCtx / Math.max(1, slots === 0 ? 1 : 1))
    }
    // Ollama: the model's own context length (num_ctx, when set, is what it runs with).
    const show = await getJson(`${origin}/api/show`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model })
    })
    if (isRecord(show)) {
      const parameters = typeof show['parameters'] === 'string' ? show['parameters'] : ''
      const numCtx = /(?:^|\n)\s*num_ctx\s+(\d+)/.exec(parameters)?.[1]
      if (numCtx !== undefined) return Number(numCtx)
      const info = show['model_info']
      if (isRecord(info)) {
        for (const [key, value] of Object.entries(info)) {
          if (key.endsWith('.context_length') && typeof value === 'number' && value > 0) return value
        }
      }
    }
    // llama.cpp's /v1/models meta (the model's training context).
    const list = await getJson(`${trimSlash(this.baseURL)}/models`)
    if (isRecord(list) && Array.isArray(list['data'])) {
      for (const item of list['data'] as unknown[]) {
        if (!isRecord(item)) continue
        const meta = item['meta']
        if (isRecord(meta) && typeof meta['n_ctx_train'] === 'number' && meta['n_ctx_train'] > 0) {
          return meta['n_ctx_train']
        }
      }
    }
    return null
  }

  /** A non-streamed completion. */
  async chat(role: ModelRole, messages: ChatMessage[], opts: ChatOptions = {}): Promise<ChatResult> {
    const model = this.models[role]
    const signal = opts.signal
    if (signal?.aborted) throw cancelledError(signal.reason)
    const format = opts.responseFormat
    const formatKey = format !== undefined ? `${model}\u0000${format.name}` : ''
    let mode: StructuredMode | null = format !== undefined ? (this.formatModes.get(formatKey) ?? 'json_schema') : null
    const extras = this.reasoningParamsRejected ? {} : reasoningRequestParams(opts.reasoning, this.baseURL)
    const hadExtras = Object.keys(extras).length > 0
    let useExtras = hadExtras

    for (;;) {
      const params: ChatCompletionCreateParamsNonStreaming & Record<string, unknown> = {
        model,
        messages: toSdkMessages(
          format !== undefined && mode !== 'json_schema' ? withSchemaHint(messages, format) : messages
        ),
        stream: false,
        ...this.sampling(opts),
        ...(format !== undefined && mode !== null ? responseFormatParam(mode, format) : {}),
        ...(useExtras ? extras : {})
      }
      try {
        const completion = await this.openai.chat.completions.create(params, {
          signal: signal ?? null,
          timeout: this.timeoutMs,
          maxRetries: this.maxRetries
        })
        if (mode !== null) {
          this.formatModes.set(formatKey, mode)
          this.modelModes.set(model, mode)
        }
        if (hadExtras && !useExtras) this.reasoningParamsRejected = true
        const choice = completion.choices[0]
        if (choice === undefined) {
          throw new ModelError('model_error', `The model server at ${this.host} sent no answer.`)
        }
        const message = choice.message as unknown as Record<string, unknown>
        const raw = typeof message['content'] === 'string' ? message['content'] : ''
        const split = splitThink(raw)
        const parsed = reasoningField(message)
        this.noteReasoningFormat(parsed !== '', split.reasoning !== '')
        const reasoning = [parsed, split.reasoning].filter((part) => part !== '').join('\n')
        const usage = completion.usage?.completion_tokens
        const finishReason = choice.finish_reason ?? null
        return {
          content: split.content,
          reasoning,
          model,
          finishReason,
          truncated: finishReason === 'length',
          ...(typeof usage === 'number' ? { usageCompletionTokens: usage } : {})
        }
      } catch (error) {
        if (!(signal?.aborted ?? false) && isRejection(error)) {
          const blamesReasoning = useExtras && mentions(error, /think|reason|chat_template/i)
          if (
            mode !== null &&
            mode !== 'none' &&
            !blamesReasoning &&
            (error.status === 400 || mentions(error, /response_format|json_schema|schema|unsupported/i))
          ) {
            mode = mode === 'json_schema' ? 'json_object' : 'none'
            continue
          }
          if (useExtras) {
            useExtras = false
            continue
          }
        }
        throw this.toModelError(error, { model, signal })
      }
    }
  }

  /**
   * A streamed completion as reasoning and content deltas. Throws `ModelError`:
   * `model_stalled` (watchdog), `model_incomplete` (ended without finish_reason or the
   * connection broke), `model_unavailable`, `model_error`, `cancelled` (name AbortError).
   * Breaking out of the loop aborts the request.
   */
  async *streamChat(
    role: ModelRole,
    messages: ChatMessage[],
    opts: StreamChatOptions = {}
  ): AsyncGenerator<StreamDelta, StreamResult, undefined> {
    const model = this.models[role]
    const userSignal = opts.signal
    if (userSignal?.aborted) throw cancelledError(userSignal.reason)

    // The request's own signal: follows the caller's (unlinked once the request is over), and
    // the watchdog aborts it, remembering why.
    const local = new LinkedAbort(userSignal)
    const signal = local.signal
    const watch = new StreamWatchdog(
      (phase) => local.abort(new Error(`model stream stalled (${phase})`)),
      this.firstChunkTimeoutMs,
      this.idleTimeoutMs
    )

    const extras = this.reasoningParamsRejected ? {} : reasoningRequestParams(opts.reasoning, this.baseURL)
    const params: ChatCompletionCreateParamsStreaming & Record<string, unknown> = {
      model,
      messages: toSdkMessages(messages),
      stream: true,
      stream_options: { include_usage: true },
      ...this.sampling(opts)
    }
    const meter = opts.meter
    meter?.start()
    watch.start()

    let response: Response
    try {
      response = await this.openStream(params, extras, signal)
    } catch (error) {
      watch.stop()
      local.unlink()
      throw this.toModelError(error, { model, signal: userSignal, stalled: watch.stalled })
    }

    // Only a server known to pass `<think>` through raw gets its content read as reasoning
    // before a `</think>`; servers that split reasoning themselves are trusted as they send it.
    const parser = new ThinkTagParser(opts.reasoning === 'on' && this.rawThinkTags)
    let serverReasoning = false
    let finishReason: string | null = null
    let usage: number | undefined
    let timings: ServerTimings | null = null
    try {
      // One network read at a time: its tokens go to the consumer as one delta per kind, so a
      // fast server costs one hop per read, not one per token.
      for await (const chunks of readChunkBatches(response)) {
        let reasoningText = ''
        let contentText = ''
        const out: StreamDelta[] = []
        const flushReasoning = (): void => {
          if (reasoningText === '') return
          out.push({ type: 'reasoning_delta', delta: reasoningText })
          reasoningText = ''
        }
        for (const chunk of chunks) {
          const chunkUsage = chunk['usage'] as { completion_tokens?: unknown } | null | undefined
          if (typeof chunkUsage?.completion_tokens === 'number') usage = chunkUsage.completion_tokens
          const chunkTimings = serverTimings(chunk['timings'])
          if (chunkTimings !== null) timings = chunkTimings
          const choices = chunk['choices']
          const choice = Array.isArray(choices) ? (choices[0] as Record<string, unknown> | undefined) : undefined
          if (choice === undefined || choice === null) continue
          if (typeof choice['finish_reason'] === 'string') finishReason = choice['finish_reason']
          const delta = (choice['delta'] ?? {}) as Record<string, unknown>
          const reasoning = reasoningField(delta)
          const content = typeof delta['content'] === 'string' ? delta['content'] : ''
          if (reasoning === '' && content === '') continue
          meter?.onToken()
          if (reasoning !== '') {
            if (contentText !== '') {
              out.push(...parser.push(contentText))
              contentText = ''
            }
            serverReasoning = true
            parser.noteServerReasoning()
            reasoningText += reasoning
          }
          if (content !== '') {
            flushReasoning()
            contentText += content
          }
        }
        flushReasoning()
        if (contentText !== '') out.push(...parser.push(contentText))
        watch.activity(out.length > 0)
        if (out.length === 0) continue
        // The consumer's time is not the server's silence: no watchdog while it holds a delta.
        watch.hold()
        for (const part of out) yield part
        watch.release()
      }
    } catch (error) {
      throw this.toModelError(error, { model, signal: userSignal, stalled: watch.stalled, streaming: true })
    } finally {
      watch.stop()
      local.unlink()
    }

    // A read cut short by the watchdog or the person may end quietly: find out why.
    if (userSignal?.aborted) throw cancelledError(userSignal.reason)
    if (watch.stalled !== null) {
      throw this.toModelError(undefined, { model, stalled: watch.stalled })
    }
    if (finishReason === null) {
      throw new ModelError(
        'model_incomplete',
        `The model server at ${this.host} ended the answer before it was finished.`
      )
    }
    for (const part of parser.flush(true)) yield part
    if (parser.sawRawTags) this.rawThinkTags = true
    this.noteReasoningFormat(serverReasoning, parser.sawRawTags)
    if (timings !== null) {
      if (timings.predictedTokens > 1 && timings.predictedMs > 0) {
        this.rates.set(role, Math.round((timings.predictedTokens / timings.predictedMs) * 10_000) / 10)
      }
      meter?.recordEngineTimings({
        outputTokens: timings.predictedTokens,
        decodeMs: timings.predictedMs,
        ...(timings.promptMs !== null ? { promptMs: timings.promptMs } : {})
      })
    } else if (usage !== undefined) {
      meter?.recordUsage(usage)
    }
    return {
      finishReason,
      model,
      truncated: finishReason === 'length',
      ...(usage !== undefined ? { usageCompletionTokens: usage } : {})
    }
  }

  private noteReasoningFormat(separate: boolean, tags: boolean): void {
    if (separate) this.reasoningFormat = 'separate'
    else if (tags) this.reasoningFormat = 'think_tags'
    else if (this.reasoningFormat === 'unknown') this.reasoningFormat = 'none'
  }

  async close(): Promise<void> {
    // Nothing held: each request is its own HTTP exchange.
  }

  /** The models the server offers (GET /models). */
  async listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    if (signal?.aborted) throw cancelledError(signal.reason)
    try {
      const page = await this.openai.models.list({
        signal: signal ?? null,
        timeout: this.timeoutMs,
        maxRetries: this.maxRetries
      })
      const data: unknown = page.data
      if (!Array.isArray(data)) return []
      const models: ModelInfo[] = []
      for (const item of data) {
        if (!isRecord(item) || typeof item['id'] !== 'string') continue
        const ownedBy = item['owned_by']
        models.push(typeof ownedBy === 'string' ? { id: item['id'], owned_by: ownedBy } : { id: item['id'] })
      }
      return models
    } catch (error) {
      throw this.toModelError(error, { signal })
    }
  }

  private async openStream(
    params: ChatCompletionCreateParamsStreaming & Record<string, unknown>,
    extras: Record<string, unknown>,
    signal: AbortSignal
  ): Promise<Response> {
    // The SDK makes the request (auth, timeout, HTTP errors as `APIError`); its raw response is
    // read by `readChunkBatches`, not by the SDK's own stream parser.
    const options = { signal, timeout: this.timeoutMs, maxRetries: 0 }
    if (Object.keys(extras).length === 0) {
      return await this.openai.chat.completions.create(params, options).asResponse()
    }
    try {
      return await this.openai.chat.completions.create({ ...params, ...extras }, options).asResponse()
    } catch (error) {
      if (signal.aborted || !isRejection(error)) throw error
      const response = await this.openai.chat.completions.create(params, options).asResponse()
      this.reasoningParamsRejected = true
      return response
    }
  }

  private sampling(opts: { temperature?: number; maxTokens?: number }): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    if (opts.temperature !== undefined) out['temperature'] = opts.temperature
    if (opts.maxTokens !== undefined) {
      // OpenAI's reasoning models refuse max_tokens; local servers know max_tokens best.
      out[isOpenAIHost(this.baseURL) ? 'max_completion_tokens' : 'max_tokens'] = opts.maxTokens
    }
    return out
  }

  private toModelError(
    error: unknown,
    ctx: {
      model?: string
      signal?: AbortSignal | undefined
      stalled?: 'first' | 'idle' | null
      /** The response had begun: a failure now means a broken connection or a bad chunk. */
      streaming?: boolean
    }
  ): ModelError {
    const host = this.host
    if (error instanceof ModelError) return error
    if (ctx.signal?.aborted) return cancelledError(error)
    if (ctx.stalled === 'first') {
      return new ModelError(
        'model_stalled',
        `The model server at ${host} did not start answering within ${seconds(this.firstChunkTimeoutMs)}.`,
        { cause: error }
      )
    }
    if (ctx.stalled === 'idle') {
      return new ModelError(
        'model_stalled',
        `The model server at ${host} stopped sending the answer: nothing arrived for ${seconds(this.idleTimeoutMs)}.`,
        { cause: error }
      )
    }
    if (error instanceof APIUserAbortError) return cancelledError(error)
    if (error instanceof APIConnectionTimeoutError) {
      return new ModelError(
        'model_stalled',
        `The model server at ${host} did not answer within ${seconds(this.timeoutMs)}.`,
        { cause: error }
      )
    }
    if (error instanceof APIConnectionError) {
      return new ModelError(
        'model_unavailable',
        `The model server at ${host} did not answer. Check it is running, or change it in Settings.`,
        { cause: error }
      )
    }
    if (error instanceof APIError && typeof error.status === 'number') {
      const status = error.status
      const detail = errorDetail(error)
      const suffix = detail !== '' ? `: ${detail}` : ''
      if (status >= 500) {
        return new ModelError(
          'model_unavailable',
          `The model server at ${host} is not available (HTTP ${status}${suffix}). Check it is running, or change it in Settings.`,
          { cause: error, status }
        )
      }
      if (status === 401 || status === 403) {
        return new ModelError(
          'model_error',
          `The model server at ${host} refused the API key (HTTP ${status}${suffix}). Check the key in Settings.`,
          { cause: error, status }
        )
      }
      if (status === 404) {
        const what = ctx.model !== undefined ? ` for model "${ctx.model}"` : ''
        return new ModelError(
          'model_error',
          `The model server at ${host} answered "not found"${what} (HTTP 404${suffix}). Check the model name and the server address in Settings.`,
          { cause: error, status }
        )
      }
      return new ModelError(
        'model_error',
        `The model server at ${host} rejected the request (HTTP ${status}${suffix}).`,
        { cause: error, status }
      )
    }
    if (error instanceof APIError) {
      // An error event inside an otherwise good stream.
      const detail = errorDetail(error)
      return new ModelError(
        'model_error',
        `The model server at ${host} reported an error${detail !== '' ? `: ${detail}` : ''}.`,
        { cause: error }
      )
    }
    if (ctx.streaming === true && error instanceof SyntaxError) {
      return new ModelError('model_error', `The model server at ${host} sent a stream chunk that is not valid JSON.`, {
        cause: error
      })
    }
    if (ctx.streaming === true) {
      return new ModelError(
        'model_incomplete',
        `The connection to the model server at ${host} broke before the answer was finished.`,
        { cause: error }
      )
    }
    if (isAbortError(error)) return cancelledError(error)
    const text = error instanceof Error ? error.message : String(error)
    return new ModelError('model_error', `The model server at ${host} failed: ${text}`, {
      cause: error
    })
  }
}

/**
 * A stream's silence timer: one timer for the whole stream. Chunks only note the time; when the
 * timer fires it checks how long it has really been quiet and sleeps again for the rest, so a
 * fast stream does not clear and set a timer per chunk. Before the first token the window is
 * `firstMs` from the request (prompt processing is silent); after it, `idleMs` from the last
 * chunk. While the consumer holds a delta the stream is not silent, it is waiting.
 */
class StreamWatchdog {
  stalled: 'first' | 'idle' | null = null
  private phase: 'first' | 'idle' = 'first'
  private startedAt = 0
  private lastAt = 0
  private held = false
  private timer: ReturnType<typeof setTimeout> | undefined
  private fireAt = 0

  constructor(
    private readonly onStall: (phase: 'first' | 'idle') => void,
    private readonly firstMs: number,
    private readonly idleMs: number
  ) {}

  start(): void {
    this.startedAt = Date.now()
    this.schedule(this.startedAt + this.firstMs)
  }

  /** A read arrived; `tokens` when it held part of the answer. */
  activity(tokens: boolean): void {
    if (this.timer === undefined) return
    const now = Date.now()
    if (this.phase === 'first') {
      if (!tokens) return
      this.phase = 'idle'
      this.lastAt = now
      // The first window may be longer than the idle one: wake up in time for the shorter.
      if (this.fireAt > now + this.idleMs) this.schedule(now + this.idleMs)
      return
    }
    this.lastAt = now
  }

  hold(): void {
    this.held = true
  }

  release(): void {
    this.held = false
    this.lastAt = Date.now()
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
  }

  private schedule(at: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.fireAt = at
    this.timer = setTimeout(() => this.check(), Math.max(0, at - Date.now()))
  }

  private check(): void {
    this.timer = undefined
    const now = Date.now()
    const deadline = this.phase === 'first' ? this.startedAt + this.firstMs : this.lastAt + this.idleMs
    if (this.held) {
      this.schedule(now + this.idleMs)
    } else if (now >= deadline) {
      this.stalled = this.phase
      this.onStall(this.phase)
    } else {
      this.schedule(deadline)
    }
  }
}

function cancelledError(cause?: unknown): ModelError {
  return new ModelError('cancelled', 'The request to the model was cancelled.', { cause })
}

function responseFormatParam(mode: StructuredMode, format: ResponseFormatSpec): Record<string, unknown> {
  if (mode === 'json_schema') {
    return {
      response_format: {
        type: 'json_schema',
        json_schema: { name: format.name, schema: format.schema, strict: true }
      }
    }
  }
  if (mode === 'json_object') return { response_format: { type: 'json_object' } }
  return {}
}

/**
 * Without json_schema the server no longer knows the schema, so the prompt says it (and
 * OpenAI's json_object mode requires the word JSON in the messages).
 */
function withSchemaHint(messages: ChatMessage[], format: ResponseFormatSpec): ChatMessage[] {
  const hint = `Answer with only a JSON object (no other text) that matches this JSON schema:\n${JSON.stringify(format.schema)}`
  const first = messages[0]
  if (first !== undefined && first.role === 'system') {
    return [{ role: 'system', content: `${first.content}\n\n${hint}` }, ...messages.slice(1)]
  }
  return [{ role: 'system', content: hint }, ...messages]
}

function toSdkMessages(messages: ChatMessage[]): ChatCompletionMessageParam[] {
  return messages.map((message) => ({ role: message.role, content: message.content }))
}

/** Parsed reasoning of a delta or message: `reasoning_content` (llama.cpp, vLLM, DeepSeek) or `reasoning` (Ollama, OpenRouter, newer vLLM). */
function reasoningField(source: Record<string, unknown>): string {
  const primary = source['reasoning_content']
  if (typeof primary === 'string' && primary !== '') return primary
  const secondary = source['reasoning']
  return typeof secondary === 'string' ? secondary : ''
}

function isRejection(error: unknown): error is APIError & { status: number } {
  return error instanceof APIError && (error.status === 400 || error.status === 422)
}

function mentions(error: APIError, pattern: RegExp): boolean {
  return pattern.test(`${errorDetail(error)} ${error.message}`)
}

function errorDetail(error: APIError): string {
  const body: unknown = error.error
  if (typeof body === 'string') return body
  if (isRecord(body) && typeof body['message'] === 'string') return body['message']
  return error.message.replace(/^\d{3}\s+/, '').replace(/^status code \(no body\)$/, '')
}

function isAbortError(error: unknown): boolean {
  return isRecord(error) && error['name'] === 'AbortError'
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

function isOpenAIHost(baseURL: string): boolean {
  try {
    return new URL(baseURL).hostname.toLowerCase() === 'api.openai.com'
  } catch {
    return false
  }
}

interface ServerTimings {
  predictedTokens: number
  predictedMs: number
  promptMs: number | null
}

/** llama.cpp's own `timings` (sent with the last chunk): decode tokens and time, prompt time. */
function serverTimings(value: unknown): ServerTimings | null {
  if (!isRecord(value)) return null
  const n = value['predicted_n']
  const ms = value['predicted_ms']
  if (typeof n !== 'number' || typeof ms !== 'number' || !(n >= 0) || !(ms >= 0)) return null
  const prompt = value['prompt_ms']
  return { predictedTokens: n, predictedMs: ms, promptMs: typeof prompt === 'number' && prompt >= 0 ? prompt : null }
}

function originOf(baseURL: string): string {
  try {
    const url = new URL(baseURL)
    return url.origin
  } catch {
    return baseURL
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '')
}

function hostOf(baseURL: string): string {
  try {
    return new URL(baseURL).host
  } catch {
    return baseURL
  }
}

function seconds(ms: number): string {
  const value = ms / 1000
  return `${Number.isInteger(value) ? value : value.toFixed(1)} s`
}
