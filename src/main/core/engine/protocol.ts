/**
 * The messages between `BuiltinEngine` (the client, in the main process) and the engine worker
 * (a child process or an Electron utility process). Every message that crosses is validated on
 * arrival with these schemas: a message that does not parse is refused (an error reply from the
 * worker, a `ModelError` on the client), never a crash.
 *
 *   worker → client  hello                       once, when the worker listens
 *   client → worker  init     → ready | error    first request: threads, GPU, memory cap
 *   client → worker  inspect  → info | error     the GGUF header only (context length, template)
 *   client → worker  load     → loaded | error   load a model file and its context
 *   client → worker  chat     → delta* → done | error
 *   client → worker  cancel                      stop the chat with this id (it ends with error "cancelled")
 *   client → worker  shutdown → bye              free everything and exit
 *   worker → client  status, log                 unsolicited
 *   worker → client  heartbeat                   every few seconds while a request runs (a long
 *                                                prompt evaluation sends nothing else for minutes)
 *
 * Requests carry an `id`; every reply to a request carries the same id (`cancel` names the chat
 * it stops by that chat's id). The worker runs one chat or load at a time, in arrival order.
 */
import { z } from 'zod'

const id = z.string().min(1).max(100)
const path = z.string().min(1).max(4096)
/** Large enough for any prompt a context window can hold. */
const text = z.string().max(16_000_000)
const contextSize = z.number().int().min(16).max(4_194_304)

export const REASONING_MODES = ['on', 'off', 'auto'] as const

export const ChatMessageSchema = z.strictObject({
  role: z.enum(['system', 'user', 'assistant']),
  content: text
})

export const InitRequestSchema = z.strictObject({
  type: z.literal('init'),
  id,
  /** Threads for generation. */
  threads: z.number().int().min(1).max(1024),
  /** 'auto': a GPU binding when one is present, else CPU. */
  gpu: z.enum(['auto', 'cpu']),
  /** Cap on the RAM the engine plans to use (bytes); null: what is free. */
  memoryCapBytes: z.number().int().min(0).nullable()
})

export const InspectRequestSchema = z.strictObject({
  type: z.literal('inspect'),
  id,
  model: path
})

export const LoadRequestSchema = z.strictObject({
  type: z.literal('load'),
  id,
  model: path,
  /** Requested context size; the worker clamps it to the model's training context. */
  contextSize
})

export const ChatRequestSchema = z.strictObject({
  type: z.literal('chat'),
  id,
  model: path,
  contextSize,
  messages: z.array(ChatMessageSchema).min(1).max(10_000),
  temperature: z.number().min(0).max(10).optional(),
  maxTokens: z.number().int().min(1).max(4_194_304).optional(),
  reasoning: z.enum(REASONING_MODES),
  /** A JSON schema already converted to node-llama-cpp's subset (see json-schema.ts). */
  schema: z.record(z.string(), z.unknown()).optional(),
  seed: z.number().int().min(0).optional()
})

export const CancelRequestSchema = z.strictObject({
  type: z.literal('cancel'),
  /** The id of the chat to stop. */
  id
})

export const ShutdownRequestSchema = z.strictObject({
  type: z.literal('shutdown'),
  id
})

export const EngineRequestSchema = z.discriminatedUnion('type', [
  InitRequestSchema,
  InspectRequestSchema,
  LoadRequestSchema,
  ChatRequestSchema,
  CancelRequestSchema,
  ShutdownRequestSchema
])
export type EngineRequest = z.infer<typeof EngineRequestSchema>
export type InitRequest = z.infer<typeof InitRequestSchema>
export type InspectRequest = z.infer<typeof InspectRequestSchema>
export type LoadRequest = z.infer<typeof LoadRequestSchema>
export type ChatRequest = z.infer<typeof ChatRequestSchema>

// -- replies ---------------------------------------------------------------------------------

export const HelloReplySchema = z.strictObject({
  type: z.literal('hello'),
  pid: z.number().int(),
  /** "child" (Node child process) or "utility" (Electron utility process). */
  host: z.enum(['child', 'utility'])
})

export const ReadyReplySchema = z.strictObject({
  type: z.literal('ready'),
  id,
  /** The GPU backend in use ('cuda', 'vulkan', 'metal'), or null for CPU. */
  gpu: z.string().nullable(),
  threads: z.number().int().min(1),
  /** Why no GPU is used, when one was asked for ('auto') and none could start. */
  note: z.string().nullable()
})

export const ModelInfoSchema = z.strictObject({
  model: path,
  architecture: z.string().nullable(),
  /** The context length the model was trained with (GGUF metadata), when known. */
  trainContextSize: z.number().int().min(1).nullable(),
  sizeBytes: z.number().int().min(0)
})
export type EngineModelInfo = z.infer<typeof ModelInfoSchema>

export const InfoReplySchema = z.strictObject({
  type: z.literal('info'),
  id,
  info: ModelInfoSchema
})

export const LoadedReplySchema = z.strictObject({
  type: z.literal('loaded'),
  id,
  info: ModelInfoSchema,
  /** The context size actually created. */
  contextSize: z.number().int().min(1),
  gpuLayers: z.number().int().min(0),
  /** Whether the chat template has thought segments (the model can reason separately). */
  thinking: z.boolean(),
  /** The chat wrapper node-llama-cpp resolved from the GGUF, e.g. "JinjaTemplate", "Qwen". */
  chatWrapper: z.string(),
  loadMs: z.number().min(0)
})

export const DeltaReplySchema = z.strictObject({
  type: z.literal('delta'),
  id,
  kind: z.enum(['reasoning', 'content']),
  text: z.string().min(1).max(16_000_000),
  /** Tokens this piece holds. */
  tokens: z.number().int().min(0)
})

export const EngineStatsSchema = z.strictObject({
  /** Tokens generated (reasoning included), from the engine's own count. */
  outputTokens: z.number().int().min(0),
  /** Prompt tokens evaluated for this request (a cached prefix is not evaluated again). */
  promptTokens: z.number().int().min(0),
  /** From the request's start to the first generated token (prompt processing). */
  promptMs: z.number().min(0),
  /** From the first generated token to the last. */
  decodeMs: z.number().min(0)
})
export type EngineStats = z.infer<typeof EngineStatsSchema>

export const DoneReplySchema = z.strictObject({
  type: z.literal('done'),
  id,
  finishReason: z.enum(['stop', 'length']),
  truncated: z.boolean(),
  /** What stopped it: the model's end of turn, the token bound, or the context window. */
  stoppedBy: z.enum(['end', 'max_tokens', 'context']),
  stats: EngineStatsSchema,
  contextSize: z.number().int().min(1)
})

export const WORKER_ERROR_CODES = [
  'engine_load_failed',
  'engine_no_model',
  'model_error',
  'model_truncated',
  'cancelled',
  'bad_request'
] as const
export type WorkerErrorCode = (typeof WORKER_ERROR_CODES)[number]

export const ErrorReplySchema = z.strictObject({
  type: z.literal('error'),
  /** null when the request that failed could not be read. */
  id: id.nullable(),
  code: z.enum(WORKER_ERROR_CODES),
  /** One sentence a person can act on. */
  message: z.string().max(4000),
  /** llama.cpp's own words, when it said something (for logs). */
  detail: z.string().max(8000).nullable()
})

export const ENGINE_STATES = ['idle', 'loading', 'ready', 'error'] as const

export const StatusReplySchema = z.strictObject({
  type: z.literal('status'),
  state: z.enum(ENGINE_STATES),
  /** The model file being loaded or last loaded. */
  model: z.string().nullable(),
  error: z.string().nullable()
})

export const LogReplySchema = z.strictObject({
  type: z.literal('log'),
  level: z.enum(['debug', 'info', 'warn', 'error']),
  message: z.string().max(8000)
})

export const HeartbeatReplySchema = z.strictObject({
  type: z.literal('heartbeat')
})

export const ByeReplySchema = z.strictObject({
  type: z.literal('bye'),
  id
})

export const EngineReplySchema = z.discriminatedUnion('type', [
  HelloReplySchema,
  ReadyReplySchema,
  InfoReplySchema,
  LoadedReplySchema,
  DeltaReplySchema,
  DoneReplySchema,
  ErrorReplySchema,
  StatusReplySchema,
  LogReplySchema,
  HeartbeatReplySchema,
  ByeReplySchema
])
export type EngineReply = z.infer<typeof EngineReplySchema>
export type ReadyReply = z.infer<typeof ReadyReplySchema>
export type LoadedReply = z.infer<typeof LoadedReplySchema>
export type DoneReply = z.infer<typeof DoneReplySchema>
export type ErrorReply = z.infer<typeof ErrorReplySchema>
export type StatusReply = z.infer<typeof StatusReplySchema>

export type ParseResult<T> = { ok: true; value: T } | { ok: false; id: string | null; error: string }

/** Validates a request arriving at the worker. */
export function parseRequest(message: unknown): ParseResult<EngineRequest> {
  return parseWith(EngineRequestSchema, message)
}

/** Validates a reply arriving at the client. */
export function parseReply(message: unknown): ParseResult<EngineReply> {
  return parseWith(EngineReplySchema, message)
}

function parseWith<T>(schema: z.ZodType<T>, message: unknown): ParseResult<T> {
  const result = schema.safeParse(message)
  if (result.success) return { ok: true, value: result.data }
  const issue = result.error.issues[0]
  const where = issue !== undefined && issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''
  return { ok: false, id: readId(message), error: `${where}${issue?.message ?? 'invalid message'}` }
}

/** The id of a message that did not parse, when it has a readable one. */
function readId(message: unknown): string | null {
  if (typeof message !== 'object' || message === null) return null
  const value = (message as Record<string, unknown>)['id']
  return typeof value === 'string' && value.length > 0 && value.length <= 100 ? value : null
}
