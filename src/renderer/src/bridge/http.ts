import {
  DuckApiError,
  type AuditExportOptions,
  type AuditExportResult,
  type DuckApi,
  type EventListener,
  type StreamOptions
} from '../../../shared/api'
import { exportCancelled } from '../../../shared/audit-export'
import { RecordCounter } from '../../../shared/csv'
import type { ApiErrorBody, AuditRecord, ErrorCode } from '../../../shared/dto'
import type { DoneEvent } from '../../../shared/events'
import { readSse } from './sse'

type Query = Record<string, string | number | boolean | readonly string[] | undefined>
/** What a task stream delivers (every event of the task, each with its seq). */
type WireEvent = Parameters<EventListener>[0]

function withQuery(path: string, query?: object): string {
  if (!query) return path
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query as Query)) {
    // Lists go as `a,b` (what the server's list parameters take).
    const text = Array.isArray(value) ? value.join(',') : value
    if (text !== undefined && text !== '') params.set(key, String(text))
  }
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

  async function send(method: string, path: string, body?: unknown, query?: object): Promise<Response> {
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
    return response
  }

  async function request<T>(method: string, path: string, body?: unknown, query?: object): Promise<T> {
    const response = await send(method, path, body, query)
    if (response.status === 204) return undefined as T
    return (await response.json()) as T
  }

  /** A streamed export: the total from `X-Total-Count`, rows counted as the lines arrive. */
  async function exportAudit(query: object | undefined, options: AuditExportOptions = {}): Promise<AuditExportResult> {
    const response = await send('GET', '/v1/audit/commands/export', undefined, query)
    const total = Number(response.headers.get('X-Total-Count') ?? 0)
    const type = response.headers.get('Content-Type') ?? 'text/csv'
    const filename =
      /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? 'duck-audit.csv'
    // CSV starts with a header record; every further record is one audit row.
    const csv = type.startsWith('text/csv')
    const counter = new RecordCounter(csv)
    const parts: string[] = []
    let rows = 0
    const decoder = new TextDecoder()
    if (!response.body) throw new DuckApiError('internal', 'The export answered without a body.', 0)
    const reader = response.body.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      const text = decoder.decode(value, { stream: true })
      parts.push(text)
      const records = counter.push(text)
      rows = Math.max(0, csv ? records - 1 : records)
      if (options.onProgress?.(rows, Math.max(total, rows)) === false) {
        await reader.cancel()
        throw exportCancelled()
      }
    }
    const tail = decoder.decode()
    if (tail) parts.push(tail)
    return { parts, rows, total: Math.max(total, rows), filename, type }
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
    audit: {
      commands: (query) => request('GET', '/v1/audit/commands', undefined, query),
      page: async (query) => {
        const response = await send('GET', '/v1/audit/commands', undefined, query)
        return {
          items: (await response.json()) as AuditRecord[],
          next_cursor: response.headers.get('X-Next-Cursor')
        }
      },
      export: (query, options) => exportAudit(query, options)
    },
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
