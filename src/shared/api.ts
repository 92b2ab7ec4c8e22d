/**
 * `DuckApi`: the one interface both transports implement — IPC in Electron (preload) and
 * HTTP + SSE against the headless server (browser, tests, scripts). Grouped by domain.
 */
import type {
  ApprovalResult,
  ApprovalRule,
  AuditPage,
  AuditRecord,
  CancelResult,
  CommandPreview,
  ConversationDetail,
  ConversationSummary,
  ErrorCode,
  ExperienceRecord,
  FileChange,
  Health,
  MemoryResults,
  ModelList,
  PendingApproval,
  Settings,
  SkillInfo,
  TaskEventRecord,
  TaskInfo,
  UndoResult
} from './dto'
import type { CatalogQuery, DownloadAction, DownloadInfo, EngineStatus, InstalledModel, ModelCatalog } from './engine'
import type { DoneEvent, StreamEvent } from './events'
import type { McpConfigInput, McpServersInfo } from './mcp'
import type {
  ApprovalDecision,
  AuditExportQuery,
  AuditQuery,
  ChatRequest,
  ContinueRequest,
  ConversationQuery,
  ExperienceQuery,
  ForgetMemory,
  ListConversationsQuery,
  MemoryQuery,
  PasswordRequest,
  RuleScope,
  SettingsUpdate
} from './schemas'

export type EventListener = (event: StreamEvent) => void
export type Unsubscribe = () => void

export interface AuditExportOptions {
  /** After each chunk: rows so far and the total; returning false stops the export (it then rejects with `cancelled`). */
  onProgress?: (rows: number, total: number) => boolean | void
}

export interface AuditExportResult {
  /** The file's text in pieces (make a Blob of them). */
  parts: string[]
  rows: number
  total: number
  filename: string
  type: string
}

export interface StreamOptions {
  /** Aborts the transport; the task itself is stopped with `tasks.cancel`. */
  signal?: AbortSignal
}

export interface DuckApi {
  system: {
    health(): Promise<Health>
  }
  chat: {
    /** Starts a task and delivers its events until `done`, which it resolves with. */
    send(request: ChatRequest, onEvent: EventListener, options?: StreamOptions): Promise<DoneEvent>
  }
  tasks: {
    get(taskId: string): Promise<TaskInfo>
    events(taskId: string): Promise<TaskEventRecord[]>
    /** The files the task changed with the file tools, oldest first. */
    changes(taskId: string): Promise<FileChange[]>
    /** Undoes the task's file changes, or re-applies them when all are undone. */
    undo(taskId: string): Promise<UndoResult>
    continue(
      taskId: string,
      request: ContinueRequest,
      onEvent: EventListener,
      options?: StreamOptions
    ): Promise<DoneEvent>
    password(
      taskId: string,
      request: PasswordRequest,
      onEvent: EventListener,
      options?: StreamOptions
    ): Promise<DoneEvent>
    cancel(taskId: string): Promise<CancelResult>
  }
  approvals: {
    pending(): Promise<PendingApproval[]>
    /** `scope` narrows an "Always allow" rule to this call's arguments (or a pattern over them). */
    decide(approvalId: string, decision: ApprovalDecision, scope?: RuleScope): Promise<ApprovalResult>
    /** Runs the pending command against an overlay of the workspace: what it would change. */
    preview(approvalId: string): Promise<CommandPreview>
    /** Replays a ready preview onto the workspace and allows the approval once. */
    applyPreview(approvalId: string): Promise<CommandPreview>
    /** Drops a ready preview; the approval stays open. */
    discardPreview(approvalId: string): Promise<CommandPreview>
    rules(): Promise<ApprovalRule[]>
    deleteRule(ruleId: string): Promise<void>
  }
  conversations: {
    list(query?: ListConversationsQuery): Promise<ConversationSummary[]>
    /** Every message; with `query`, a page of the newest (and, with `include: 'events'`, their tasks' events). */
    get(conversationId: string, query?: ConversationQuery): Promise<ConversationDetail>
    rename(conversationId: string, title: string): Promise<ConversationSummary>
    delete(conversationId: string): Promise<void>
  }
  audit: {
    /** The newest rows that match (one page; the array of `GET /v1/audit/commands`). */
    commands(query?: AuditQuery): Promise<AuditRecord[]>
    /** One page and the cursor of the next older one (`before`). */
    page(query?: AuditQuery): Promise<AuditPage>
    /** Every matching row as CSV or JSON lines, read in chunks with progress. */
    export(query?: AuditExportQuery, options?: AuditExportOptions): Promise<AuditExportResult>
  }
  memory: {
    list(query?: MemoryQuery): Promise<MemoryResults>
    delete(memoryId: string): Promise<void>
    forget(request: ForgetMemory): Promise<{ deleted: number }>
    experience(query?: ExperienceQuery): Promise<ExperienceRecord[]>
  }
  skills: {
    list(): Promise<SkillInfo[]>
  }
  settings: {
    get(): Promise<Settings>
    update(update: SettingsUpdate): Promise<Settings>
    /** The configured server's models, or with `baseUrl` another server's, saving nothing (a probe). */
    models(baseUrl?: string): Promise<ModelList>
  }
  /** The built-in engine and its model manager. */
  engine: {
    /** The engine in use, its state, and what Duck found out about each role's model. */
    status(): Promise<EngineStatus>
    /** The recommended models with how well each fits this machine. */
    catalog(query?: CatalogQuery): Promise<ModelCatalog>
    models(): Promise<InstalledModel[]>
    /** Adds a local `.gguf` file (its header is checked first). */
    importModel(path: string): Promise<InstalledModel>
    deleteModel(modelId: string): Promise<void>
    downloads(): Promise<DownloadInfo[]>
    download(catalogId: string): Promise<DownloadInfo>
    downloadAction(downloadId: string, action: DownloadAction): Promise<DownloadInfo>
  }
  /** MCP servers (`<data dir>/mcp.json`): their status and tools, and the person's changes and confirmations. */
  mcp: {
    servers(): Promise<McpServersInfo>
    /** Replaces the whole `mcpServers` map; new or changed servers wait for confirmation. */
    replace(config: McpConfigInput): Promise<McpServersInfo>
    /** Adds or replaces one server's entry. */
    put(name: string, entry: Record<string, unknown>): Promise<McpServersInfo>
    delete(name: string): Promise<void>
    /** Confirms the launch the person was shown (its fingerprint); the server then starts. */
    confirm(name: string, fingerprint: string): Promise<McpServersInfo>
    restart(name: string): Promise<McpServersInfo>
    stop(name: string): Promise<McpServersInfo>
    setTool(name: string, tool: string, enabled: boolean): Promise<McpServersInfo>
    /** Adds the servers of a `claude_desktop_config.json` (unconfirmed). */
    importConfig(path: string): Promise<McpServersInfo>
  }
}

/** An error any DuckApi call may reject with; the same codes as the HTTP error body. */
export class DuckApiError extends Error {
  readonly code: ErrorCode
  readonly status: number

  constructor(code: ErrorCode, message: string, status = statusForCode(code)) {
    super(message)
    this.name = 'DuckApiError'
    this.code = code
    this.status = status
  }
}

export function statusForCode(code: ErrorCode): number {
  switch (code) {
    case 'invalid_input':
      return 400
    case 'unauthorized':
      return 401
    case 'forbidden':
      return 403
    case 'not_found':
      return 404
    case 'conflict':
      return 409
    case 'payload_too_large':
      return 413
    case 'model_unavailable':
      return 502
    case 'internal':
      return 500
  }
}
