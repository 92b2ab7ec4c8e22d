/** Response shapes of the local API (snake_case on the wire). */
import type { EngineKind } from './engine'
import type { AuditDecision, ToolActionType, DuckEventType, FilePreview, RiskLevel, TaskStatus } from './events'
import type { ModelRole, ReasoningMode } from './schemas'

export interface Health {
  status: 'ok'
  version: string
}

export interface ApiErrorBody {
  error: { code: ErrorCode; message: string }
}

export const ERROR_CODES = [
  'invalid_input',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'model_unavailable',
  'internal'
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

export interface TaskInfo {
  task_id: string
  conversation_id: string
  workspace: string
  status: TaskStatus
  created_at: string
  updated_at: string
}

export interface TaskEventRecord {
  seq: number
  event_type: DuckEventType
  payload: Record<string, unknown>
  created_at: string
}

export interface PendingApproval {
  approval_id: string
  task_id: string
  conversation_id: string
  tool: string
  args: Record<string, unknown>
  reason: string
  risk_level: RiskLevel
  action_type: ToolActionType
  outside_workspace: string[]
  rule_preview: string | null
  /** File tools: the change as a diff. */
  preview?: FilePreview
  /** `approval` while a person must decide, `password` while sudo waits for one. */
  kind: 'approval' | 'password'
  created_at: string
}

/** One file a task changed (file tools), as its Changes view shows it. */
export interface FileChange {
  change_id: string
  task_id: string
  path: string
  kind: 'created' | 'modified'
  added: number
  removed: number
  /** The unified diff of the change. */
  diff: string
  /** True while the change is undone. */
  undone: boolean
  created_at: string
}

/** What an undo (or, when everything was undone, a redo) of a task did. */
export interface UndoResult {
  task_id: string
  action: 'undo' | 'redo'
  /** Files put back. */
  restored: string[]
  /** Files changed since by someone else: left as they are. */
  conflicts: { path: string; reason: string }[]
}

export interface ApprovalResult {
  approval_id: string
  status: 'allowed_once' | 'allowed_always' | 'denied'
}

export interface CancelResult {
  task_id: string
  status: TaskStatus
}

export interface ConversationSummary {
  conversation_id: string
  title: string
  workspace: string
  updated_at: string
  /** True while one of its tasks waits for an approval or a password. */
  waiting: boolean
}

export interface MessageRecord {
  message_id: string
  role: 'user' | 'assistant'
  content: string
  reasoning: string
  status: TaskStatus
  task_id: string | null
  created_at: string
}

export interface ConversationDetail {
  conversation_id: string
  title: string
  workspace: string
  messages: MessageRecord[]
}

export interface MemoryRecord {
  memory_id: string
  text: string
  memory_type: string
  importance: number
  scope: 'workspace' | 'global'
  workspace: string | null
  created_at: string
}

export interface MemoryResults {
  results: MemoryRecord[]
}

export interface ExperienceRecord {
  experience_id: string
  task_id: string
  lesson: string
  created_at: string
}

export interface AuditPayload {
  command: string
  risk_level: RiskLevel
  action_type: ToolActionType
  approved: boolean
  decision: AuditDecision
  exit_code: number | null
  task_id: string
  workspace: string
  conversation_id: string
  /** How the command ran: a sandbox profile (`read_only`, `workspace_write`), `none` (unconfined), null before it ran. */
  sandbox: 'read_only' | 'workspace_write' | 'none' | null
  /** Tool calls that are not shell commands (MCP): the tool, e.g. `mcp__files__read_file`. */
  tool?: string
  /** MCP calls: the server said the call failed (`isError`); null before it ran. */
  is_error?: boolean | null
  /** MCP calls: how long the call took; null before it ran. */
  duration_ms?: number | null
}

export interface AuditRecord {
  audit_id: string
  event_type: 'command_audit'
  created_at: string
  payload: AuditPayload
}

export interface ApprovalRule {
  rule_id: string
  tool: string
  pattern: string
  workspace: string
  created_at: string
}

export interface SkillInfo {
  name: string
  description: string
  source: 'builtin' | 'user'
}

export interface ModelInfo {
  id: string
  owned_by?: string
}

export interface ModelList {
  base_url: string
  models: ModelInfo[]
}

export interface Settings {
  /** Which engine answers: Duck's own llama.cpp engine or an OpenAI-compatible server. */
  engine: EngineKind
  /** The built-in engine's installed model per role (`model_id`), null where none is chosen. */
  engine_models: Record<ModelRole, string | null>
  /** The context window the built-in engine loads models with. */
  engine_context_length: number
  model_base_url: string
  models: Record<ModelRole, string>
  model_api_key_set: boolean
  default_reasoning: ReasoningMode
  memory_enabled: boolean
  reflection_enabled: boolean
  /** Settings the environment pins; editing them has no effect while it does. */
  env_overrides: string[]
}
