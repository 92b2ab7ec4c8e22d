/**
 * Zod schemas for every input that crosses a process boundary. Both transports (HTTP and IPC)
 * parse with these, so a bad payload gets the same clear error everywhere.
 */
import { z } from 'zod'
import { AUDIT_DECISIONS, RISK_LEVELS, TOOL_ACTION_TYPES, type AuditDecision, type ToolActionType } from './events'

export const MESSAGE_MAX_CHARS = 100_000

export const ReasoningModeSchema = z.enum(['on', 'off', 'auto'])
export type ReasoningMode = z.infer<typeof ReasoningModeSchema>

const idSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'is too long')
  .regex(/^[A-Za-z0-9_-]+$/, 'must contain only letters, digits, "-" and "_"')

export const IdSchema = idSchema

export const ChatRequestSchema = z.strictObject({
  message: z
    .string()
    .min(1, 'must not be empty')
    .max(MESSAGE_MAX_CHARS, `must be at most ${MESSAGE_MAX_CHARS} characters`),
  workspace: z.string().min(1, 'must not be empty').max(4096, 'is too long'),
  conversation_id: idSchema.optional(),
  reasoning: ReasoningModeSchema.optional(),
  debug: z.boolean().optional()
})
export type ChatRequest = z.infer<typeof ChatRequestSchema>

export const ContinueRequestSchema = z.strictObject({
  approval_id: idSchema
})
export type ContinueRequest = z.infer<typeof ContinueRequestSchema>

export const PasswordRequestSchema = z.strictObject({
  approval_id: idSchema,
  password: z.string().min(1, 'must not be empty').max(1024, 'is too long')
})
export type PasswordRequest = z.infer<typeof PasswordRequestSchema>

export const ApprovalDecisionSchema = z.enum(['allow_once', 'allow_always', 'deny'])
export type ApprovalDecision = z.infer<typeof ApprovalDecisionSchema>

/**
 * How "Always allow" is scoped: `command` (the default) covers the program with any arguments;
 * `arguments` only these words, or `args`, a pattern over them (one-part commands only).
 */
export const RuleScopeSchema = z
  .object({
    scope: z.enum(['command', 'arguments']).default('command'),
    args: z.string().max(500).optional()
  })
  .strict()
  .refine((v) => v.args === undefined || v.scope === 'arguments', {
    message: 'args: only with scope "arguments".',
    path: ['args']
  })
export type RuleScope = z.input<typeof RuleScopeSchema>

const limitSchema = z.coerce
  .number()
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(1000, 'must be at most 1000')

export const ListConversationsQuerySchema = z.strictObject({
  q: z.string().max(500).optional(),
  limit: limitSchema.optional()
})
export type ListConversationsQuery = z.infer<typeof ListConversationsQuerySchema>

/** Messages read when a page is asked for with `before` alone. */
export const CONVERSATION_PAGE_DEFAULT = 100

/**
 * Paging a conversation (all optional; none gives every message, as before): the newest
 * `limit` messages, or those older than the message `before`; `include=events` adds the
 * persisted events of the returned messages' tasks.
 */
export const ConversationQuerySchema = z.strictObject({
  limit: limitSchema.optional(),
  before: z
    .string()
    .min(1, 'must not be empty')
    .max(200, 'is too long')
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a message id')
    .optional(),
  include: z.enum(['events'], 'must be "events"').optional()
})
export type ConversationQuery = z.infer<typeof ConversationQuerySchema>

export const RenameConversationSchema = z.strictObject({
  title: z.string().trim().min(1, 'must not be empty').max(200, 'is too long')
})
export type RenameConversation = z.infer<typeof RenameConversationSchema>

export const MemoryQuerySchema = z.strictObject({
  workspace: z.string().max(4096).optional(),
  q: z.string().max(500).optional(),
  limit: limitSchema.optional()
})
export type MemoryQuery = z.infer<typeof MemoryQuerySchema>

export const ForgetMemorySchema = z.strictObject({
  /** A workspace path forgets that workspace; omitted forgets everything. */
  workspace: z.string().min(1).max(4096).optional()
})
export type ForgetMemory = z.infer<typeof ForgetMemorySchema>

export const ExperienceQuerySchema = z.strictObject({
  q: z.string().max(500).optional(),
  limit: limitSchema.optional()
})
export type ExperienceQuery = z.infer<typeof ExperienceQuerySchema>

/** A list as `a,b` (a query string) or an array (IPC): each value one of `values`, at least one. */
function listOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z
    .union([z.string().max(2000, 'is too long'), z.array(z.string().max(200)).max(50)])
    .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter((s) => s !== ''))
    .pipe(z.array(z.enum(values, { error: `must be a list of ${values.join(', ')}` })).min(1, 'must not be empty'))
}

/** An instant with a time zone (or a day, `YYYY-MM-DD`, UTC), normalised to the stored form. */
const instantSchema = z
  .string()
  .max(40, 'is too long')
  .refine(
    (v) =>
      /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(v) &&
      !Number.isNaN(Date.parse(v)),
    'must be an ISO 8601 date or date-time with a time zone, e.g. 2026-03-01 or 2026-03-01T12:00:00Z'
  )
  .transform((v) => new Date(v).toISOString())

/** What the audit's risk badge says: a risk level, or `privileged` for privileged action types (whatever their risk). */
export const AUDIT_RISKS = [...RISK_LEVELS, 'privileged'] as const
export type AuditRisk = (typeof AUDIT_RISKS)[number]
export const AUDIT_KINDS = ['command', 'mcp'] as const
export type AuditKind = (typeof AUDIT_KINDS)[number]

/** Filters over the whole audit (all optional, combined with AND; values of one list with OR). */
export const AuditFilterShape = {
  risk: listOf(AUDIT_RISKS).optional(),
  decision: listOf(AUDIT_DECISIONS).optional(),
  approved: z
    .union([z.boolean(), z.enum(['true', 'false'], { error: 'must be true or false' })])
    .transform((v) => v === true || v === 'true')
    .optional(),
  action_type: listOf(TOOL_ACTION_TYPES).optional(),
  /** `command`: shell commands; `mcp`: tool calls that are not shell commands (rows with a `tool`). */
  kind: z.enum(AUDIT_KINDS).optional(),
  workspace: z.string().min(1, 'must not be empty').max(4096, 'is too long').optional(),
  task_id: idSchema.optional(),
  /** created_at >= since */
  since: instantSchema.optional(),
  /** created_at < until */
  until: instantSchema.optional(),
  /** Text in the command (any case, anywhere in it). */
  q: z.string().max(500, 'is too long').optional()
}

export const AuditQuerySchema = z.strictObject({
  limit: limitSchema.optional(),
  /** The `X-Next-Cursor` of the previous page: the rows older than its last row. */
  before: z.string().min(1, 'must not be empty').max(200, 'is not a cursor this server gave out').optional(),
  ...AuditFilterShape
})
/** The audit's filters as a client sends them (over HTTP a list goes as `a,b`). */
export interface AuditFilterQuery {
  risk?: AuditRisk[]
  decision?: AuditDecision[]
  approved?: boolean
  action_type?: ToolActionType[]
  kind?: AuditKind
  workspace?: string
  task_id?: string
  since?: string
  until?: string
  q?: string
}
export type AuditQuery = AuditFilterQuery & { limit?: number; before?: string }

export const AUDIT_EXPORT_FORMATS = ['csv', 'jsonl'] as const
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number]

export const AuditExportQuerySchema = z.strictObject({
  format: z.enum(AUDIT_EXPORT_FORMATS, { error: 'must be csv or jsonl' }).optional(),
  ...AuditFilterShape
})
export type AuditExportQuery = AuditFilterQuery & { format?: AuditExportFormat }

export const ROLES = ['action', 'thinker', 'memory_policy', 'critic'] as const
export type ModelRole = (typeof ROLES)[number]

const modelNameSchema = z.string().trim().min(1, 'must not be empty').max(200, 'is too long')

const baseUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value)
      return url.protocol === 'http:' || url.protocol === 'https:'
    } catch {
      return false
    }
  }, 'must be an http:// or https:// URL')

export const ModelsQuerySchema = z.strictObject({
  /** Probe this server instead of the configured one; nothing is saved. */
  base_url: baseUrlSchema.optional()
})
export type ModelsQuery = z.infer<typeof ModelsQuerySchema>

const installedModelRef = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'is too long')
  .regex(/^[A-Za-z0-9._-]+$/, 'must contain only letters, digits, ".", "-" and "_"')

export const SettingsUpdateSchema = z.strictObject({
  engine: z.enum(['builtin', 'server']).optional(),
  /** Installed model ids per role for the built-in engine; null clears a role's choice. */
  engine_models: z
    .strictObject({
      action: installedModelRef.nullable().optional(),
      thinker: installedModelRef.nullable().optional(),
      memory_policy: installedModelRef.nullable().optional(),
      critic: installedModelRef.nullable().optional()
    })
    .optional(),
  engine_context_length: z
    .number()
    .int('must be a whole number')
    .min(2048, 'must be at least 2048')
    .max(131072, 'must be at most 131072')
    .optional(),
  model_base_url: baseUrlSchema.optional(),
  models: z
    .strictObject({
      action: modelNameSchema.optional(),
      thinker: modelNameSchema.optional(),
      memory_policy: modelNameSchema.optional(),
      critic: modelNameSchema.optional()
    })
    .optional(),
  /** A new API key; an empty string removes the stored one. */
  model_api_key: z.string().max(4096).optional(),
  default_reasoning: ReasoningModeSchema.optional(),
  memory_enabled: z.boolean().optional(),
  reflection_enabled: z.boolean().optional()
})
export type SettingsUpdate = z.infer<typeof SettingsUpdateSchema>

/** What the planner must return (the `action` role). */
export const ActionDirectiveSchema = z.object({
  kind: z.literal('action_directive'),
  intent: z.string().max(2000),
  risk_level: z.enum(RISK_LEVELS),
  actions: z
    .array(
      z.object({
        tool: z.string().min(1).max(100),
        args: z.record(z.string(), z.unknown()),
        reason: z.string().max(2000).default('')
      })
    )
    .max(16)
})
export type ActionDirective = z.infer<typeof ActionDirectiveSchema>

/** What the memory policy must return (the `memory_policy` role). */
export const MemoryDecisionSchema = z.object({
  should_store: z.boolean(),
  memory_type: z.string().max(100).default('fact'),
  summary: z.string().max(2000).default(''),
  importance: z.number().min(0).max(1).default(0.5),
  scope: z.enum(['workspace', 'global']).default('workspace'),
  metadata: z.record(z.string(), z.unknown()).default({})
})
export type MemoryDecision = z.infer<typeof MemoryDecisionSchema>

/** Turns a zod error into one clear sentence naming the field. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0]
  if (!issue) return 'invalid input'
  const field = issue.path.length > 0 ? issue.path.join('.') : 'body'
  return `${field}: ${issue.message}`
}
