/** The window's view of tasks and conversations: what the store holds and components render. */
import type {
  ApprovalRule,
  AuditRecord,
  ConversationSummary,
  ExperienceRecord,
  MemoryRecord,
  MessageRecord,
  ModelInfo,
  PendingApproval,
  Settings,
  SkillInfo
} from '../../../shared/dto'
import type { DownloadInfo, EngineStatus, InstalledModel, ModelCatalog } from '../../../shared/engine'
import type { ToolActionType, GenerationStats, RiskLevel, RuntimeStage, TaskStatus } from '../../../shared/events'
import type { McpServersInfo } from '../../../shared/mcp'
import type { ReasoningMode } from '../../../shared/schemas'
import type { Transport } from '../bridge'

export type View = 'chat' | 'audit' | 'memory' | 'skills' | 'settings'

/** The tabs of Settings: the model and behaviour, and the tools of MCP servers. */
export type SettingsTab = 'general' | 'tools'

export interface ToolCallView {
  call_id: string
  tool: string
  args: Record<string, unknown>
  reason: string
  risk_level: RiskLevel
  action_type: ToolActionType
  running: boolean
  ok: boolean | null
  output: string | null
  exit_code: number | null | undefined
  /** Shell calls: the sandbox profile it ran under, or `none` (unconfined). */
  sandbox?: 'read_only' | 'workspace_write' | 'none' | undefined
  duration_ms: number | null
}

/** An approval the window shows: the pending item of the API, less its bookkeeping. */
export type ApprovalRequest = Omit<PendingApproval, 'kind' | 'created_at'>

/** What the password sheet shows. Never the password itself. */
export interface PasswordRequestView {
  approval_id: string
  task_id: string
  conversation_id: string
  tool: string
  command: string
  attempts_left: number | null
  error: string | null
}

export interface FileChangeView {
  change_id: string
  path: string
  kind: 'created' | 'modified' | 'deleted' | 'command'
  entry?: 'folder' | 'symlink'
  /** False for what the task's undo cannot restore (a command that ran directly). */
  undoable?: boolean
  added: number
  removed: number
}

export interface TaskView {
  task_id: string
  conversation_id: string
  /** The person's message that started the task. */
  request: string
  content: string
  reasoning: string
  status: TaskStatus
  stage: RuntimeStage | null
  stage_tool: string | null
  tools: ToolCallView[]
  /** Files the task changed with the file tools (undone together with "Undo this task"). */
  changes: FileChangeView[]
  approval: ApprovalRequest | null
  password: PasswordRequestView | null
  error: { code: string; message: string } | null
  /** What this window did about the task and why (e.g. stopped it after a conflicting decision). */
  notice: string | null
  stats: GenerationStats | null
  /** The highest seq applied; events at or below it are ignored. */
  last_seq: number
  /** A seq was skipped: the conversation is re-read from the server when the stream ends. */
  gap: boolean
  /** performance.now() of the first reasoning delta and of the end of reasoning (live only). */
  think_started: number | null
  think_ended: number | null
  /** A stream of this window is attached to the task. */
  live: boolean
}

export type ThreadItem = { kind: 'task'; task_id: string } | { kind: 'message'; message: MessageRecord }

/** A thread item's stable key (tasks and messages apart, so ids never collide). */
export function threadItemKey(item: ThreadItem): string {
  return item.kind === 'task' ? `t:${item.task_id}` : `m:${item.message.message_id}`
}

export interface ThreadView {
  conversation_id: string
  title: string
  workspace: string
  items: ThreadItem[]
  status: 'loading' | 'ready' | 'error'
  error: string | null
  /** Older messages than the first item, read a page at a time (absent: none known). */
  older?: OlderMessages
}

export interface OlderMessages {
  /** The `before` cursor of the next older page. */
  cursor: string
  status: 'idle' | 'loading' | 'error'
  error: string | null
}

/** A message sent whose task has not reported back yet. */
export interface PendingSend {
  request: string
  workspace: string
  error: string | null
}

export interface ConnectionSlice {
  connection: {
    status: 'checking' | 'connected' | 'disconnected' | 'signed_out'
    transport: Transport | null
    version: string | null
    message: string | null
  }
}

export interface ModelSlice {
  settings: Settings | null
  models: ModelInfo[] | null
  modelStatus: 'unknown' | 'checking' | 'ok' | 'unreachable'
  modelError: string | null
}

/** The built-in engine and its model manager (loaded where shown; downloads polled while active). */
export interface EngineSlice {
  engineStatus: Loadable<EngineStatus | null>
  catalog: Loadable<ModelCatalog | null>
  installed: Loadable<InstalledModel[]>
  downloads: Loadable<DownloadInfo[]>
}

export interface UiSlice {
  view: View
  sidebarCollapsed: boolean
  sidebarWidth: number
  activeConversationId: string | null
  /** The workspace for new chats (remembered in localStorage). */
  workspace: string
  /** This window's reasoning choice; null follows the default from Settings. */
  reasoning: ReasoningMode | null
  /** The Settings tab last shown. */
  settingsTab: SettingsTab
}

export interface ConversationsSlice {
  conversations: ConversationSummary[]
  conversationQuery: string
  conversationsStatus: 'idle' | 'loading' | 'ready' | 'error'
  conversationsError: string | null
}

export interface ChatSlice {
  threads: Record<string, ThreadView>
  tasks: Record<string, TaskView>
  /** Composer drafts by conversation id ('new' for a new chat). */
  drafts: Record<string, string>
  /** Sends waiting for their first event, by conversation key. */
  sending: Record<string, PendingSend>
  /** Approvals this window is deciding (the dialog closes; a password sheet shows "Checking…"). */
  deciding: Record<string, true>
  /** Approvals found decided elsewhere: their dialogs stay closed even if a re-read task still waits. */
  settled: Record<string, true>
  /** An approval decision that failed, shown in the dialog. */
  approvalError: string | null
}

/** Data a view loads when it opens: rows, plus whether it is loading or failed. */
export interface Loadable<T> {
  data: T
  status: 'idle' | 'loading' | 'ready' | 'error'
  error: string | null
}

export interface LibrarySlice {
  audit: Loadable<AuditRecord[]>
  memories: Loadable<MemoryRecord[]>
  lessons: Loadable<ExperienceRecord[]>
  skills: Loadable<SkillInfo[]>
  rules: Loadable<ApprovalRule[]>
}

/** MCP servers: their status and tools (Settings → Tools; the approval card reads a tool's annotations). */
export interface McpSlice {
  mcp: Loadable<McpServersInfo | null>
}

export type DuckState = ConnectionSlice &
  ModelSlice &
  EngineSlice &
  UiSlice &
  ConversationsSlice &
  ChatSlice &
  LibrarySlice &
  McpSlice

export const NEW_CHAT = 'new'
