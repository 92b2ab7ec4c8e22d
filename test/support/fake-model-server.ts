/**
 * A fake OpenAI-compatible model server for integration and e2e tests.
 *
 * It is a real `node:http` server on 127.0.0.1 (random port), so the real `openai` SDK talks
 * real HTTP to it: streaming, errors, refused connections and stalls behave as they would
 * against llama.cpp, Ollama, LM Studio, vLLM or OpenAI.
 *
 *   const server = await startFakeModelServer()
 *   server.script('qwen3', () => ({ reasoning: 'Let me see.', content: 'Hello there.' }))
 *   server.script('*', { content: 'fallback for any other model' })
 *   // ... point the client at server.url ...
 *   await server.close()
 *
 * Routes:
 *   GET  /v1/models            the scripted model names (or the list given to setModels)
 *   POST /v1/chat/completions  non-streamed JSON, or SSE (`data: {chunk}\n\n` … `data: [DONE]`)
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeChunk {
  content?: string
  /** Sent as `delta.reasoning_content` (or `message.reasoning_content` when not streamed). */
  reasoning?: string
}

/** What a handler wants the server to answer. */
export interface FakeReply {
  content?: string
  reasoning?: string
  /** Explicit streaming pieces; without them content and reasoning are split into word pieces. */
  chunks?: FakeChunk[]
  /** An HTTP error status (4xx/5xx); the body is `{ error: { message, type, code } }`. */
  status?: number
  /** The error message for `status`. */
  error?: string
  /** Stream: send the role chunk and any pieces, then nothing more, never end. */
  stall?: boolean
  /** Stream: send the pieces, then end the response without finish_reason and without [DONE]. */
  closeEarly?: boolean
  /** Stream: send the pieces, then destroy the socket (a crash mid-answer). */
  dropConnection?: boolean
  /** Wait this long before answering at all (before the status line). */
  delayMs?: number
  /** Stream: wait this long between pieces. */
  chunkDelayMs?: number
  /** Usage reported to the client; completion_tokens defaults to the number of pieces. */
  usage?: { completion_tokens: number }
  /** Bulk mode for benchmarks: stream this many one-token content chunks as fast as possible. */
  tokens?: number
  /** The text of one bulk token (default " tok"). */
  tokenText?: string
  /** With `tokens`: one token every `paceMs` instead of as fast as the socket takes them. */
  paceMs?: number
  /** Answer 400 when `response_format.type` is `json_schema` (like servers without support). */
  rejectJsonSchema?: boolean
  /** Answer 400 when `response_format.type` is `json_object`. */
  rejectJsonObject?: boolean
  /** finish_reason of the last chunk / choice (default "stop"). */
  finishReason?: 'stop' | 'length'
}

export interface FakeRequestBody {
  model?: string
  messages?: Array<{ role: string; content: unknown }>
  stream?: boolean
  stream_options?: { include_usage?: boolean } | null
  response_format?: { type: string; [key: string]: unknown }
  [key: string]: unknown
}

export interface RecordedRequest {
  method: string
  /** The request path, including any query string (e.g. "/v1/chat/completions"). */
  path: string
  headers: http.IncomingHttpHeaders
  /** The parsed JSON body; null for requests without one. */
  body: FakeRequestBody | null
  /** Wall-clock ms (`performance.timeOrigin + performance.now()`) when the first token was written. */
  firstTokenAt?: number
}

export type FakeHandler =
  FakeReply | ((body: FakeRequestBody, request: RecordedRequest) => FakeReply | Promise<FakeReply>)

export interface FakeModelServer {
  /** Base URL including /v1, e.g. http://127.0.0.1:43123/v1 */
  url: string
  port: number
  /** Scripts the replies for one model name (`body.model`), or for any other model with '*'. */
  script(model: string, handler: FakeHandler): void
  /** Sets what GET /v1/models lists; null goes back to the scripted model names. */
  setModels(models: string[] | null): void
  /** Every request received, in order (also while handlers are missing or failing). */
  requests: RecordedRequest[]
  /** Forgets all scripts, recorded requests and the setModels list (e.g. in afterEach). */
  reset(): void
  /**
   * true: stop listening and drop open connections, so clients get ECONNREFUSED.
   * false: listen again on the same port. Await it before the next request.
   */
  setDown(down: boolean): Promise<void>
  close(): Promise<void>
}

const HOST = '127.0.0.1'
const BULK_BATCH = 512

export async function startFakeModelServer(): Promise<FakeModelServer> {
  const scripts = new Map<string, FakeHandler>()
  const requests: RecordedRequest[] = []
  let modelList: string[] | null = null

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        sendError(res, 500, `fake server failure: ${String(error)}`)
      } else {
        res.destroy()
      }
    })
  })

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = await readBody(req)
    const path = req.url ?? '/'
    const method = req.method ?? 'GET'
    let body: FakeRequestBody | null = null
    let parseFailed = false
    if (raw.length > 0) {
      try {
        const parsed: unknown = JSON.parse(raw)
        body = isObject(parsed) ? (parsed as FakeRequestBody) : null
        parseFailed = body === null
      } catch {
        parseFailed = true
      }
    }
    const recorded: RecordedRequest = { method, path, headers: req.headers, body }
    requests.push(recorded)

    const route = path.split('?')[0]
    if (method === 'GET' && route === '/fake/requests') {
      // For benchmarks in another process: when each request's first token went out.
      sendJson(res, 200, {
        requests: requests
          .filter((r) => r.path.startsWith('/v1/chat/completions'))
          .map((r) => ({ model: r.body?.model ?? null, first_token_at: r.firstTokenAt ?? null }))
      })
      return
    }
    if (method === 'GET' && route === '/v1/models') {
      const ids = modelList ?? [...scripts.keys()].filter((name) => name !== '*')
      sendJson(res, 200, {
        object: 'list',
        data: ids.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'fake' }))
      })
      return
    }
    if (method === 'POST' && route === '/v1/chat/completions') {
      if (parseFailed || body === null) {
        sendError(res, 400, 'request body is not valid JSON')
        return
      }
      await chatCompletions(body, recorded, res)
      return
    }
    sendError(res, 404, `no route for ${method} ${route}`, 'not_found_error')
  }

  async function chatCompletions(
    body: FakeRequestBody,
    recorded: RecordedRequest,
    res: http.ServerResponse
  ): Promise<void> {
    const model = typeof body.model === 'string' ? body.model : ''
    const handler = scripts.get(model) ?? scripts.get('*')
    if (handler === undefined) {
      sendError(res, 404, `model '${model}' not found`, 'not_found_error')
      return
    }
    const reply = typeof handler === 'function' ? await handler(body, recorded) : handler

    if (reply.delayMs !== undefined && reply.delayMs > 0) await sleep(reply.delayMs)
    if (res.destroyed) return

    const formatType = body.response_format?.type
    if (reply.rejectJsonSchema === true && formatType === 'json_schema') {
      sendError(res, 400, "response_format type 'json_schema' is not supported by this server")
      return
    }
    if (reply.rejectJsonObject === true && formatType === 'json_object') {
      sendError(res, 400, "response_format type 'json_object' is not supported by this server")
      return
    }
    if (reply.status !== undefined && reply.status >= 400) {
      sendError(res, reply.status, reply.error ?? `fake error ${reply.status}`)
      return
    }

    const created = Math.floor(Date.now() / 1000)
    const id = `chatcmpl-fake-${requests.length}`
    const finishReason = reply.finishReason ?? 'stop'
    const promptTokens = estimatePromptTokens(body)

    if (body.stream !== true) {
      const pieces = piecesOf(reply)
      const content =
        reply.tokens !== undefined
          ? (reply.tokenText ?? ' tok').repeat(reply.tokens)
          : pieces.map((piece) => piece.content ?? '').join('')
      const reasoning = pieces.map((piece) => piece.reasoning ?? '').join('')
      const completionTokens = reply.usage?.completion_tokens ?? reply.tokens ?? pieces.length
      sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content,
              ...(reasoning !== '' ? { reasoning_content: reasoning } : {})
            },
            logprobs: null,
            finish_reason: finishReason
          }
        ],
        usage: usageOf(promptTokens, completionTokens)
      })
      return
    }

    // Streaming.
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive'
    })
    res.flushHeaders()
    const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
      sse({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }]
      })

    if (!(await write(res, chunk({ role: 'assistant', content: '' })))) return

    let completionTokens: number
    if (reply.tokens !== undefined) {
      const one = chunk({ content: reply.tokenText ?? ' tok' })
      let left = reply.tokens
      const paced = reply.paceMs !== undefined && reply.paceMs > 0
      while (left > 0) {
        if (paced && left < reply.tokens) await sleep(reply.paceMs as number)
        const n = paced ? 1 : Math.min(BULK_BATCH, left)
        recorded.firstTokenAt ??= performance.timeOrigin + performance.now()
        if (!(await write(res, one.repeat(n)))) return
        left -= n
      }
      completionTokens = reply.tokens
    } else {
      const pieces = piecesOf(reply)
      for (const [index, piece] of pieces.entries()) {
        if (index > 0 && reply.chunkDelayMs !== undefined && reply.chunkDelayMs > 0) {
          await sleep(reply.chunkDelayMs)
        }
        const delta: Record<string, unknown> = {}
        if (piece.reasoning !== undefined) delta['reasoning_content'] = piece.reasoning
        if (piece.content !== undefined) delta['content'] = piece.content
        if (!(await write(res, chunk(delta)))) return
      }
      completionTokens = pieces.length
    }
    completionTokens = reply.usage?.completion_tokens ?? completionTokens

    if (reply.stall === true) return // headers and pieces sent; never another byte, never ends
    if (reply.dropConnection === true) {
      res.socket?.destroy()
      return
    }
    if (reply.closeEarly === true) {
      res.end()
      return
    }
    if (!(await write(res, chunk({}, finishReason)))) return
    if (body.stream_options?.include_usage === true) {
      const usageChunk = sse({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [],
        usage: usageOf(promptTokens, completionTokens)
      })
      if (!(await write(res, usageChunk))) return
    }
    res.end('data: [DONE]\n\n')
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, HOST, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  let listening = true

  async function stopListening(): Promise<void> {
    if (!listening) return
    listening = false
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  }

  return {
    url: `http://${HOST}:${port}/v1`,
    port,
    requests,
    script(model, handler) {
      scripts.set(model, handler)
    },
    setModels(models) {
      modelList = models === null ? null : [...models]
    },
    reset() {
      scripts.clear()
      requests.length = 0
      modelList = null
    },
    async setDown(down) {
      if (down) {
        await stopListening()
        return
      }
      if (listening) return
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, HOST, () => {
          server.off('error', reject)
          resolve()
        })
      })
      listening = true
    },
    close: stopListening
  }
}

function piecesOf(reply: FakeReply): FakeChunk[] {
  if (reply.chunks !== undefined) return reply.chunks
  const pieces: FakeChunk[] = []
  for (const text of splitWords(reply.reasoning ?? '')) pieces.push({ reasoning: text })
  for (const text of splitWords(reply.content ?? '')) pieces.push({ content: text })
  return pieces
}

/** "Hello big world" → ["Hello", " big", " world"], like tokens carrying their leading space. */
function splitWords(text: string): string[] {
  return text.match(/\s*\S+|\s+/g) ?? []
}

function estimatePromptTokens(body: FakeRequestBody): number {
  let chars = 0
  for (const message of body.messages ?? []) {
    chars += typeof message.content === 'string' ? message.content.length : 0
  }
  return Math.ceil(chars / 4)
}

function usageOf(prompt: number, completion: number): Record<string, number> {
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion }
}

function sse(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text)
  })
  res.end(text)
}

function sendError(
  res: http.ServerResponse,
  status: number,
  message: string,
  type = status >= 500 ? 'server_error' : 'invalid_request_error'
): void {
  sendJson(res, status, { error: { code: status, message, type } })
}

/** Writes and waits for drain when the socket is full; false when the client has gone. */
function write(res: http.ServerResponse, data: string): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return Promise.resolve(false)
  if (res.write(data)) return Promise.resolve(true)
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      res.off('drain', onDrain)
      res.off('close', onClose)
      resolve(ok)
    }
    const onDrain = (): void => done(true)
    const onClose = (): void => done(false)
    res.once('drain', onDrain)
    res.once('close', onClose)
  })
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []
    req.on('data', (part: Buffer) => parts.push(part))
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')))
    req.on('error', reject)
  })
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
