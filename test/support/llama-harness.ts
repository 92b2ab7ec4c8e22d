/**
 * Duck's real headless server (in process, on a free loopback port, fresh database) talking
 * to real llama-servers through the recording proxy (test/support/llama-proxy.ts).
 *
 * Every role has its own model name (MODELS: planner, thinker, memory, critic); llama-server
 * answers to any name, and the proxy routes each name to a server, so a test picks which tiny
 * model plays which role with `use({ action: plain, thinker: runaway })`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readEnvConfig } from '../../src/main/core/config/env'
import { DuckService, type DuckServiceOptions } from '../../src/main/core/service'
import { listen, type RunningServer } from '../../src/main/server/listen'
import type { ModelRole } from '../../src/shared/schemas'
import { startModelProxy, type ModelProxy } from './llama-proxy'
import type { LlamaServer } from './llama-server'
import { MODELS } from './scripting'
import { parseSse, type WireEvent } from './sse'

export { MODELS } from './scripting'

const TOKEN = 'llama-token'

export interface StreamHandle {
  /** Events so far (the array grows while the stream runs). */
  events: WireEvent[]
  /** Resolves with the first event that matches (or rejects when the stream ends first). */
  waitFor(match: (event: WireEvent) => boolean): Promise<WireEvent>
  /** Resolves when the stream ends, with every event. */
  finished: Promise<WireEvent[]>
}

export interface LlamaDuck {
  proxy: ModelProxy
  duck: DuckService
  server: RunningServer
  dataDir: string
  /** Routes roles to servers: `use({ action: plain, thinker: think })`; unnamed roles keep theirs. */
  use(routes: Partial<Record<ModelRole, LlamaServer>>): void
  workspace(): string
  api(path: string, init?: RequestInit): Promise<Response>
  json<T>(path: string, init?: RequestInit): Promise<T>
  stream(path: string, body: unknown): Promise<{ status: number; body: string; events: WireEvent[] }>
  /** Opens a stream and reads it incrementally (for cancelling mid-answer). */
  open(path: string, body: unknown): Promise<StreamHandle>
  settings(update: Record<string, unknown>): Promise<void>
  stop(): Promise<void>
}

export interface LlamaDuckOptions extends Partial<DuckServiceOptions> {
  /** Keep the memory policy and the critic on (default off: fewer background calls). */
  learning?: boolean
  /**
   * The server that answers what names no model: GET /props (the context window Duck plans
   * its prompts and max_tokens by, asked once per role) and /v1/models. Default: the thinker's.
   * Servers of one Duck should share a context size, or this one should be the one that matters.
   */
  props?: LlamaServer
}

export async function startLlamaDuck(
  servers: Partial<Record<ModelRole, LlamaServer>> & { thinker: LlamaServer },
  options: LlamaDuckOptions = {}
): Promise<LlamaDuck> {
  const { learning = false, props, ...serviceOptions } = options
  const proxy = await startModelProxy({ fallback: (props ?? servers.thinker).origin })
  const use = (routes: Partial<Record<ModelRole, LlamaServer>>): void => {
    for (const [role, server] of Object.entries(routes) as [ModelRole, LlamaServer][]) {
      proxy.routes[MODELS[role]] = server.origin
    }
  }
  use({ action: servers.thinker, memory_policy: servers.thinker, critic: servers.thinker, ...servers })
  const dataDir = mkdtempSync(join(tmpdir(), 'duck-llama-'))
  const env = {
    DUCK_DB_PATH: join(dataDir, 'duck.sqlite3'),
    DUCK_MODEL_BASE_URL: proxy.baseURL,
    DUCK_MODEL_ACTION: MODELS.action,
    DUCK_MODEL_THINKER: MODELS.thinker,
    DUCK_MODEL_MEMORY_POLICY: MODELS.memory_policy,
    DUCK_MODEL_CRITIC: MODELS.critic
  }
  const duck = new DuckService({
    env: readEnvConfig(dataDir, env),
    userDataDir: dataDir,
    // Generous: two cores, -t 1, a grammar over a 150k-token vocabulary.
    modelTimeouts: { timeoutMs: 60_000, idleTimeoutMs: 20_000 },
    ...serviceOptions
  })
  const server = await listen({ service: duck, port: 0, token: TOKEN })
  const workspaces: string[] = []
  const api = (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(server.url + path, {
      ...init,
      headers: {
        Authorization: `Bearer ${TOKEN}`,
        'Content-Type': 'application/json',
        ...(init.headers as Record<string, string>)
      }
    })
  const harness: LlamaDuck = {
    proxy,
    duck,
    server,
    dataDir,
    use,
    workspace() {
      const dir = mkdtempSync(join(tmpdir(), 'duck-llama-ws-'))
      workspaces.push(dir)
      return dir
    },
    api,
    async json<T>(path: string, init?: RequestInit): Promise<T> {
      const response = await api(path, init)
      if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`)
      return (await response.json()) as T
    },
    async stream(path, body) {
      const response = await api(path, { method: 'POST', body: JSON.stringify(body) })
      const text = await response.text()
      return { status: response.status, body: text, events: response.ok ? parseSse(text) : [] }
    },
    async open(path, body) {
      const response = await api(path, { method: 'POST', body: JSON.stringify(body) })
      if (!response.ok || !response.body)
        throw new Error(`${path} answered ${response.status}: ${await response.text()}`)
      const events: WireEvent[] = []
      const waiters: {
        match: (e: WireEvent) => boolean
        resolve: (e: WireEvent) => void
        reject: (e: Error) => void
      }[] = []
      const reader = response.body.getReader()
      const decoder = new TextDecoder()
      let ended: Error | null = null
      const finished = (async () => {
        let buffer = ''
        try {
          for (;;) {
            const { value, done } = await reader.read()
            if (done) break
            buffer += decoder.decode(value, { stream: true })
            let cut = buffer.indexOf('\n\n')
            while (cut !== -1) {
              const block = buffer.slice(0, cut + 2)
              buffer = buffer.slice(cut + 2)
              for (const event of parseSse(block)) {
                events.push(event)
                for (const waiter of [...waiters]) {
                  if (waiter.match(event)) {
                    waiters.splice(waiters.indexOf(waiter), 1)
                    waiter.resolve(event)
                  }
                }
              }
              cut = buffer.indexOf('\n\n')
            }
          }
          ended = new Error('the stream ended before the awaited event')
        } catch (error) {
          ended = new Error(`the stream broke: ${error instanceof Error ? error.message : String(error)}`)
          throw error
        } finally {
          for (const waiter of waiters.splice(0)) waiter.reject(ended ?? new Error('the stream ended'))
        }
        return events
      })()
      // Awaiting `finished` still sees the failure; an un-awaited one is no unhandled rejection.
      finished.catch(() => undefined)
      return {
        events,
        finished,
        waitFor(match) {
          const seen = events.find(match)
          if (seen) return Promise.resolve(seen)
          if (ended !== null) return Promise.reject(ended)
          return new Promise((resolve, reject) => waiters.push({ match, resolve, reject }))
        }
      }
    },
    async settings(update) {
      const response = await api('/v1/settings', { method: 'PUT', body: JSON.stringify(update) })
      if (!response.ok) throw new Error(`PUT /v1/settings answered ${response.status}: ${await response.text()}`)
    },
    async stop() {
      await server.close()
      await duck.close()
      await proxy.close()
      rmSync(dataDir, { recursive: true, force: true })
      for (const dir of workspaces) rmSync(dir, { recursive: true, force: true })
    }
  }
  if (!learning) await harness.settings({ memory_enabled: false, reflection_enabled: false })
  return harness
}

/** The task id and conversation id every event of a stream carries. */
export function idsOf(events: WireEvent[]): { taskId: string; conversationId: string } {
  const first = events[0]
  if (!first) throw new Error('no events')
  return { taskId: String(first.data.task_id), conversationId: String(first.data.conversation_id) }
}

export function doneOf(events: WireEvent[]): Record<string, unknown> {
  const done = events.filter((e) => e.event === 'done')
  if (done.length !== 1) throw new Error(`expected exactly one done event, got ${done.length}`)
  return (done[0] as WireEvent).data
}

export function deltas(events: WireEvent[], type: 'content_delta' | 'reasoning_delta'): string {
  return events
    .filter((e) => e.event === type)
    .map((e) => String(e.data.delta))
    .join('')
}

export interface StoredMessage {
  message_id: string
  role: string
  content: string
  reasoning: string | null
  status: string
  task_id: string
}
