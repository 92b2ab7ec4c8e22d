import type { DuckApi } from '../shared/api'
import { exportByChunks, type AuditExportChunkAnswer } from '../shared/audit-export'
import type { ApiMethod } from '../shared/ipc'
import { createStreamRouter, invoke, type IpcRendererLike, type StreamRouter } from './ipc-client'

/**
 * `window.duck`: exactly DuckApi over IPC, grouped by domain — no generic invoke, no channel
 * names, no process or environment. Every argument goes to main as is; main validates it.
 */
export function createDuckApi(ipc: IpcRendererLike, streams: StreamRouter = createStreamRouter(ipc)): DuckApi {
  const call = <T>(method: ApiMethod, ...args: unknown[]): Promise<T> => invoke<T>(ipc, method, args)
  return {
    system: {
      health: () => call('system.health')
    },
    chat: {
      send: (request, onEvent, options) => streams.run('chat.send', [request], onEvent, options)
    },
    tasks: {
      get: (taskId) => call('tasks.get', taskId),
      events: (taskId) => call('tasks.events', taskId),
      changes: (taskId) => call('tasks.changes', taskId),
      undo: (taskId) => call('tasks.undo', taskId),
      continue: (taskId, request, onEvent, options) =>
        streams.run('tasks.continue', [taskId, request], onEvent, options),
      password: (taskId, request, onEvent, options) =>
        streams.run('tasks.password', [taskId, request], onEvent, options),
      cancel: (taskId) => call('tasks.cancel', taskId)
    },
    approvals: {
      pending: () => call('approvals.pending'),
      decide: (approvalId, decision, scope) =>
        scope === undefined
          ? call('approvals.decide', approvalId, decision)
          : call('approvals.decide', approvalId, decision, scope),
      preview: (approvalId) => call('approvals.preview', approvalId),
      applyPreview: (approvalId) => call('approvals.applyPreview', approvalId),
      discardPreview: (approvalId) => call('approvals.discardPreview', approvalId),
      rules: () => call('approvals.rules'),
      deleteRule: (ruleId) => call('approvals.deleteRule', ruleId)
    },
    conversations: {
      list: (query) => call('conversations.list', query),
      get: (conversationId, query) =>
        query === undefined
          ? call('conversations.get', conversationId)
          : call('conversations.get', conversationId, query),
      rename: (conversationId, title) => call('conversations.rename', conversationId, title),
      delete: (conversationId) => call('conversations.delete', conversationId)
    },
    audit: {
      commands: (query) => call('audit.commands', query),
      page: (query) => call('audit.page', query),
      export: (query, options) =>
        exportByChunks((cursor) => call<AuditExportChunkAnswer>('audit.export', query, cursor), options)
    },
    memory: {
      list: (query) => call('memory.list', query),
      delete: (memoryId) => call('memory.delete', memoryId),
      forget: (request) => call('memory.forget', request),
      experience: (query) => call('memory.experience', query)
    },
    skills: {
      list: () => call('skills.list')
    },
    settings: {
      get: () => call('settings.get'),
      update: (update) => call('settings.update', update),
      models: (baseUrl) => call('settings.models', baseUrl)
    },
    engine: {
      status: () => call('engine.status'),
      catalog: (query) => call('engine.catalog', query),
      models: () => call('engine.models'),
      importModel: (path) => call('engine.importModel', path),
      deleteModel: (modelId) => call('engine.deleteModel', modelId),
      downloads: () => call('engine.downloads'),
      download: (catalogId) => call('engine.download', catalogId),
      downloadAction: (downloadId, action) => call('engine.downloadAction', downloadId, action)
    },
    mcp: {
      servers: () => call('mcp.servers'),
      replace: (config) => call('mcp.replace', config),
      put: (name, entry) => call('mcp.put', name, entry),
      delete: (name) => call('mcp.delete', name),
      confirm: (name, fingerprint) => call('mcp.confirm', name, fingerprint),
      restart: (name) => call('mcp.restart', name),
      stop: (name) => call('mcp.stop', name),
      setTool: (name, tool, enabled) => call('mcp.setTool', name, tool, enabled),
      importConfig: (path) => call('mcp.importConfig', path)
    }
  }
}
