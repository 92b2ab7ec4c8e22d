import { DuckApiError, type DuckApi, type EventListener, type StreamOptions } from '../../../shared/api'
import type { ApiErrorBody, ErrorCode } from '../../../shared/dto'
import type { DoneEvent } from '../../../shared/events'
import { readSse } from './sse'

type Query = Record<string, string | number | undefined>
/** What a task stream delivers (every event of the task, each with its seq). */
type WireEvent = Parameters<EventListener>[0]

function withQuery(path: string, query?: Query): string {
  if (!query) return path
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== '') params.set(key, String(value))
  const text = params.toString()
  return text ? `${path}?${text}` : path
}

async function toError(response: Response): Promise<DuckApiError> {
  try {
    const body = (await response.json()) as ApiErrorBody
    if (body?.error?.code) return new DuckApiError(body.error.code, body.error.message, response.status)
  } catch {
    // not JSON
  }
  const code: ErrorCode = response.status === 401 ? 'unauthorized' : response.status === 404 ? 'not_found' : 'internal'
  return new DuckApiError(code, `Duck answered ${response.status} ${response.statusText}.`, response.status)
}

/** DuckApi over the headless server's HTTP + SSE API (same origin, bearer token). */
export function createHttpApi(baseUrl: string, token: string): DuckApi {
  const headers = (json: boolean): HeadersInit => ({
    Authorization: `Bearer ${token}`,
    ...(json ? { 'Content-Type': 'application/json' } : {})
  })

  async function request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    let response: Response
    try {
      response = await fetch(baseUrl + withQuery(path, query), {
        method,
        headers: headers(body !== undefined),
        ...(body !== undefined ? { body: JSON.stringify(body) } : {})
      })
    } catch {
      throw new DuckApiError('internal', 'Duck is not answering. Is the Duck server still running?', 0)
    }
    if (!response.ok) throw await toError(response)
    if (response.status === 204) return undefined as T
    return (await response.json()) as T
  }

  async function stream(
    path: string,
    body: unknown,
    onEvent: EventListener,
    options?: StreamOptions
  ): Promise<DoneEvent> {
    let response: Response
    try {
      response = await fetch(baseUrl + path, {
        method: 'POST',
        headers: headers(true),
        body: JSON.stringify(body),
        ...(options?.signal ? { signal: options.signal } : {})
      })
    } catch (error) {
      if (options?.signal?.aborted) throw error
      throw new DuckApiError('internal', 'Duck is not answering. Is the Duck server still running?', 0)
    }
    if (!response.ok || !response.body) throw await toError(response)
    let done: DoneEvent | undefined
    for await (const record of readSse(response.body)) {
      const event = { ...(JSON.parse(record.data) as object), type: record.event } as WireEvent
      onEvent(event)
      if (event.type === 'done') done = event
    }
    if (!done) throw new DuckApiError('internal', 'The stream ended before the task reported its state.', 0)
    return done
  }

  const enc = encodeURIComponent
  return {
    system: { health: () => request('GET', '/v1/health') },
    chat: { send: (req, onEvent, options) => stream('/v1/chat/stream', req, onEvent, options) },
    tasks: {
      get: (id) => request('GET', `/v1/tasks/${enc(id)}`),
      events: (id) => request('GET', `/v1/tasks/${enc(id)}/events`),
      changes: (id) => request('GET', `/v1/tasks/${enc(id)}/changes`),
      undo: (id) => request('POST', `/v1/tasks/${enc(id)}/undo`),
      continue: (id, req, onEvent, options) => stream(`/v1/tasks/${enc(id)}/continue/stream`, req, onEvent, options),
      password: (id, req, onEvent, options) => stream(`/v1/tasks/${enc(id)}/password/stream`, req, onEvent, options),
      cancel: (id) => request('POST', `/v1/tasks/${enc(id)}/cancel`)
    },
    approvals: {
      pending: () => request('GET', '/v1/approvals/pending'),
      decide: (id, decision, scope) => request('POST', `/v1/approvals/${enc(id)}/${decision}`, scope),
      preview: (id) => request('POST', `/v1/approvals/${enc(id)}/preview`),
      applyPreview: (id) => request('POST', `/v1/approvals/${enc(id)}/preview/apply`),
      discardPreview: (id) => request('POST', `/v1/approvals/${enc(id)}/preview/discard`),
      rules: () => request('GET', '/v1/approvals/rules'),
      deleteRule: (id) => request('DELETE', `/v1/approvals/rules/${enc(id)}`)
    },
    conversations: {
      list: (query) => request('GET', '/v1/conversations', undefined, query),
      get: (id, query) => request('GET', `/v1/conversations/${enc(id)}`, undefined, query),
      rename: (id, title) => request('PATCH', `/v1/conversations/${enc(id)}`, { title }),
      delete: (id) => request('DELETE', `/v1/conversations/${enc(id)}`)
    },
    audit: { commands: (query) => request('GET', '/v1/audit/commands', undefined, query) },
    memory: {
      list: (query) => request('GET', '/v1/memory', undefined, query),
      delete: (id) => request('DELETE', `/v1/memory/${enc(id)}`),
      forget: (req) => request('POST', '/v1/memory/forget', req),
      experience: (query) => request('GET', '/v1/experience', undefined, query)
    },
    skills: { list: () => request('GET', '/v1/skills') },
    settings: {
      get: () => request('GET', '/v1/settings'),
      update: (update) => request('PUT', '/v1/settings', update),
      // With a base URL: that server's models, nothing saved (probing for a local server).
      models: (baseUrl?: string) =>
        request('GET', '/v1/models', undefined, baseUrl === undefined ? undefined : { base_url: baseUrl })
    },
    engine: {
      status: () => request('GET', '/v1/engine'),
      catalog: (query) => request('GET', '/v1/engine/catalog', undefined, query),
      models: () => request('GET', '/v1/engine/models'),
      importModel: (path) => request('POST', '/v1/engine/models/import', { path }),
      deleteModel: (id) => request('DELETE', `/v1/engine/models/${enc(id)}`),
      downloads: () => request('GET', '/v1/engine/downloads'),
      download: (catalogId) => request('POST', '/v1/engine/downloads', { catalog_id: catalogId }),
      downloadAction: (id, action) => request('POST', `/v1/engine/downloads/${enc(id)}/${action}`)
    },
    mcp: {
      servers: () => request('GET', '/v1/mcp/servers'),
      replace: (config) => request('PUT', '/v1/mcp/servers', config),
      put: (name, entry) => request('PUT', `/v1/mcp/servers/${enc(name)}`, entry),
      delete: (name) => request('DELETE', `/v1/mcp/servers/${enc(name)}`),
      confirm: (name, fingerprint) => request('POST', `/v1/mcp/servers/${enc(name)}/confirm`, { fingerprint }),
      restart: (name) => request('POST', `/v1/mcp/servers/${enc(name)}/restart`),
      stop: (name) => request('POST', `/v1/mcp/servers/${enc(name)}/stop`),
      setTool: (name, tool, enabled) => request('PUT', `/v1/mcp/servers/${enc(name)}/tools/${enc(tool)}`, { enabled }),
      importConfig: (path) => request('POST', '/v1/mcp/import', { path })
    }
  }
}
