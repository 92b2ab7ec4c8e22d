/**
 * The event contract: every change the UI sees during a task is one `DuckEvent`.
 * Field names are snake_case on the wire (see docs/architecture.md and the API contract).
 */

export const RISK_LEVELS = ['none', 'low', 'medium', 'high'] as const
export type RiskLevel = (typeof RISK_LEVELS)[number]

export const ACTION_TYPES = [
  'system_info',
  'package_check',
  'file_read',
  'file_write',
  'network',
  'process',
  'package_install',
  'privileged',
  'unknown'
] as const
export type ActionType = (typeof ACTION_TYPES)[number]
/**
 * What any tool call is classified as: the command policy's action types, plus `mcp` (a tool
 * of an MCP server). The command policy itself only ever produces an `ActionType`.
 */
export const TOOL_ACTION_TYPES = [...ACTION_TYPES, 'mcp'] as const
export type ToolActionType = (typeof TOOL_ACTION_TYPES)[number]

export const RUNTIME_STAGES = [
  'planning',
  'running_tool',
  'waiting_for_approval',
  'waiting_for_password',
  'thinking'
] as const
export type RuntimeStage = (typeof RUNTIME_STAGES)[number]

export const TASK_STATUSES = [
  'running',
  'waiting_for_approval',
  'waiting_for_password',
  'completed',
  'failed',
  'cancelled'
] as const
export type TaskStatus = (typeof TASK_STATUSES)[number]

/** Where a stream leaves its task: every status but `running`. */
export type DoneStatus = Exclude<TaskStatus, 'running'>

export interface GenerationStats {
  output_tokens: number
  ttft_ms: number | null
  duration_ms: number
  min_tokens_per_second: number | null
  avg_tokens_per_second: number | null
  max_tokens_per_second: number | null
  /** True when the answer was cut off by a length or context limit. */
  truncated: boolean
}

export interface EventBase {
  task_id: string
  conversation_id: string
  seq: number
}

export interface RuntimeStatusEvent extends EventBase {
  type: 'runtime_status'
  stage: RuntimeStage
  /** The tool being run when stage is `running_tool`. */
  tool?: string
}
export interface ReasoningDeltaEvent extends EventBase {
  type: 'reasoning_delta'
  delta: string
}
export interface ContentDeltaEvent extends EventBase {
  type: 'content_delta'
  delta: string
}
export interface ToolCallStartedEvent extends EventBase {
  type: 'tool_call_started'
  call_id: string
  tool: string
  args: Record<string, unknown>
  reason: string
  risk_level: RiskLevel
  action_type: ToolActionType
}
export interface ToolCallFinishedEvent extends EventBase {
  type: 'tool_call_finished'
  call_id: string
  tool: string
  ok: boolean
  output: string
  exit_code?: number | null
  /** Shell calls: the sandbox profile it ran under (`read_only`, `workspace_write`) or `none` (unconfined). */
  sandbox?: 'read_only' | 'workspace_write' | 'none'
  duration_ms: number
}
/** What a file tool would change: the approval shows it before anything is written. */
export interface FilePreview {
  path: string
  /** A unified diff of the file before and after (`/dev/null` before a new file). */
  diff: string
  /**
   * The same diff with the whole file as context ("View whole file"); absent when the file is
   * too long to show whole (over 5,000 lines) or the diff already shows all of it.
   */
  whole_diff?: string
  added: number
  removed: number
  /** The file does not exist yet. */
  created: boolean
}

export interface ToolApprovalRequestedEvent extends EventBase {
  type: 'tool_approval_requested'
  approval_id: string
  tool: string
  args: Record<string, unknown>
  reason: string
  risk_level: RiskLevel
  action_type: ToolActionType
  outside_workspace: string[]
  /** The rule "Always allow" would create, or null where none may be created (sudo). */
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
  status: 'waiting_for_approval'
}
export interface ToolPasswordRequestedEvent extends EventBase {
  type: 'tool_password_requested'
  approval_id: string
  tool: string
  command: string
  /** Tries left before the task gives up; 3 on the first request. */
  attempts_left: number
  /** Set after a wrong password. */
  error?: string
  status: 'waiting_for_password'
}
export interface ErrorEvent extends EventBase {
  type: 'error'
  code: string
  message: string
}
export interface DoneEvent extends EventBase {
  type: 'done'
  status: DoneStatus
  generation_stats: GenerationStats
}

/** Events only the persisted log holds: they happen after the stream's done. */
export interface MemoryPolicyDecisionEvent extends EventBase {
  type: 'memory_policy_decision'
  should_store: boolean
  memory_type: string
  summary: string
  importance: number
  scope: 'workspace' | 'global'
}
export interface MemoryStoredEvent extends EventBase {
  type: 'memory_stored'
  memory_id: string
  merged: boolean
}
export interface ReflectionCompletedEvent extends EventBase {
  type: 'reflection_completed'
  experience_id: string
  lesson: string
}
export interface PostTaskFailedEvent extends EventBase {
  type: 'memory_policy_failed' | 'memory_store_failed' | 'reflection_failed'
  message: string
}
export interface CommandAuditEvent extends EventBase {
  type: 'command_audit'
  audit_id: string
  command: string
  risk_level: RiskLevel
  action_type: ToolActionType
  approved: boolean
  decision: AuditDecision
  exit_code: number | null
  workspace: string
  sandbox: 'read_only' | 'workspace_write' | 'none' | null
  /** MCP calls (see AuditPayload). */
  tool?: string
  is_error?: boolean | null
  duration_ms?: number | null
}

/** A file tool changed a file (the task's Changes view lists them; undo restores them). */
export interface FileChangedEvent extends EventBase {
  type: 'file_changed'
  change_id: string
  path: string
  /** `deleted` and `command` (ran directly, not undoable) come from shell commands. */
  kind: 'created' | 'modified' | 'deleted' | 'command'
  /** Absent for files; `folder` or `symlink` otherwise. */
  entry?: 'folder' | 'symlink'
  /** False when the task's undo cannot restore it. */
  undoable?: boolean
  added: number
  removed: number
}

export const AUDIT_DECISIONS = ['auto_allowed', 'allowed_once', 'allowed_always', 'denied', 'pending'] as const
export type AuditDecision = (typeof AUDIT_DECISIONS)[number]

/**
 * Events a task stream carries. `command_audit` goes out too (the audit row of each shell
 * command as it is proposed, decided and finished), so the stream's seq has no holes.
 */
export type StreamEvent =
  | CommandAuditEvent
  | FileChangedEvent
  | RuntimeStatusEvent
  | ReasoningDeltaEvent
  | ContentDeltaEvent
  | ToolCallStartedEvent
  | ToolCallFinishedEvent
  | ToolApprovalRequestedEvent
  | ToolPasswordRequestedEvent
  | ErrorEvent
  | DoneEvent

export type DuckEvent =
  StreamEvent | MemoryPolicyDecisionEvent | MemoryStoredEvent | ReflectionCompletedEvent | PostTaskFailedEvent

export type DuckEventType = DuckEvent['type']

/** Distributes Omit over a union, so each member keeps its own fields. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** An event before the bus stamps it with ids and a sequence number. */
export type EventDraft = DistributiveOmit<StreamEvent, keyof EventBase>
export type PersistedDraft = DistributiveOmit<DuckEvent, keyof EventBase>
