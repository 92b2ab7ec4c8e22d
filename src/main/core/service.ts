import { realpathSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, isAbsolute, join, sep } from 'node:path'
import { DuckApiError } from '../../shared/api'
import type { AuditExportChunkAnswer } from '../../shared/audit-export'
import { AUDIT_CSV_HEADER, auditCsvRow, csvLine } from '../../shared/csv'
import type {
  ApprovalResult,
  ApprovalRule,
  AuditPage,
  AuditRecord,
  CancelResult,
  CommandPreview,
  ConversationDetail,
  ConversationSummary,
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
} from '../../shared/dto'
import type { DownloadInfo, EngineStatus, InstalledModel, ModelCatalog } from '../../shared/engine'
import type { DoneEvent } from '../../shared/events'
import {
  ApprovalDecisionSchema,
  RuleScopeSchema,
  AuditExportQuerySchema,
  AuditQuerySchema,
  ChatRequestSchema,
  ContinueRequestSchema,
  ExperienceQuerySchema,
  ForgetMemorySchema,
  IdSchema,
  ConversationQuerySchema,
  ListConversationsQuerySchema,
  MemoryQuerySchema,
  ModelsQuerySchema,
  PasswordRequestSchema,
  RenameConversationSchema,
  SettingsUpdateSchema,
  ROLES,
  describeZodError,
  type ModelRole
} from '../../shared/schemas'
import type { z } from 'zod'
import type { StreamListener } from './agent/emitter'
import type { PromptContext } from './agent/prompts'
import { TaskRunner } from './agent/runner'
import type { EnvConfig } from './config/env'
import { MODEL_API_KEY_ACCOUNT, MemorySecretStore, type SecretStore } from './config/secrets'
import { effectiveSettings, saveSettings, toSettingsDto, type EffectiveSettings } from './config/settings'
import { BuiltinEngine } from './engine/builtin-engine'
import type { EngineProcessFactory } from './engine/process'
import { memoryContext, type ContextProvider } from './memory/context'
import * as memoryLibrary from './memory/library'
import { PostTaskQueue } from './memory/post-task'
import { isModelError, ModelError } from './model/errors'
import { ModelClient } from './model/model-client'
import type { ChatModel } from './model/types'
import { ModelManager } from './models/manager'
import { McpManager } from './mcp/manager'
import { describeMcpRule } from './mcp/audit-text'
import { instructionsContext } from './mcp/context'
import { isMcpToolName } from './mcp/tool'
import { createSandbox } from './sandbox/sandbox'
import {
  McpConfigInputSchema,
  McpConfirmSchema,
  McpImportSchema,
  McpServerEntryInputSchema,
  McpServerNameSchema,
  McpToolToggleSchema,
  type McpServersInfo
} from '../../shared/mcp'
import { argsPatternProblem, describeNarrowRule, describeRule, exactPattern, tildify } from './policy/rules'
import { lessonContext } from './reflection/context'
import { findAppRoot, SkillCatalog, skillFolders } from './skills/catalog'
import { skillContext } from './skills/context'
import * as approvalsRepo from './store/approvals-repo'
import * as auditRepo from './store/audit-repo'
import * as conversations from './store/conversations-repo'
import { closeDatabase, openDatabase, type Db } from './store/database'
import * as tasks from './store/tasks-repo'
import { ChangeLog } from './tools/change-log'
import { CommandPreviews, PreviewError } from './tools/command-preview'
import { ToolRegistry, type ToolOptions } from './tools/registry'
import { DUCK_VERSION } from './version'

export interface DuckServiceOptions {
  env: EnvConfig
  userDataDir: string
  /** A better-sqlite3 binding for the running runtime (Electron). */
  nativeBinding?: string
  /** Where the model API key is kept (the OS keychain in the app). Default: memory. */
  secrets?: SecretStore
  tools?: ToolOptions
  /** Model client timeouts (tests shorten them). */
  modelTimeouts?: { timeoutMs?: number; idleTimeoutMs?: number; firstChunkTimeoutMs?: number }
  maxRounds?: number
  /**
   * Skill folders, lowest precedence first: the first holds the built-in skills, the others
   * are the user's. Default: `<app root>/resources/skills`, then `<userDataDir>/skills`.
   */
  skillsDirs?: string[]
  /** How long close() lets post-task learning finish before recording it as interrupted (default 2 s). */
  postTaskShutdownMs?: number
  /** The bound on the kept copies of changed files (default 512 MiB; oldest tasks go first). */
  changeStoreMaxBytes?: number
  /** How the built-in engine's worker is started (Electron: a utility process). Default: a child process. */
  engineProcess?: EngineProcessFactory
  /** Threads the built-in engine decodes with (default: half the cores, at least one). */
  engineThreads?: number
  /** The model catalog file. Default: DUCK_MODEL_CATALOG, else `<app root>/resources/models/catalog.json`. */
  catalogPath?: string
  /** MCP servers: read the login shell's PATH (default true), the restart backoff's first delay (1 s). */
  mcp?: { loginShellPath?: boolean; restartBaseMs?: number; restartMaxMs?: number }
}

function defaultCatalogPath(): string {
  const root = findAppRoot()
  return join(root ?? process.cwd(), 'resources', 'models', 'catalog.json')
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function roleName(role: ModelRole): string {
  return role === 'action'
    ? 'planner'
    : role === 'thinker'
      ? 'answer'
      : role === 'memory_policy'
        ? 'memory policy'
        : 'critic'
}

/** Rows per chunk of an audit export (one keyset query each). */
export const AUDIT_EXPORT_CHUNK = 2000

export interface AuditExportChunk {
  text: string
  /** Audit rows in this chunk (0 for the CSV header). */
  rows: number
}

export interface AuditExport {
  /** Rows that match when the export starts (what a progress bar counts to). */
  total: number
  format: 'csv' | 'jsonl'
  contentType: string
  filename: string
  chunks: Generator<AuditExportChunk>
}

function formatAudit(format: 'csv' | 'jsonl', records: AuditRecord[]): string {
  let text = ''
  if (format === 'csv') for (const r of records) text += csvLine(auditCsvRow(r))
  else for (const r of records) text += JSON.stringify(r) + '\n'
  return text
}

function exportFile(format: 'csv' | 'jsonl'): { contentType: string; filename: string } {
  return {
    contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    filename: `duck-audit-${new Date().toISOString().slice(0, 10)}.${format}`
  }
}

export function parseInput<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value ?? {})
  if (!parsed.success) throw new DuckApiError('invalid_input', describeZodError(parsed.error))
  return parsed.data
}

function parseId(value: unknown, what: string): string {
  const parsed = IdSchema.safeParse(value)
  if (!parsed.success) throw new DuckApiError('not_found', `No ${what} ${String(value).slice(0, 80)}.`)
  return parsed.data
}

/** Resolves a workspace the user named to the real path of an existing folder. */
export function resolveWorkspace(input: string): string {
  const expanded = input === '~' ? homedir() : input.startsWith('~/') ? join(homedir(), input.slice(2)) : input
  // Not path.resolve(): it collapses "missing/.." as text. The OS walks each component, so a
  // folder that does not exist cannot be stepped out of.
  const absolute = isAbsolute(expanded) ? expanded : `${process.cwd()}${sep}${expanded}`
  let real: string
  try {
    real = realpathSync.native(absolute)
  } catch {
    throw new DuckApiError('invalid_input', `workspace: the folder ${input} does not exist.`)
  }
  if (!statSync(real).isDirectory()) throw new DuckApiError('invalid_input', `workspace: ${input} is not a folder.`)
  return real
}

/** A paging cursor the audit gave out (`field` names it in the error), or none when absent. */
function auditCursor(token: unknown, field: string): auditRepo.AuditCursor | undefined {
  if (token === undefined || token === null) return undefined
  const decoded = typeof token === 'string' ? auditRepo.decodeAuditCursor(token) : null
  if (!decoded) throw new DuckApiError('invalid_input', `${field}: is not a cursor this server gave out.`)
  return decoded
}

function mcpName(value: unknown): string {
  const parsed = McpServerNameSchema.safeParse(value)
  if (!parsed.success) throw new DuckApiError('not_found', `No MCP server named ${String(value).slice(0, 80)}.`)
  return parsed.data
}

/**
 * The one façade over Duck's core. The HTTP routes and the IPC handlers are thin adapters
 * over this class; a feature is added here once and both transports get it. Every method
 * validates its input with the shared schemas.
 */
export class DuckService {
  readonly db: Db
  readonly env: EnvConfig
  readonly userDataDir: string
  readonly secrets: SecretStore
  readonly runner: TaskRunner
  private readonly tools: ToolRegistry
  private readonly skills: SkillCatalog
  private readonly postTask: PostTaskQueue
  private readonly changes: ChangeLog
  private readonly previews: CommandPreviews
  /** Previews running now, by approval (a cancelled task or close() stops them). */
  private readonly runningPreviews = new Map<string, { taskId: string; controller: AbortController }>()
  readonly models: ModelManager
  readonly mcp: McpManager
  private client: { key: string; client: ChatModel } | null = null
  /** The secret store's answer for the API key (see `apiKey`). */
  private storedApiKey: Promise<string | null> | null = null
  private engineState: Pick<EngineStatus, 'state' | 'model' | 'error'> = { state: 'idle', model: null, error: null }
  private closed = false
  /** Extra prompt context providers (memory, lessons, skills). */
  private contextProviders: { provider: ContextProvider; plannerOnly: boolean }[] = []
  private completedHooks: ((taskId: string) => void)[] = []

  constructor(private readonly options: DuckServiceOptions) {
    this.env = options.env
    this.userDataDir = options.userDataDir
    this.secrets = options.secrets ?? new MemorySecretStore()
    this.db = openDatabase(options.env.dbPath, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {})
    // Commands never see Duck's data folder (its database, logs, models, the API token).
    const hiddenPaths = [options.userDataDir, dirname(options.env.dbPath)]
    // MCP servers: started in the background; their tools join the catalog once ready. A stdio
    // server runs under the command sandbox unless its entry says otherwise.
    // One sandbox for commands, their previews and MCP servers (its probe runs once).
    const sandbox = options.tools?.sandbox ?? createSandbox({ hidden: hiddenPaths })
    this.mcp = new McpManager({
      db: this.db,
      configPath: options.env.mcpConfig ?? join(options.userDataDir, 'mcp.json'),
      sandbox,
      ...options.mcp
    })
    this.tools = new ToolRegistry({
      hiddenPaths,
      sandbox,
      extraTools: { list: () => this.mcp.tools(), find: (name) => this.mcp.find(name) },
      ...options.tools
    })
    this.models = new ModelManager({
      db: this.db,
      modelsDir: options.env.modelsDir,
      catalogPath: options.catalogPath ?? options.env.modelCatalog ?? defaultCatalogPath(),
      inUse: (modelId: string) => this.modelInUse(modelId)
    })
    this.changes = new ChangeLog(this.db, join(options.userDataDir, 'changes'), options.changeStoreMaxBytes)
    this.previews = new CommandPreviews(this.db, join(options.userDataDir, 'previews'), this.changes, {
      sandbox,
      ...(options.tools?.shellTimeoutMs ? { timeoutMs: options.tools.shellTimeoutMs } : {})
    })
    this.runner = new TaskRunner({
      db: this.db,
      tools: this.tools,
      changes: this.changes,
      previews: this.previews,
      model: () => this.modelClient(),
      ...(options.maxRounds ? { maxRounds: options.maxRounds } : {}),
      context: (input) => this.promptContext(input),
      onCompleted: (taskId) => {
        for (const hook of this.completedHooks) hook(taskId)
      }
    })
    this.runner.recoverInterrupted()

    // Learning: the active skill, lessons and memories go into the prompts as reference;
    // after a completed task the memory policy and the critic run in the background.
    const learning = () => effectiveSettings(this.db, this.env)
    this.skills = new SkillCatalog(skillFolders(options.userDataDir, options.skillsDirs))
    this.postTask = new PostTaskQueue({ db: this.db, model: () => this.modelClient(), settings: learning })
    // The skill and the lessons shape the plan; memories matter to the answer too.
    this.addContextProvider(skillContext(this.skills), { plannerOnly: true })
    this.addContextProvider(lessonContext(this.db, learning), { plannerOnly: true })
    this.addContextProvider(memoryContext(this.db, learning))
    this.addContextProvider(instructionsContext(this.mcp), { plannerOnly: true })
    this.onTaskCompleted((taskId) => this.postTask.enqueue(taskId))
    // Learning a crash cut off runs again (once), or is recorded as interrupted.
    this.postTask.recover()
  }

  health(): Health {
    return { status: 'ok', version: DUCK_VERSION }
  }

  // -- extension points for memory, reflection and skills --------------------------------

  addContextProvider(provider: ContextProvider, options: { plannerOnly?: boolean } = {}): void {
    this.contextProviders.push({ provider, plannerOnly: options.plannerOnly ?? false })
  }

  onTaskCompleted(hook: (taskId: string) => void): void {
    this.completedHooks.push(hook)
  }

  private async promptContext(input: { workspace: string; request: string; taskId: string }): Promise<PromptContext> {
    const context: PromptContext = { reference: [], plannerReference: [] }
    for (const { provider, plannerOnly } of this.contextProviders) {
      const blocks = await provider(input)
      ;(plannerOnly ? context.plannerReference : context.reference).push(...blocks)
    }
    return context
  }

  // -- model -----------------------------------------------------------------------------

  /**
   * The model API key: the environment's, else the secret store's. The store is asked once and
   * its answer kept (a keychain read is an IPC round trip on every task otherwise) until the key
   * is changed through the settings; a failed read is not kept, so the next task asks again.
   */
  async apiKey(): Promise<string | null> {
    if (this.env.modelApiKey) return this.env.modelApiKey
    if (this.storedApiKey) return this.storedApiKey
    const read: Promise<string | null> = this.secrets.get(MODEL_API_KEY_ACCOUNT).catch(() => {
      if (this.storedApiKey === read) this.storedApiKey = null
      return null
    })
    this.storedApiKey = read
    return read
  }

  /** A one-off client for another server (the Connect-a-model probe), with the saved API key. */
  private async probeClient(baseUrl: string): Promise<ModelClient> {
    const settings = effectiveSettings(this.db, this.env)
    const apiKey = await this.apiKey()
    return new ModelClient({
      baseURL: baseUrl.replace(/\/+$/, ''),
      ...(apiKey ? { apiKey } : {}),
      models: settings.models
    })
  }

  /** The model the agent uses now: the built-in engine or the configured server. */
  async modelClient(): Promise<ChatModel> {
    const settings = effectiveSettings(this.db, this.env)
    if (settings.engine === 'builtin') return this.builtinEngine(settings)
    const apiKey = await this.apiKey()
    const key = JSON.stringify(['server', settings.modelBaseUrl, settings.models, apiKey])
    if (this.client?.key !== key) {
      void this.client?.client.close()
      this.client = {
        key,
        client: new ModelClient({
          baseURL: settings.modelBaseUrl,
          ...(apiKey ? { apiKey } : {}),
          models: settings.models,
          ...this.options.modelTimeouts
        })
      }
    }
    return this.client.client
  }

  /** The model file each role uses: its own choice, else the answer's, the planner's, or the only model. */
  private engineModelPaths(settings: EffectiveSettings): Record<ModelRole, string> {
    const chosen = {} as Record<ModelRole, string | null>
    for (const role of ROLES) {
      const choice = settings.engineModels[role]
      if (choice === null) chosen[role] = null
      else if (choice.kind === 'file') chosen[role] = choice.path
      else {
        const model = this.models.get(choice.id)
        if (!model) {
          throw new ModelError(
            'engine_no_model',
            `The model chosen for the ${roleName(role)} is no longer installed. Choose another in Settings → Model.`
          )
        }
        chosen[role] = model.path
      }
    }
    const installed = this.models.installed()
    const fallback =
      chosen.thinker ?? chosen.action ?? ROLES.map((r) => chosen[r]).find((p) => p !== null) ?? installed[0]?.path
    if (fallback === undefined || fallback === null) {
      throw new ModelError(
        'engine_no_model',
        'The built-in engine has no model yet. Download one or import a .gguf file in Settings → Model.'
      )
    }
    const paths = {} as Record<ModelRole, string>
    for (const role of ROLES) {
      const planner = role === 'memory_policy' ? chosen.action : role === 'critic' ? chosen.thinker : null
      paths[role] = chosen[role] ?? planner ?? fallback
    }
    return paths
  }

  private builtinEngine(settings: EffectiveSettings): ChatModel {
    const paths = this.engineModelPaths(settings)
    const key = JSON.stringify(['builtin', paths, settings.engineContextLength])
    if (this.client?.key !== key) {
      void this.client?.client.close()
      this.engineState = { state: 'idle', model: paths.thinker, error: null }
      this.client = {
        key,
        client: new BuiltinEngine({
          models: paths,
          contextLength: settings.engineContextLength,
          ...(this.options.engineThreads !== undefined ? { threads: this.options.engineThreads } : {}),
          ...(this.options.engineProcess ? { spawn: this.options.engineProcess } : {}),
          onStatus: (status: Pick<EngineStatus, 'state' | 'model' | 'error'>) => {
            if (this.client?.key === key) this.engineState = status
          }
        })
      }
    }
    return this.client.client
  }

  private modelInUse(modelId: string): boolean {
    const model = this.models.get(modelId)
    if (!model || !this.client?.key.startsWith('["builtin"')) return false
    return this.client.key.includes(JSON.stringify(model.path)) && this.runner.hasLiveTasks()
  }

  // -- tasks -----------------------------------------------------------------------------

  async chat(input: unknown, listener: StreamListener): Promise<DoneEvent> {
    const request = parseInput(ChatRequestSchema, input)
    const workspace = resolveWorkspace(request.workspace)
    const settings = effectiveSettings(this.db, this.env)
    return this.runner.start(
      {
        message: request.message,
        workspace,
        ...(request.conversation_id ? { conversationId: request.conversation_id } : {}),
        options: { reasoning: request.reasoning ?? settings.defaultReasoning, debug: request.debug ?? false }
      },
      listener
    )
  }

  async continueTask(taskId: unknown, input: unknown, listener: StreamListener): Promise<DoneEvent> {
    const id = parseId(taskId, 'task')
    const request = parseInput(ContinueRequestSchema, input)
    return this.runner.continueAfterApproval(id, request.approval_id, listener)
  }

  async submitPassword(taskId: unknown, input: unknown, listener: StreamListener): Promise<DoneEvent> {
    const id = parseId(taskId, 'task')
    const request = parseInput(PasswordRequestSchema, input)
    return this.runner.submitPassword(id, request.approval_id, request.password, listener)
  }

  /** Throws what a task stream would be refused with, before a transport commits to a stream. */
  checkStreamable(kind: 'continue' | 'password', taskId: unknown, input: unknown): void {
    const id = parseId(taskId, 'task')
    if (kind === 'continue') this.runner.checkContinue(id, parseInput(ContinueRequestSchema, input).approval_id)
    else this.runner.checkPassword(id, parseInput(PasswordRequestSchema, input).approval_id)
  }

  checkChat(input: unknown): void {
    const request = parseInput(ChatRequestSchema, input)
    const workspace = resolveWorkspace(request.workspace)
    if (request.conversation_id) this.runner.checkStart(request.conversation_id, workspace)
  }

  cancelTask(taskId: unknown): CancelResult {
    const id = parseId(taskId, 'task')
    for (const running of this.runningPreviews.values()) {
      if (running.taskId === id) running.controller.abort()
    }
    const result = this.runner.cancel(id)
    return { task_id: result.task_id, status: result.status }
  }

  getTask(taskId: unknown): TaskInfo {
    const id = parseId(taskId, 'task')
    const info = tasks.taskInfo(this.db, id)
    if (!info) throw new DuckApiError('not_found', `No task ${id}.`)
    return info
  }

  taskEvents(taskId: unknown): TaskEventRecord[] {
    const info = this.getTask(taskId)
    return tasks.listEvents(this.db, info.task_id)
  }

  /** The files a task changed with the file tools. */
  taskChanges(taskId: unknown): FileChange[] {
    const info = this.getTask(taskId)
    return this.changes.list(info.task_id)
  }

  /** Undoes a task's file changes (or re-applies them when all are undone); never while it runs. */
  async undoTask(taskId: unknown): Promise<UndoResult> {
    const info = this.getTask(taskId)
    if (info.status === 'running') {
      throw new DuckApiError('conflict', `Task ${info.task_id} is still running; undo it when it has finished.`)
    }
    if (this.changes.list(info.task_id).length === 0) {
      throw new DuckApiError('conflict', `Task ${info.task_id} changed no files, so there is nothing to undo.`)
    }
    const result = await this.changes.undo(info.task_id)
    // The undo is the person's action: it is in the audit like the changes it reverses.
    const conflicts = result.conflicts.length
    auditRepo.insertAudit(this.db, `audit_${crypto.randomUUID()}`, {
      tool: result.action === 'undo' ? 'task_undo' : 'task_redo',
      command:
        `${result.action === 'undo' ? 'Undo' : 'Redo'} task ${info.task_id}: ${result.restored.length} restored` +
        (conflicts > 0 ? `, ${conflicts} left as they were (changed since)` : '') +
        (result.not_undoable?.length ? `, ${result.not_undoable.length} not undoable` : ''),
      risk_level: 'low',
      action_type: 'file_write',
      approved: true,
      decision: 'allowed_once',
      exit_code: null,
      task_id: info.task_id,
      workspace: info.workspace,
      conversation_id: info.conversation_id,
      sandbox: null
    })
    return result
  }

  // -- approvals -------------------------------------------------------------------------

  pendingApprovals(): PendingApproval[] {
    return approvalsRepo.listPending(
      this.db,
      (a, workspace) =>
        a.privileged || a.ruleKeys.length === 0
          ? null
          : isMcpToolName(a.tool)
            ? describeMcpRule(a.tool, tildify(workspace))
            : describeRule(a.tool, a.ruleKeys, workspace),
      (a, workspace) =>
        a.privileged || a.ruleKeys.length === 0 ? null : describeNarrowRule(a.tool, a.ruleParts, workspace)
    )
  }

  /**
   * Decides an approval. `scope` (for `allow_always`) narrows the rule: `{scope: 'arguments'}`
   * covers exactly this call's words, `{scope: 'arguments', args}` a pattern over them.
   */
  decideApproval(approvalId: unknown, decision: unknown, scope?: unknown): ApprovalResult {
    const id = parseId(approvalId, 'approval')
    const choice = parseInput(ApprovalDecisionSchema, decision)
    const ruleScope = parseInput(RuleScopeSchema, scope ?? {})
    const approval = approvalsRepo.getApproval(this.db, id)
    if (!approval) throw new DuckApiError('not_found', `No approval ${id}.`)
    if (approval.status !== 'pending') {
      throw new DuckApiError('conflict', `That approval was already decided (${approval.status}).`)
    }
    if (choice === 'allow_always' && (approval.privileged || approval.ruleKeys.length === 0)) {
      throw new DuckApiError(
        'conflict',
        approval.privileged
          ? 'Privileged commands (sudo, su, pkexec, doas) can never be always allowed; allow once instead.'
          : 'This call cannot be covered by a rule; allow it once instead.'
      )
    }
    const narrowed = choice === 'allow_always' && ruleScope.scope === 'arguments'
    if (narrowed && approval.ruleParts.length === 0) {
      throw new DuckApiError('invalid_input', 'scope: only shell commands can be narrowed to their arguments.')
    }
    if (narrowed && ruleScope.args !== undefined) {
      if (approval.ruleParts.length !== 1) {
        throw new DuckApiError('invalid_input', 'args: a pattern needs a command of one part; choose exact arguments.')
      }
      const problem = argsPatternProblem(ruleScope.args, (approval.ruleParts[0] as { words: string }).words)
      if (problem) throw new DuckApiError('invalid_input', problem)
    }
    if (!narrowed && ruleScope.scope === 'arguments') {
      throw new DuckApiError('invalid_input', 'scope: only "Always allow" can be narrowed to arguments.')
    }
    const status = choice === 'allow_once' ? 'allowed_once' : choice === 'allow_always' ? 'allowed_always' : 'denied'
    const task = tasks.taskInfo(this.db, approval.taskId)
    this.db.transaction(() => {
      approvalsRepo.setApprovalStatus(this.db, id, status)
      if (status === 'allowed_always' && task) {
        const rules = narrowed
          ? approval.ruleParts.map((p) => ({ pattern: p.key, args: ruleScope.args ?? exactPattern(p.words) }))
          : approval.ruleKeys.map((key) => ({ pattern: key, args: null }))
        for (const rule of rules) {
          approvalsRepo.insertRule(this.db, {
            id: `rule_${crypto.randomUUID()}`,
            tool: approval.tool,
            pattern: rule.pattern,
            args: rule.args,
            workspace: task.workspace
          })
        }
      }
      if (approval.auditId) {
        auditRepo.updateAudit(this.db, approval.auditId, { approved: status !== 'denied', decision: status })
      }
    })()
    return { approval_id: id, status }
  }

  // -- command previews ------------------------------------------------------------------

  /** The pending shell approval a preview is for (checked). */
  private previewable(approvalId: unknown): { approval: approvalsRepo.ApprovalRecord; workspace: string } {
    const id = parseId(approvalId, 'approval')
    const approval = approvalsRepo.getApproval(this.db, id)
    if (!approval) throw new DuckApiError('not_found', `No approval ${id}.`)
    if (approval.tool !== 'shell_exec_safe') {
      throw new DuckApiError('conflict', 'Only shell commands can be previewed; file edits already show their diff.')
    }
    if (approval.privileged) {
      throw new DuckApiError('conflict', 'sudo runs outside the sandbox, so it cannot be previewed.')
    }
    if (approval.status !== 'pending') {
      throw new DuckApiError('conflict', `That approval was already decided (${approval.status}).`)
    }
    const task = tasks.taskInfo(this.db, approval.taskId)
    if (!task) throw new DuckApiError('not_found', `No task ${approval.taskId}.`)
    return { approval, workspace: task.workspace }
  }

  /** Runs the approval's command against an overlay of the workspace; nothing real changes. */
  async previewApproval(approvalId: unknown): Promise<CommandPreview> {
    const { approval, workspace } = this.previewable(approvalId)
    if (this.runningPreviews.has(approval.id)) {
      throw new DuckApiError('conflict', 'A preview of this command is already running.')
    }
    const controller = new AbortController()
    this.runningPreviews.set(approval.id, { taskId: approval.taskId, controller })
    try {
      return await this.previews.run({
        approvalId: approval.id,
        taskId: approval.taskId,
        command: String(approval.args.command),
        workspace,
        networkAction: approval.actionType === 'network',
        outsideWorkspace: approval.outsideWorkspace,
        signal: controller.signal
      })
    } finally {
      this.runningPreviews.delete(approval.id)
    }
  }

  getApprovalPreview(approvalId: unknown): CommandPreview {
    const id = parseId(approvalId, 'approval')
    const preview = this.previews.get(id)
    if (!preview) throw new DuckApiError('not_found', `Approval ${id} has no preview.`)
    return preview
  }

  /**
   * Apply: replays the preview's changes onto the workspace (all, or none when a path changed
   * since), and allows the approval once; continuing the task then reports the preview's
   * output instead of running the command again.
   */
  async applyApprovalPreview(approvalId: unknown): Promise<CommandPreview> {
    const { approval, workspace } = this.previewable(approvalId)
    if (this.runningPreviews.has(approval.id)) {
      throw new DuckApiError('conflict', 'The preview of this command is still running.')
    }
    let result: CommandPreview
    try {
      result = await this.previews.apply(approval.id, approval.taskId, workspace)
    } catch (error) {
      if (error instanceof PreviewError) throw new DuckApiError(error.code, error.message)
      throw error
    }
    if (result.conflicts && result.conflicts.length > 0) {
      throw new DuckApiError(
        'conflict',
        `Nothing was applied: ${result.conflicts.map((c) => c.reason).join(' ')} Preview again to see the command against the workspace as it is now.`
      )
    }
    this.decideApproval(approval.id, 'allow_once')
    return result
  }

  async discardApprovalPreview(approvalId: unknown): Promise<CommandPreview> {
    const { approval } = this.previewable(approvalId)
    try {
      return await this.previews.discard(approval.id)
    } catch (error) {
      if (error instanceof PreviewError) throw new DuckApiError(error.code, error.message)
      throw error
    }
  }

  listRules(): ApprovalRule[] {
    return approvalsRepo.listRules(this.db)
  }

  deleteRule(ruleId: unknown): void {
    const id = parseId(ruleId, 'rule')
    if (!approvalsRepo.deleteRule(this.db, id)) throw new DuckApiError('not_found', `No rule ${id}.`)
  }

  // -- conversations ---------------------------------------------------------------------

  listConversations(query: unknown): ConversationSummary[] {
    const q = parseInput(ListConversationsQuerySchema, query)
    return conversations.listConversations(this.db, q.q?.trim() || undefined, q.limit ?? 100)
  }

  getConversation(conversationId: unknown, query?: unknown): ConversationDetail {
    const id = parseId(conversationId, 'conversation')
    const q = parseInput(ConversationQuerySchema, query)
    const detail = conversations.getConversation(this.db, id, q)
    if (detail === 'no_conversation') throw new DuckApiError('not_found', `No conversation ${id}.`)
    if (detail === 'unknown_before') {
      throw new DuckApiError('invalid_input', `before: no message ${q.before ?? ''} in conversation ${id}.`)
    }
    return detail
  }

  renameConversation(conversationId: unknown, input: unknown): ConversationSummary {
    const id = parseId(conversationId, 'conversation')
    const { title } = parseInput(RenameConversationSchema, input)
    if (!conversations.renameConversation(this.db, id, title))
      throw new DuckApiError('not_found', `No conversation ${id}.`)
    return conversations.getConversationRow(this.db, id) as ConversationSummary
  }

  deleteConversation(conversationId: unknown): void {
    const id = parseId(conversationId, 'conversation')
    const live = (this.db.prepare('SELECT id FROM tasks WHERE conversation_id = ?').all(id) as { id: string }[]).some(
      (t) => this.runner.isLive(t.id)
    )
    if (live) throw new DuckApiError('conflict', 'A task in this conversation is still running; stop it first.')
    if (!conversations.deleteConversation(this.db, id)) throw new DuckApiError('not_found', `No conversation ${id}.`)
  }

  // -- memory, lessons and skills ---------------------------------------------------------

  listMemory(query: unknown): MemoryResults {
    return memoryLibrary.listMemories(this.db, parseInput(MemoryQuerySchema, query))
  }

  deleteMemory(memoryId: unknown): void {
    const id = parseId(memoryId, 'memory')
    if (!memoryLibrary.deleteMemory(this.db, id)) throw new DuckApiError('not_found', `No memory ${id}.`)
  }

  /** Forgets one workspace's memories and lessons, or with no workspace everything learned. */
  forgetMemory(input: unknown): { deleted: number } {
    const { workspace } = parseInput(ForgetMemorySchema, input)
    return { deleted: memoryLibrary.forget(this.db, workspace) }
  }

  listExperience(query: unknown): ExperienceRecord[] {
    return memoryLibrary.listExperiences(this.db, parseInput(ExperienceQuerySchema, query))
  }

  listSkills(): SkillInfo[] {
    return this.skills.info()
  }

  /** Resolves once the post-task learning queued so far has finished (tests, scripts). */
  learningIdle(): Promise<void> {
    return this.postTask.idle()
  }

  // -- audit -----------------------------------------------------------------------------

  /** `GET /v1/audit/commands`: the array API.md describes (one page; see auditPage). */
  auditCommands(query: unknown): AuditRecord[] {
    return this.auditPage(query).items
  }

  /**
   * One page of the audit, newest first, filtered over every row; `next_cursor` (HTTP: the
   * `X-Next-Cursor` header) is the `before` of the next older page, null on the last one.
   */
  auditPage(query: unknown): AuditPage {
    const { limit, before, ...filter } = parseInput(AuditQuerySchema, query)
    const page = auditRepo.pageAudit(this.db, filter, limit ?? 200, auditCursor(before, 'before'))
    return { items: page.items, next_cursor: page.next ? auditRepo.encodeAuditCursor(page.next) : null }
  }

  /**
   * Every matching row as CSV (the window's columns, safe against formula injection) or JSON
   * lines (the records of `GET /v1/audit/commands`), in chunks: `total` first, for a progress
   * bar, then `chunks` yields text as it reads the rows (each chunk one short query).
   */
  auditExport(query: unknown): AuditExport {
    const { format = 'csv', ...filter } = parseInput(AuditExportQuerySchema, query)
    const total = auditRepo.countAudit(this.db, filter)
    const db = this.db
    function* chunks(): Generator<AuditExportChunk> {
      if (format === 'csv') yield { text: csvLine(AUDIT_CSV_HEADER), rows: 0 }
      for (const records of auditRepo.iterateAudit(db, filter, AUDIT_EXPORT_CHUNK)) {
        yield { text: formatAudit(format, records), rows: records.length }
      }
    }
    return { total, format, ...exportFile(format), chunks: chunks() }
  }

  /**
   * One chunk of an export (IPC): the rows older than `cursor` (none: the newest, and then the
   * total and, for CSV, the header too), formatted as auditExport does.
   */
  auditExportChunk(query: unknown, cursor?: unknown): AuditExportChunkAnswer {
    const { format = 'csv', ...filter } = parseInput(AuditExportQuerySchema, query)
    const before = auditCursor(cursor, 'cursor')
    const first = before === undefined
    const page = auditRepo.pageAudit(this.db, filter, AUDIT_EXPORT_CHUNK, before)
    const header = first && format === 'csv' ? csvLine(AUDIT_CSV_HEADER) : ''
    return {
      text: header + formatAudit(format, page.items),
      rows: page.items.length,
      total: first ? auditRepo.countAudit(this.db, filter) : null,
      next_cursor: page.next ? auditRepo.encodeAuditCursor(page.next) : null,
      ...exportFile(format)
    }
  }

  // -- settings --------------------------------------------------------------------------

  async getSettings(): Promise<Settings> {
    return toSettingsDto(effectiveSettings(this.db, this.env), (await this.apiKey()) !== null)
  }

  async updateSettings(input: unknown): Promise<Settings> {
    const update = parseInput(SettingsUpdateSchema, input)
    // The keychain first: if it refuses, nothing of the update has been applied.
    if (update.model_api_key !== undefined) {
      try {
        if (update.model_api_key === '') await this.secrets.delete(MODEL_API_KEY_ACCOUNT)
        else await this.secrets.set(MODEL_API_KEY_ACCOUNT, update.model_api_key)
      } finally {
        this.storedApiKey = null
      }
    }
    saveSettings(this.db, update)
    return this.getSettings()
  }

  async listModels(query: unknown = {}): Promise<ModelList> {
    const { base_url: probe } = parseInput(ModelsQuerySchema, query)
    const client = probe ? await this.probeClient(probe) : await this.modelClient()
    try {
      const models = await client.listModels(AbortSignal.timeout(10_000))
      return { base_url: client instanceof ModelClient ? client.baseURL : 'builtin', models }
    } catch (error) {
      const message = isModelError(error) ? error.message : `${capitalize(client.label)} could not be reached.`
      throw new DuckApiError('model_unavailable', message)
    }
  }

  // -- the built-in engine and its models -------------------------------------------------

  async engineStatus(): Promise<EngineStatus> {
    const settings = effectiveSettings(this.db, this.env)
    let model: ChatModel
    try {
      model = await this.modelClient()
    } catch (error) {
      return {
        engine: settings.engine,
        state: 'error',
        model: null,
        error: isModelError(error) ? error.message : String(error),
        capabilities: []
      }
    }
    const capabilities = ROLES.map((role) => model.capabilities(role))
    if (settings.engine === 'server') {
      return { engine: 'server', state: 'ready', model: settings.modelBaseUrl, error: null, capabilities }
    }
    return { engine: 'builtin', ...this.engineState, capabilities }
  }

  modelCatalog(query: unknown): Promise<ModelCatalog> {
    return this.models.catalog(query)
  }

  installedModels(): InstalledModel[] {
    return this.models.installed()
  }

  importModel(input: unknown): Promise<InstalledModel> {
    return this.models.importModel(input)
  }

  async deleteModel(modelId: unknown): Promise<void> {
    await this.models.deleteModel(modelId)
  }

  modelDownloads(): DownloadInfo[] {
    return this.models.downloads()
  }

  startDownload(input: unknown): Promise<DownloadInfo> {
    return this.models.startDownload(input)
  }

  downloadAction(downloadId: unknown, action: unknown): Promise<DownloadInfo> {
    return this.models.downloadAction(downloadId, action)
  }

  // -- MCP servers -----------------------------------------------------------------------

  mcpServers(): Promise<McpServersInfo> {
    return this.mcp.status()
  }

  /** Replaces the whole `mcpServers` map (each entry validated; changed ones wait for confirmation). */
  mcpReplace(input: unknown): Promise<McpServersInfo> {
    return this.mcp.replaceAll(parseInput(McpConfigInputSchema, input).mcpServers)
  }

  mcpPut(name: unknown, entry: unknown): Promise<McpServersInfo> {
    return this.mcp.putServer(mcpName(name), parseInput(McpServerEntryInputSchema, entry))
  }

  mcpDelete(name: unknown): Promise<void> {
    return this.mcp.deleteServer(mcpName(name))
  }

  mcpConfirm(name: unknown, input: unknown): Promise<McpServersInfo> {
    return this.mcp.confirm(mcpName(name), parseInput(McpConfirmSchema, input).fingerprint)
  }

  mcpRestart(name: unknown): Promise<McpServersInfo> {
    return this.mcp.restart(mcpName(name))
  }

  mcpStop(name: unknown): Promise<McpServersInfo> {
    return this.mcp.stop(mcpName(name))
  }

  mcpSetTool(name: unknown, tool: unknown, input: unknown): Promise<McpServersInfo> {
    const toolName = typeof tool === 'string' && /^[A-Za-z0-9_.-]{1,200}$/.test(tool) ? tool : null
    if (toolName === null) throw new DuckApiError('not_found', `No tool ${String(tool).slice(0, 80)}.`)
    return this.mcp.setTool(mcpName(name), toolName, parseInput(McpToolToggleSchema, input).enabled)
  }

  mcpImport(input: unknown): Promise<McpServersInfo> {
    return this.mcp.importFrom(parseInput(McpImportSchema, input).path)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const running of this.runningPreviews.values()) running.controller.abort()
    await this.runner.abortAll()
    await this.mcp.close()
    await this.postTask.close(this.options.postTaskShutdownMs)
    await this.models.close()
    await this.client?.client.close()
    this.client = null
    closeDatabase(this.db)
  }
}
