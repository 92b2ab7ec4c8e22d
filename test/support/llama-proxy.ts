/**
 * A transparent recording proxy in front of one or more real llama-servers, for tests.
 *
 * Duck talks to it as to any OpenAI-compatible server. It
 *   - routes `POST /v1/chat/completions` by the request's `model` to a llama-server (so one
 *     Duck can have e.g. its planner on one tiny model and its answer on another, as with
 *     llama-swap or llama-server's router mode); every other request goes to `fallback`;
 *   - passes the server's answer through byte for byte, as it arrives, and records each
 *     exchange: the request as Duck sent it and as forwarded, and what came back (content,
 *     reasoning_content, finish_reason, llama.cpp's `timings`);
 *   - closes the upstream request as soon as Duck closes its side, so a cancel reaches the
 *     server exactly as it would without the proxy;
 *   - can `rewrite` a request before it is forwarded. Tests use this only to narrow the
 *     planner's JSON schema (e.g. "at least one action", or one pinned call) where the tiny
 *     random model's own choice would make a scenario untestable; the server still generates
 *     under the grammar and Duck still parses, validates and runs what it gets.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** llama.cpp's own `timings`, sent with the last chunk (or in the JSON answer). */
export interface LlamaTimings {
  prompt_n: number
  prompt_ms: number
  predicted_n: number
  predicted_ms: number
  predicted_per_second: number
  cache_n?: number
}

export interface Exchange {
  /** Index in `exchanges`. */
  index: number
  path: string
  model: string
  /** Where it went (origin). */
  upstream: string
  /** The body as Duck sent it. */
  original: Record<string, unknown>
  /** The body as forwarded (after `rewrite`). */
  request: Record<string, unknown>
  stream: boolean
  status: number | null
  content: string
  reasoning: string
  finishReason: string | null
  /** llama.cpp's `timings` (predicted_n, predicted_ms, predicted_per_second, prompt_ms, …). */
  timings: LlamaTimings | null
  /** Duck closed the connection before the answer ended. */
  aborted: boolean
  startedAt: number
  /** When the first content or reasoning text was passed on (performance.now() of this process). */
  firstTokenAt: number | null
  endedAt: number | null
  /** Resolves when the exchange is over (answered, failed or aborted). */
  done: Promise<void>
}

export type Rewrite = (body: Record<string, unknown>) => Record<string, unknown>

export interface ModelProxy {
  baseURL: string
  origin: string
  /** model name → upstream origin (http://127.0.0.1:PORT); change freely between tests. */
  routes: Record<string, string>
  /** Upstream for anything not routed (GET /props, /v1/models, unknown model names). */
  fallback: string
  /** Applied to every chat completion request before it is forwarded; null for none. */
  rewrite: Rewrite | null
  readonly exchanges: Exchange[]
  /** Exchanges for one model name. */
  calls(model: string): Exchange[]
  /** Forgets the recorded exchanges and the rewrite. */
  reset(): void
  close(): Promise<void>
}

function originOf(url: string): string {
  return new URL(url).origin
}

export async function startModelProxy(options: {
  routes?: Record<string, string>
  fallback: string
}): Promise<ModelProxy> {
  const exchanges: Exchange[] = []
  const proxy: ModelProxy = {
    baseURL: '',
    origin: '',
    routes: Object.fromEntries(Object.entries(options.routes ?? {}).map(([k, v]) => [k, originOf(v)])),
    fallback: originOf(options.fallback),
    rewrite: null,
    exchanges,
    calls: (model) => exchanges.filter((e) => e.model === model),
    reset() {
      exchanges.length = 0
      proxy.rewrite = null
    },
    close: () => Promise.resolve()
  }

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({ error: { message: `proxy: ${error instanceof Error ? error.message : String(error)}` } })
      )
    })
  })

  async function readBody(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks)
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req)
    const path = req.url ?? '/'
    let target = proxy.fallback
    let body: Buffer = raw
    let exchange: Exchange | null = null
    let settle: () => void = () => undefined
    if (req.method === 'POST' && path.startsWith('/v1/chat/completions')) {
      const original = JSON.parse(raw.toString('utf8')) as Record<string, unknown>
      const model = typeof original['model'] === 'string' ? original['model'] : ''
      target = proxy.routes[model] ?? proxy.fallback
      const forwarded = proxy.rewrite ? proxy.rewrite(structuredClone(original)) : original
      body = Buffer.from(JSON.stringify(forwarded))
      exchange = {
        index: exchanges.length,
        path,
        model,
        upstream: target,
        original,
        request: forwarded,
        stream: forwarded['stream'] === true,
        status: null,
        content: '',
        reasoning: '',
        finishReason: null,
        timings: null,
        aborted: false,
        startedAt: performance.now(),
        firstTokenAt: null,
        endedAt: null,
        done: new Promise<void>((resolve) => (settle = resolve))
      }
      exchanges.push(exchange)
    }
    const headers: Record<string, string | string[]> = {}
    for (const [key, value] of Object.entries(req.headers)) {
      if (value === undefined || key === 'host' || key === 'content-length' || key === 'connection') continue
      headers[key] = value
    }
    headers['content-length'] = String(body.length)
    const url = new URL(path, target)
    // A fresh connection per request (agent: false): a kept-alive socket the server has just
    // timed out would fail the request with "socket hang up".
    await new Promise<void>((resolve) => {
      const upstream = httpRequest(url, { method: req.method, headers, agent: false }, (answer) => {
        if (exchange) exchange.status = answer.statusCode ?? null
        const outHeaders = { ...answer.headers }
        delete outHeaders['content-length']
        delete outHeaders['connection']
        delete outHeaders['keep-alive']
        delete outHeaders['transfer-encoding']
        res.writeHead(answer.statusCode ?? 502, outHeaders)
        const tap = exchange ? recorder(exchange) : null
        answer.on('data', (chunk: Buffer) => {
          tap?.push(chunk)
          res.write(chunk)
        })
        answer.on('end', () => {
          tap?.end()
          res.end()
          finish()
        })
        answer.on('error', () => {
          res.destroy()
          finish()
        })
      })
      const finish = (): void => {
        if (exchange && exchange.endedAt === null) exchange.endedAt = performance.now()
        settle()
        resolve()
      }
      // Duck went away before the answer ended: close the upstream request, as Duck's own
      // connection closing would have told the server.
      res.on('close', () => {
        if (!res.writableFinished) {
          if (exchange) exchange.aborted = true
          upstream.destroy()
          finish()
        }
      })
      upstream.on('error', (error) => {
        if (!res.headersSent) {
          res.writeHead(502, { 'content-type': 'application/json' })
          res.end(JSON.stringify({ error: { message: `proxy: upstream ${target}: ${error.message}` } }))
        } else {
          res.destroy()
        }
        finish()
      })
      upstream.end(body)
    })
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  proxy.origin = `http://127.0.0.1:${port}`
  proxy.baseURL = `${proxy.origin}/v1`
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  return proxy
}

/** Reads a chat completion answer (SSE or JSON) into the exchange as it passes. */
function recorder(exchange: Exchange): { push(chunk: Buffer): void; end(): void } {
  let text = ''
  let lineBuffer = ''
  const onEvent = (json: string): void => {
    let value: Record<string, unknown>
    try {
      value = JSON.parse(json) as Record<string, unknown>
    } catch {
      return
    }
    take(exchange, value)
  }
  return {
    push(chunk) {
      if (exchange.stream) {
        lineBuffer += chunk.toString('utf8')
        let cut = lineBuffer.indexOf('\n')
        while (cut !== -1) {
          const line = lineBuffer.slice(0, cut).trim()
          lineBuffer = lineBuffer.slice(cut + 1)
          if (line.startsWith('data:')) {
            const data = line.slice(5).trim()
            if (data !== '[DONE]') onEvent(data)
          }
          cut = lineBuffer.indexOf('\n')
        }
      } else {
        text += chunk.toString('utf8')
      }
    },
    end() {
      if (!exchange.stream && text !== '') onEvent(text)
    }
  }
}

function take(exchange: Exchange, value: Record<string, unknown>): void {
  const timings = value['timings']
  if (typeof timings === 'object' && timings !== null) exchange.timings = timings as LlamaTimings
  const choices = value['choices']
  if (!Array.isArray(choices)) return
  const choice = choices[0] as Record<string, unknown> | undefined
  if (choice === undefined) return
  if (typeof choice['finish_reason'] === 'string') exchange.finishReason = choice['finish_reason']
  const part = (choice['delta'] ?? choice['message']) as Record<string, unknown> | undefined
  if (part === undefined) return
  if (typeof part['content'] === 'string') exchange.content += part['content']
  if (typeof part['reasoning_content'] === 'string') exchange.reasoning += part['reasoning_content']
  if (exchange.firstTokenAt === null && (exchange.content !== '' || exchange.reasoning !== '')) {
    exchange.firstTokenAt = performance.now()
  }
}

// -- planner schema helpers (for `rewrite`) -------------------------------------------------

type Json = Record<string, unknown>

/** The json_schema a planner request carries, or null (another role, or a lower rung). */
export function plannerSchema(body: Json): Json | null {
  const format = body['response_format'] as Json | undefined
  if (format?.['type'] !== 'json_schema') return null
  const spec = format['json_schema'] as Json | undefined
  const schema = spec?.['schema'] as Json | undefined
  if (spec?.['name'] !== 'action_directive' || schema === undefined) return null
  return schema
}

/** Whether a request carries the observations of tools that already ran (a later planning round). */
export function hasToolObservations(body: Json): boolean {
  const messages = (body['messages'] ?? []) as { content?: unknown }[]
  return messages.some((m) => typeof m.content === 'string' && m.content.includes('tool_observations'))
}

/**
 * Narrows the planner's schema, keeping Duck's own per-tool branches: how many actions the
 * model must write. The choice of tools and arguments stays the model's (and the grammar's).
 */
/**
 * Caps every string of the planner's schema at `max` characters and every list but `actions`
 * at 3 items. A random-weights model can ramble inside a free-text field (a file's new content) until
 * the token limit; real models stop. Tool choice and argument shapes stay the model's.
 */
export function boundStrings(body: Json, max: number): Json {
  const schema = plannerSchema(body)
  if (schema === null) return body
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit)
      return
    }
    if (node === null || typeof node !== 'object') return
    const object = node as Json
    if (object['type'] === 'string' && object['const'] === undefined) {
      object['maxLength'] = Math.min(Number(object['maxLength'] ?? max), max)
    }
    // And lists (a file edit's `edits`) at a few items, past the planner's own `actions`.
    if (object['type'] === 'array' && object !== (schema['properties'] as Json)['actions']) {
      object['maxItems'] = Math.min(Number(object['maxItems'] ?? 3), 3)
    }
    for (const value of Object.values(object)) visit(value)
  }
  visit(schema)
  return body
}

export function requireActions(body: Json, min: number, max: number): Json {
  const schema = plannerSchema(body)
  if (schema === null) return body
  const actions = (schema['properties'] as Json)['actions'] as Json
  actions['minItems'] = min
  actions['maxItems'] = max
  return body
}

/**
 * Pins the planner to exactly these calls (tool, args) and a risk level; the model still
 * writes `intent` and each `reason`. Throws when Duck's schema has no branch for a tool, so a
 * catalog or schema regression is not papered over.
 */
export function pinPlan(body: Json, calls: { tool: string; args: Record<string, unknown> }[], risk?: string): Json {
  const schema = plannerSchema(body)
  if (schema === null) return body
  const properties = schema['properties'] as Json
  const actions = properties['actions'] as Json
  const items = actions['items'] as Json
  const branches = (Array.isArray(items['anyOf']) ? items['anyOf'] : [items]) as Json[]
  const pinned = calls.map((call) => {
    const branch = branches.find((b) => ((b['properties'] as Json)['tool'] as Json)['const'] === call.tool)
    if (branch === undefined) throw new Error(`the planner schema has no branch for the tool ${call.tool}`)
    return {
      ...branch,
      properties: { ...(branch['properties'] as Json), args: { const: call.args } }
    }
  })
  if (pinned.length === 0) {
    properties['actions'] = { type: 'array', maxItems: 0 }
  } else {
    properties['actions'] = {
      type: 'array',
      items: pinned.length === 1 ? pinned[0] : { anyOf: pinned },
      minItems: pinned.length,
      maxItems: pinned.length
    }
  }
  if (risk !== undefined) properties['risk_level'] = { type: 'string', const: risk }
  return body
}

/**
 * Makes a request's json_schema strict the way OpenAI's strict mode demands (and Duck's own
 * directive schema already is): every property required, no others. Where a schema leaves
 * fields optional, a grammar lets the model close the object at once; strict, a model that
 * never stops talking runs into the token limit inside a string instead.
 */
export function strictSchema(body: Json): Json {
  const format = body['response_format'] as Json | undefined
  const schema = (format?.['json_schema'] as Json | undefined)?.['schema'] as Json | undefined
  if (format?.['type'] !== 'json_schema' || schema === undefined) return body
  const properties = (schema['properties'] ?? {}) as Json
  schema['required'] = Object.keys(properties)
  schema['additionalProperties'] = false
  return body
}
