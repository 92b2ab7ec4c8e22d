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
  /** Shell calls: the rule "Always allow" would create when narrowed to these arguments. */
  rule_preview_arguments?: string
  /** File tools: the change as a diff. */
  preview?: FilePreview
  /**
   * Shell commands: whether Preview (a run against an overlay of the workspace) is available
   * here, and why not (e.g. macOS has no overlay).
   */
  command_preview?: { available: boolean; reason: string | null }
  /** `approval` while a person must decide, `password` while sudo waits for one. */
  kind: 'approval' | 'password'
  created_at: string
}

/** One file a task changed (file tools), as its Changes view shows it. */
export interface FileChange {
  change_id: string
  task_id: string
  /** The changed path; empty for a `command` entry. */
  path: string
  /**
   * `deleted` comes from an applied command preview; `command` marks a command a person
   * approved to run directly, whose changes Duck cannot know (never undoable).
   */
  kind: 'created' | 'modified' | 'deleted' | 'command'
  /** Absent for files; `folder` or `symlink` otherwise. */
  type?: 'folder' | 'symlink'
  added: number
  removed: number
  /** The unified diff of the change (empty for binary files, folders and commands). */
  diff: string
  /** True while the change is undone. */
  undone: boolean
  /** False when "Undo this task" cannot restore it; `not_undoable_reason` says why. */
  undoable: boolean
  not_undoable_reason?: string
  /** `command` entries: the command line that ran. */
  command?: string
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
  /** What this undo could not cover (commands that ran directly, dropped copies), and why. */
  not_undoable?: { path: string; reason: string }[]
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
  /** Oldest first: every message, or with `limit` / `before` one page of the newest. */
  messages: MessageRecord[]
  /** Only when paged (`limit` or `before` given): whether older messages remain. */
  has_more?: boolean
  /** Only when paged: the `before` that reads the next older page (the oldest message here), or null. */
  next_before?: string | null
  /** Only with `include=events`: each returned task's persisted events, by seq. */
  task_events?: Record<string, TaskEventRecord[]>
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
  /** File tools (`tool` is `file_write` / `file_edit`, `command` the path): bytes written; null before. */
  bytes?: number | null
}

export interface AuditRecord {
  audit_id: string
  event_type: 'command_audit'
  created_at: string
  payload: AuditPayload
}

/** A page of the audit (IPC; over HTTP the array is the body and the cursor the `X-Next-Cursor` header). */
export interface AuditPage {
  items: AuditRecord[]
  /** `before` for the next, older page; null on the last page. */
  next_cursor: string | null
}

export interface ApprovalRule {
  rule_id: string
  tool: string
  pattern: string
  /**
   * Shell rules narrowed to arguments: a pattern over the command's words (`*` any characters,
   * `\*` a star); null when the rule covers the program with any arguments.
   */
  args: string | null
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

/** One path a previewed command would change (relative to the workspace). */
export interface PreviewedFile {
  path: string
  kind: 'created' | 'changed' | 'deleted'
  /** Absent for files. */
  type?: 'folder' | 'symlink'
  /** A link's target. */
  link?: string
  added: number
  removed: number
  /** Unified diff for text files; empty for binary files, folders and links. */
  diff: string
  /** The diff with the whole file as context (see `FilePreview.whole_diff`). */
  whole_diff?: string
  /** True when the file is binary or too big to diff. */
  binary?: boolean
  /** A mode change, e.g. `644 → 755`. */
  mode?: string
  bytes: number
}

/**
 * A command's run against a copy-on-write overlay of the workspace (`POST
 * /v1/approvals/{id}/preview`): what it would change, before anything real changes.
 */
export interface CommandPreview {
  approval_id: string
  /** `unavailable`: no overlay here (`reason` says why); `failed`: it could not finish (timed out, …). */
  status: 'ready' | 'failed' | 'unavailable' | 'applied' | 'discarded'
  reason?: string
  exit_code: number | null
  output: string
  timed_out: boolean
  files: PreviewedFile[]
  /** What the preview cannot show (the network, the world outside the workspace). */
  notes: string[]
  /** Apply found paths changed since the preview (nothing was applied). */
  conflicts?: { path: string; reason: string }[]
  /** Once applied: the task's change entries it made (`GET /v1/tasks/{id}/changes`). */
  applied_changes?: string[]
  duration_ms: number
}
