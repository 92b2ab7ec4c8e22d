/**
 * `window.duck` in main: one thin handler per DuckApi method over the same DuckService the HTTP
 * routes use (src/main/server/routes.ts). The service validates every argument with the shared
 * schemas; a handler only passes them on.
 */
import { DuckApiError } from '../../shared/api'
import { STREAM_ID_PATTERN, type ApiMethod } from '../../shared/ipc'
import type { StreamListener } from '../core/agent/emitter'
import type { DuckService } from '../core/service'
import type { CallContext, HandlerTable } from './ipc'

export type ServicePort = Pick<
  DuckService,
  | 'health'
  | 'checkChat'
  | 'chat'
  | 'checkStreamable'
  | 'continueTask'
  | 'submitPassword'
  | 'getTask'
  | 'taskEvents'
  | 'taskChanges'
  | 'undoTask'
  | 'cancelTask'
  | 'pendingApprovals'
  | 'decideApproval'
  | 'previewApproval'
  | 'applyApprovalPreview'
  | 'discardApprovalPreview'
  | 'listRules'
  | 'deleteRule'
  | 'listConversations'
  | 'getConversation'
  | 'renameConversation'
  | 'deleteConversation'
  | 'auditCommands'
  | 'auditPage'
  | 'auditExportChunk'
  | 'getSettings'
  | 'updateSettings'
  | 'listModels'
  | 'engineStatus'
  | 'modelCatalog'
  | 'installedModels'
  | 'importModel'
  | 'deleteModel'
  | 'modelDownloads'
  | 'startDownload'
  | 'downloadAction'
  | 'listMemory'
  | 'deleteMemory'
  | 'forgetMemory'
  | 'listExperience'
  | 'listSkills'
  | 'mcpServers'
  | 'mcpReplace'
  | 'mcpPut'
  | 'mcpDelete'
  | 'mcpConfirm'
  | 'mcpRestart'
  | 'mcpStop'
  | 'mcpSetTool'
  | 'mcpImport'
>

export interface ApiHandlerDeps {
  service: ServicePort
  /** The listener of one stream: sends its events to the calling page (and to main's observers). */
  streamTo(ctx: CallContext, streamId: string): StreamListener
  /** Throws when this page may not start a task now (quick ask while it is paused). */
  mayStartTask?(ctx: CallContext): void
  /**
   * The native password sheet takes passwords (Electron): the pages may not send one themselves,
   * so a password only ever crosses the sheet's own channel.
   */
  passwordSheet?: boolean
}

function streamIdOf(value: unknown): string {
  if (typeof value !== 'string' || !STREAM_ID_PATTERN.test(value)) {
    throw new DuckApiError('invalid_input', 'stream: the call carried no valid stream id.')
  }
  return value
}

export function createApiHandlers(deps: ApiHandlerDeps): HandlerTable<ApiMethod> {
  const { service } = deps
  return {
    'system.health': () => service.health(),

    'chat.send': (ctx, request, streamId) => {
      const id = streamIdOf(streamId)
      deps.mayStartTask?.(ctx)
      service.checkChat(request)
      return service.chat(request, deps.streamTo(ctx, id))
    },
    'tasks.continue': (ctx, taskId, request, streamId) => {
      const id = streamIdOf(streamId)
      service.checkStreamable('continue', taskId, request)
      return service.continueTask(taskId, request, deps.streamTo(ctx, id))
    },
    'tasks.password': (ctx, taskId, request, streamId) => {
      if (deps.passwordSheet) {
        throw new DuckApiError('forbidden', 'In the desktop app the password goes through its own sheet.')
      }
      const id = streamIdOf(streamId)
      service.checkStreamable('password', taskId, request)
      return service.submitPassword(taskId, request, deps.streamTo(ctx, id))
    },
    'tasks.get': (_ctx, taskId) => service.getTask(taskId),
    'tasks.events': (_ctx, taskId) => service.taskEvents(taskId),
    'tasks.changes': (_ctx, taskId) => service.taskChanges(taskId),
    'tasks.undo': (_ctx, taskId) => service.undoTask(taskId),
    'tasks.cancel': (_ctx, taskId) => service.cancelTask(taskId),

    'approvals.pending': () => service.pendingApprovals(),
    'approvals.decide': (_ctx, approvalId, decision, scope) => service.decideApproval(approvalId, decision, scope),
    'approvals.preview': (_ctx, approvalId) => service.previewApproval(approvalId),
    'approvals.applyPreview': (_ctx, approvalId) => service.applyApprovalPreview(approvalId),
    'approvals.discardPreview': (_ctx, approvalId) => service.discardApprovalPreview(approvalId),
    'approvals.rules': () => service.listRules(),
    'approvals.deleteRule': (_ctx, ruleId) => service.deleteRule(ruleId),

    'conversations.list': (_ctx, query) => service.listConversations(query),
    'conversations.get': (_ctx, conversationId, query) => service.getConversation(conversationId, query),
    'conversations.rename': (_ctx, conversationId, title) => service.renameConversation(conversationId, { title }),
    'conversations.delete': (_ctx, conversationId) => service.deleteConversation(conversationId),

    'audit.commands': (_ctx, query) => service.auditCommands(query),
    'audit.page': (_ctx, query) => service.auditPage(query),
    // One chunk of an export per call (the preload loops over the cursor and reports progress).
    'audit.export': (_ctx, query, cursor) => service.auditExportChunk(query, cursor),

    'memory.list': (_ctx, query) => service.listMemory(query),
    'memory.delete': (_ctx, memoryId) => service.deleteMemory(memoryId),
    'memory.forget': (_ctx, request) => service.forgetMemory(request),
    'memory.experience': (_ctx, query) => service.listExperience(query),

    'skills.list': () => service.listSkills(),

    'settings.get': () => service.getSettings(),
    'settings.update': (_ctx, update) => service.updateSettings(update),
    'settings.models': (_ctx, baseUrl) => service.listModels(baseUrl === undefined ? {} : { base_url: baseUrl }),

    'engine.status': () => service.engineStatus(),
    'engine.catalog': (_ctx, query) => service.modelCatalog(query),
    'engine.models': () => service.installedModels(),
    'engine.importModel': (_ctx, path) => service.importModel({ path }),
    'engine.deleteModel': (_ctx, modelId) => service.deleteModel(modelId),
    'engine.downloads': () => service.modelDownloads(),
    'engine.download': (_ctx, catalogId) => service.startDownload({ catalog_id: catalogId }),
    'engine.downloadAction': (_ctx, downloadId, action) => service.downloadAction(downloadId, action),

    'mcp.servers': () => service.mcpServers(),
    'mcp.replace': (_ctx, config) => service.mcpReplace(config),
    'mcp.put': (_ctx, name, entry) => service.mcpPut(name, entry),
    'mcp.delete': (_ctx, name) => service.mcpDelete(name),
    'mcp.confirm': (_ctx, name, fingerprint) => service.mcpConfirm(name, { fingerprint }),
    'mcp.restart': (_ctx, name) => service.mcpRestart(name),
    'mcp.stop': (_ctx, name) => service.mcpStop(name),
    'mcp.setTool': (_ctx, name, tool, enabled) => service.mcpSetTool(name, tool, { enabled }),
    'mcp.importConfig': (_ctx, path) => service.mcpImport({ path })
  }
}
