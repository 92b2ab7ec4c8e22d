/**
 * The one model interface the agent uses, whichever engine answers: `ModelClient` (any
 * OpenAI-compatible server, over HTTP) or `BuiltinEngine` (Duck's own llama.cpp engine,
 * running outside the main event loop). Everything above `model/` depends on this only.
 */
import type { ModelCapabilities } from '../../../shared/engine'
import type { ModelRole, ReasoningMode } from '../../../shared/schemas'
import type { GenerationMeter } from './meter'

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

export interface ResponseFormatSpec {
  name: string
  /** A JSON schema (e.g. from `z.toJSONSchema`). Grammar engines decode under it. */
  schema: object
}

export interface ChatOptions {
  temperature?: number
  /** Upper bound on generated tokens (reasoning included). */
  maxTokens?: number
  /** Ask for JSON matching this schema (falls back when the server does not support it). */
  responseFormat?: ResponseFormatSpec
  /** Default: nothing requested (`auto`). */
  reasoning?: ReasoningMode
  signal?: AbortSignal
}

export interface ChatResult {
  /** The answer, with any `<think>` block removed. */
  content: string
  reasoning: string
  /** The model name that was asked for. */
  model: string
  finishReason: string | null
  /** True when generation stopped at a token or context limit (finish_reason "length"). */
  truncated: boolean
  usageCompletionTokens?: number
}

export interface StreamChatOptions {
  reasoning?: ReasoningMode
  temperature?: number
  maxTokens?: number
  signal?: AbortSignal
  /** Driven by the stream: start() when sent, onToken() per delta, then the engine's own counts. */
  meter?: GenerationMeter
}

export interface StreamDelta {
  type: 'reasoning_delta' | 'content_delta'
  delta: string
}

/** The generator's return value (read it with a manual `next()` loop, or use a meter). */
export interface StreamResult {
  /** "stop", "length", … — always set: a stream without one throws `model_incomplete`. */
  finishReason: string
  model: string
  /** True when the answer stopped at a token or context limit. */
  truncated: boolean
  usageCompletionTokens?: number
}

export interface ModelInfo {
  id: string
  owned_by?: string
}

export interface ChatModel {
  /** How messages name who answers, e.g. "the model server at 127.0.0.1:8080". */
  readonly label: string
  /** The model name (or file) configured for a role. */
  modelFor(role: ModelRole): string
  /** A non-streamed completion. Throws `ModelError`. */
  chat(role: ModelRole, messages: ChatMessage[], opts?: ChatOptions): Promise<ChatResult>
  /** A streamed completion as reasoning and content deltas. Throws `ModelError`. */
  streamChat(
    role: ModelRole,
    messages: ChatMessage[],
    opts?: StreamChatOptions
  ): AsyncGenerator<StreamDelta, StreamResult, undefined>
  /** The models this engine offers. */
  listModels(signal?: AbortSignal): Promise<ModelInfo[]>
  /** The context window (tokens) of the role's model, read once and remembered; null when unknown. */
  contextLength(role: ModelRole, signal?: AbortSignal): Promise<number | null>
  /** What is known so far about the role's model (no request is made). */
  capabilities(role: ModelRole): ModelCapabilities
  /** Frees what the engine holds (processes, loaded models). */
  close(): Promise<void>
}
