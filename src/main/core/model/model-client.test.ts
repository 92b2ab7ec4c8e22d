import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startFakeModelServer, type FakeModelServer } from '../../../../test/support/fake-model-server'
import type { ModelRole } from '../../../shared/schemas'
import {
  GenerationMeter,
  ModelClient,
  ModelError,
  reasoningRequestParams,
  splitThink,
  ThinkTagParser,
  type ChatMessage,
  type ModelClientOptions,
  type StreamChatOptions,
  type StreamDelta,
  type StreamResult
} from './index'

const MODELS: Record<ModelRole, string> = {
  action: 'act-model',
  thinker: 'think-model',
  memory_policy: 'memory-model',
  critic: 'critic-model'
}
const HELLO: ChatMessage[] = [
  { role: 'system', content: 'You are Duck.' },
  { role: 'user', content: 'Hello?' }
]

let server: FakeModelServer

beforeAll(async () => {
  server = await startFakeModelServer()
})
afterAll(async () => {
  await server.close()
})
afterEach(() => {
  server.reset()
})

function client(options: Partial<ModelClientOptions> = {}): ModelClient {
  return new ModelClient({ baseURL: server.url, models: MODELS, ...options })
}

interface Collected {
  deltas: StreamDelta[]
  reasoning: string
  content: string
  result: StreamResult
}

async function collect(
  model: ModelClient,
  role: ModelRole = 'thinker',
  opts: StreamChatOptions = {}
): Promise<Collected> {
  const generator = model.streamChat(role, HELLO, opts)
  const deltas: StreamDelta[] = []
  for (;;) {
    const step = await generator.next()
    if (step.done === true) {
      return {
        deltas,
        reasoning: deltas
          .filter((d) => d.type === 'reasoning_delta')
          .map((d) => d.delta)
          .join(''),
        content: deltas
          .filter((d) => d.type === 'content_delta')
          .map((d) => d.delta)
          .join(''),
        result: step.value
      }
    }
    deltas.push(step.value)
  }
}

async function caught(promise: Promise<unknown>): Promise<ModelError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(ModelError)
    return error as ModelError
  }
  throw new Error('expected a ModelError, but it resolved')
}

function lastBody(): Record<string, unknown> {
  const request = server.requests.at(-1)
  expect(request).toBeDefined()
  return request?.body ?? {}
}

describe('streamChat', () => {
  it('streams reasoning_content and content, reporting finish_reason and usage', async () => {
    server.script('think-model', {
      reasoning: 'The user greets me.',
      content: 'Hello! How can I help?',
      usage: { completion_tokens: 42 }
    })
    const out = await collect(client())
    expect(out.reasoning).toBe('The user greets me.')
    expect(out.content).toBe('Hello! How can I help?')
    // Reasoning comes first, then content (tokens that arrive in one read come as one delta).
    expect(out.deltas[0]?.type).toBe('reasoning_delta')
    expect(out.deltas.at(-1)?.type).toBe('content_delta')
    const kinds = out.deltas.map((d) => d.type).filter((t, i, all) => i === 0 || all[i - 1] !== t)
    expect(kinds).toEqual(['reasoning_delta', 'content_delta'])
    expect(out.result).toEqual({
      finishReason: 'stop',
      model: 'think-model',
      truncated: false,
      usageCompletionTokens: 42
    })
    const body = lastBody()
    expect(body['stream']).toBe(true)
    expect(body['stream_options']).toEqual({ include_usage: true })
    expect(body['messages']).toEqual(HELLO)
  })

  it('accepts delta.reasoning as well as reasoning_content', async () => {
    // The fake sends reasoning_content; a custom fetch rewrites it the way Ollama names it.
    server.script('think-model', { reasoning: 'thinking hard', content: 'ok' })
    const renaming: typeof fetch = async (input, init) => {
      const response = await fetch(input, init)
      const text = (await response.text()).replaceAll('"reasoning_content"', '"reasoning"')
      return new Response(text, { status: response.status, headers: response.headers })
    }
    const out = await collect(client({ fetch: renaming }))
    expect(out.reasoning).toBe('thinking hard')
    expect(out.content).toBe('ok')
  })

  it('splits <think> tags out of content, also when split across chunks', async () => {
    server.script('think-model', {
      chunks: [
        { content: '<thi' },
        { content: 'nk>\nFirst I ' },
        { content: 'plan.</th' },
        { content: 'ink>\n\nThe ans' },
        { content: 'wer.' }
      ]
    })
    const out = await collect(client())
    expect(out.reasoning).toBe('First I plan.')
    expect(out.content).toBe('The answer.')
    expect(out.deltas.map((d) => d.delta).join('')).not.toContain('<')
  })

  it('learns that a server passes raw </think> through, then reads the start of the stream as reasoning', async () => {
    server.script('think-model', {
      chunks: [{ content: 'Check the' }, { content: ' disk.</' }, { content: 'think>Disk is fine.' }]
    })
    const model = client()
    // The first time, what went out before </think> cannot be taken back; the tag never shows.
    const first = await collect(model, 'thinker', { reasoning: 'on' })
    expect(first.content).toBe('Check the disk.Disk is fine.')
    expect(first.content).not.toContain('think>')
    // From then on, this server's streams start inside the thinking block.
    const out = await collect(model, 'thinker', { reasoning: 'on' })
    expect(out.reasoning).toBe('Check the disk.')
    expect(out.content).toBe('Disk is fine.')
    expect(model.capabilities('thinker').reasoning_format).toBe('think_tags')
  })

  it('never streams a plain answer as reasoning when reasoning is on (a model that does not think)', async () => {
    server.script('think-model', { content: 'Just an answer, no thinking at all.' })
    const out = await collect(client(), 'thinker', { reasoning: 'on' })
    expect(out.deltas.every((d) => d.type === 'content_delta')).toBe(true)
    expect(out.reasoning).toBe('')
    expect(out.content).toBe('Just an answer, no thinking at all.')
  })

  it('trusts the reasoning the server splits off and never re-sends content as reasoning', async () => {
    server.script('think-model', { reasoning: 'Server-side thoughts.', content: 'The answer.' })
    const model = client()
    const out = await collect(model, 'thinker', { reasoning: 'on' })
    expect(out.reasoning).toBe('Server-side thoughts.')
    expect(out.content).toBe('The answer.')
    expect(model.capabilities('thinker').reasoning_format).toBe('separate')
  })

  it('reports finish_reason "length" as truncated, streamed and not', async () => {
    server.script('think-model', { content: 'cut off mid', finishReason: 'length' })
    const out = await collect(client(), 'thinker')
    expect(out.result.finishReason).toBe('length')
    expect(out.result.truncated).toBe(true)
    server.script('act-model', { content: '{"kind": "act', finishReason: 'length' })
    const result = await client().chat('action', HELLO)
    expect(result.truncated).toBe(true)
  })

  it('never loses an answer: unclosed implied thinking becomes content when the answer completes', async () => {
    server.script('think-model', { content: 'Just an answer, no thinking.' })
    const out = await collect(client(), 'thinker', { reasoning: 'on' })
    expect(out.content).toBe('Just an answer, no thinking.')
  })

  it('keeps plain content as content when reasoning is not requested', async () => {
    server.script('think-model', { content: 'A < B and 2 > 1.' })
    const out = await collect(client(), 'thinker', { reasoning: 'auto' })
    expect(out.reasoning).toBe('')
    expect(out.content).toBe('A < B and 2 > 1.')
    expect(out.deltas.every((d) => d.type === 'content_delta')).toBe(true)
  })

  it('maps the reasoning toggle into the request body', async () => {
    server.script('think-model', { content: 'ok' })
    const model = client()
    await collect(model, 'thinker', { reasoning: 'on' })
    expect(lastBody()['chat_template_kwargs']).toEqual({ enable_thinking: true })
    expect(lastBody()['reasoning_effort']).toBe('medium')

    await collect(model, 'thinker', { reasoning: 'off' })
    expect(lastBody()['chat_template_kwargs']).toEqual({ enable_thinking: false })
    expect(lastBody()).not.toHaveProperty('reasoning_effort')

    await collect(model, 'thinker', { reasoning: 'auto' })
    expect(lastBody()).not.toHaveProperty('chat_template_kwargs')
    expect(lastBody()).not.toHaveProperty('reasoning_effort')

    await collect(model, 'thinker')
    expect(lastBody()).not.toHaveProperty('chat_template_kwargs')
  })

  it('passes reasoning through when it is off but the server sends it anyway', async () => {
    server.script('think-model', { reasoning: 'unasked', content: 'ok' })
    const out = await collect(client(), 'thinker', { reasoning: 'off' })
    expect(out.reasoning).toBe('unasked')
    expect(out.content).toBe('ok')
  })

  it('asks again without reasoning fields when the server rejects them, and remembers', async () => {
    server.script('think-model', (body) =>
      body['chat_template_kwargs'] !== undefined || body['reasoning_effort'] !== undefined
        ? { status: 400, error: 'model does not support thinking' }
        : { content: 'plain' }
    )
    const model = client()
    const first = await collect(model, 'thinker', { reasoning: 'on' })
    expect(first.content).toBe('plain')
    expect(server.requests).toHaveLength(2)
    await collect(model, 'thinker', { reasoning: 'on' })
    expect(server.requests).toHaveLength(3)
    expect(lastBody()).not.toHaveProperty('chat_template_kwargs')
  })

  it('sends the model name of each role, temperature and max tokens', async () => {
    server.script('*', { content: 'ok' })
    const model = client()
    for (const role of ['action', 'thinker', 'memory_policy', 'critic'] as const) {
      await collect(model, role, { temperature: 0.2, maxTokens: 64 })
      expect(lastBody()['model']).toBe(MODELS[role])
      expect(lastBody()['temperature']).toBe(0.2)
      expect(lastBody()['max_tokens']).toBe(64)
    }
    await model.chat('memory_policy', HELLO)
    expect(lastBody()['model']).toBe('memory-model')
    expect(lastBody()['stream']).toBe(false)
    expect(model.modelFor('critic')).toBe('critic-model')
  })

  it('sends "not-needed" as the key when none is set, and the key when one is', async () => {
    server.script('*', { content: 'ok' })
    await client().chat('action', HELLO)
    expect(server.requests.at(-1)?.headers['authorization']).toBe('Bearer not-needed')
    await client({ apiKey: 'sk-test' }).chat('action', HELLO)
    expect(server.requests.at(-1)?.headers['authorization']).toBe('Bearer sk-test')
  })

  it('throws model_stalled when the stream goes silent', async () => {
    server.script('think-model', { content: 'Hello', stall: true })
    const started = Date.now()
    const deltas: string[] = []
    const error = await caught(
      (async () => {
        for await (const d of client({ idleTimeoutMs: 300 }).streamChat('thinker', HELLO)) {
          deltas.push(d.delta)
        }
      })()
    )
    expect(error.code).toBe('model_stalled')
    expect(error.message).toContain(`127.0.0.1:${server.port}`)
    expect(deltas.join('')).toBe('Hello')
    expect(Date.now() - started).toBeLessThan(3000)
  })

  it('throws model_stalled when nothing at all arrives before the first-chunk window ends', async () => {
    server.script('think-model', { content: 'late', delayMs: 2000 })
    const started = Date.now()
    const error = await caught(collect(client({ firstChunkTimeoutMs: 300 })))
    expect(error.code).toBe('model_stalled')
    expect(Date.now() - started).toBeLessThan(1500)
  })

  it('notices silence after the first token by the idle window, even when the first window is longer', async () => {
    server.script('think-model', { content: 'Hello', stall: true })
    const started = Date.now()
    const error = await caught(collect(client({ firstChunkTimeoutMs: 20_000, idleTimeoutMs: 300 })))
    expect(error.code).toBe('model_stalled')
    expect(error.message).toContain('nothing arrived for')
    expect(Date.now() - started).toBeLessThan(3000)
  })

  it('keeps a steady stream alive for longer than the idle window in all', async () => {
    server.script('think-model', { content: 'one two three four five six seven eight', chunkDelayMs: 60 })
    const out = await collect(client({ idleTimeoutMs: 200 }))
    expect(out.content).toBe('one two three four five six seven eight')
  })

  it('does not count the consumer’s own time as a stall', async () => {
    server.script('think-model', { content: 'one two three' })
    const seen: string[] = []
    for await (const d of client({ idleTimeoutMs: 150 }).streamChat('thinker', HELLO)) {
      seen.push(d.delta)
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    expect(seen.join('')).toBe('one two three')
  })

  it('throws model_incomplete when the stream ends without finish_reason', async () => {
    server.script('think-model', { content: 'Half an ans', closeEarly: true })
    const error = await caught(collect(client()))
    expect(error.code).toBe('model_incomplete')
  })

  it('throws model_incomplete when the connection drops mid-answer', async () => {
    server.script('think-model', { content: 'Half an ans', dropConnection: true })
    const error = await caught(collect(client()))
    expect(error.code).toBe('model_incomplete')
  })

  it('throws cancelled (AbortError) when the signal aborts mid-stream', async () => {
    server.script('think-model', { content: 'Hello', stall: true })
    const controller = new AbortController()
    const error = await caught(
      (async () => {
        for await (const d of client().streamChat('thinker', HELLO, { signal: controller.signal })) {
          if (d.delta !== '') setTimeout(() => controller.abort(), 50)
        }
      })()
    )
    expect(error.code).toBe('cancelled')
    expect(error.name).toBe('AbortError')
  })

  it('throws cancelled before sending when the signal is already aborted', async () => {
    const error = await caught(collect(client(), 'thinker', { signal: AbortSignal.abort() }))
    expect(error.code).toBe('cancelled')
    expect(server.requests).toHaveLength(0)
  })

  it('aborts the request when the consumer stops reading', async () => {
    server.script('think-model', { content: 'Hello', stall: true })
    for await (const d of client({ idleTimeoutMs: 10_000 }).streamChat('thinker', HELLO)) {
      expect(d.delta).toBe('Hello')
      break
    }
    // Reaching here without waiting for the watchdog is the point.
  })

  it('reports an unknown model as model_error naming it', async () => {
    const model = new ModelClient({ baseURL: server.url, models: { ...MODELS, thinker: 'nope' } })
    const error = await caught(collect(model))
    expect(error.code).toBe('model_error')
    expect(error.status).toBe(404)
    expect(error.message).toContain('"nope"')
  })

  it('reports 5xx as model_unavailable', async () => {
    server.script('think-model', { status: 503, error: 'Loading model' })
    const error = await caught(collect(client()))
    expect(error.code).toBe('model_unavailable')
    expect(error.status).toBe(503)
    expect(error.message).toContain('Loading model')
    expect(error.message).toContain(`127.0.0.1:${server.port}`)
  })
})

describe('server down', () => {
  it('throws model_unavailable naming the host for streams, chat and listModels', async () => {
    const down = await startFakeModelServer()
    down.script('*', { content: 'ok' })
    const model = new ModelClient({ baseURL: down.url, models: MODELS })
    await collect(model) // works while up (and leaves a keep-alive connection behind)
    await down.setDown(true)
    try {
      const attempts = [() => collect(model), () => model.chat('action', HELLO), () => model.listModels()]
      for (const attempt of attempts) {
        const error = await caught(attempt())
        expect(error.code).toBe('model_unavailable')
        expect(error.message).toBe(
          `The model server at 127.0.0.1:${down.port} did not answer. Check it is running, or change it in Settings.`
        )
      }
      await down.setDown(false)
      expect((await collect(model)).content).toBe('ok')
    } finally {
      await down.close()
    }
  })

  it('names the host for an address nothing listens on', async () => {
    const model = new ModelClient({ baseURL: 'http://127.0.0.1:9/v1', models: MODELS })
    const error = await caught(model.chat('action', HELLO))
    expect(error.code).toBe('model_unavailable')
    expect(error.message).toContain('127.0.0.1:9 did not answer')
  })
})

describe('chat', () => {
  const SCHEMA = {
    name: 'action_directive',
    schema: { type: 'object', properties: { kind: { type: 'string' } }, required: ['kind'] }
  }

  it('returns content, reasoning and model, with <think> removed from content', async () => {
    server.script('act-model', { content: '<think>hmm</think>\n{"kind":"x"}', usage: { completion_tokens: 9 } })
    const result = await client().chat('action', HELLO)
    expect(result).toEqual({
      content: '{"kind":"x"}',
      reasoning: 'hmm',
      model: 'act-model',
      finishReason: 'stop',
      truncated: false,
      usageCompletionTokens: 9
    })
  })

  it('returns server-parsed reasoning', async () => {
    server.script('act-model', { reasoning: 'pondering', content: 'done' })
    const result = await client().chat('action', HELLO)
    expect(result.reasoning).toBe('pondering')
    expect(result.content).toBe('done')
  })

  it('sends json_schema response_format when the server supports it', async () => {
    server.script('act-model', { content: '{"kind":"x"}' })
    const model = client()
    const result = await model.chat('action', HELLO, { responseFormat: SCHEMA })
    expect(result.content).toBe('{"kind":"x"}')
    expect(lastBody()['response_format']).toEqual({
      type: 'json_schema',
      json_schema: { name: 'action_directive', schema: SCHEMA.schema, strict: true }
    })
    expect(server.requests).toHaveLength(1)
    expect(model.structuredMode).toBe('json_schema')
  })

  it('falls back to json_object when json_schema is refused, and remembers it', async () => {
    server.script('act-model', { content: '{"kind":"x"}', rejectJsonSchema: true })
    const model = client()
    const result = await model.chat('action', HELLO, { responseFormat: SCHEMA })
    expect(result.content).toBe('{"kind":"x"}')
    expect(server.requests.map((r) => r.body?.response_format?.type)).toEqual(['json_schema', 'json_object'])
    // The fallback tells the model the schema itself.
    const messages = lastBody()['messages'] as ChatMessage[]
    expect(messages[0]?.content).toContain('You are Duck.')
    expect(messages[0]?.content).toContain('"required":["kind"]')
    expect(model.structuredMode).toBe('json_object')

    server.requests.length = 0
    await model.chat('action', HELLO, { responseFormat: SCHEMA })
    expect(server.requests.map((r) => r.body?.response_format?.type)).toEqual(['json_object'])

    // Another client starts from the top again.
    server.requests.length = 0
    await client().chat('action', HELLO, { responseFormat: SCHEMA })
    expect(server.requests).toHaveLength(2)
  })

  it("one schema's fallback does not cost another schema on the same model its json_schema", async () => {
    let calls = 0
    server.script('act-model', () => {
      calls += 1
      // The first schema (the memory decision) is refused strictly; the planner's is fine.
      return calls === 1 ? { content: '{}', rejectJsonSchema: true } : { content: '{"kind":"x"}' }
    })
    const model = client()
    await model.chat('action', HELLO, { responseFormat: { name: 'memory_decision', schema: SCHEMA.schema } })
    server.requests.length = 0
    await model.chat('action', HELLO, { responseFormat: SCHEMA })
    expect(server.requests.map((r) => r.body?.response_format?.type)).toEqual(['json_schema'])
  })

  it('falls back to no response_format when json_object is refused too', async () => {
    server.script('act-model', {
      content: '{"kind":"x"}',
      rejectJsonSchema: true,
      rejectJsonObject: true
    })
    const model = client()
    await model.chat('action', HELLO, { responseFormat: SCHEMA })
    expect(server.requests.map((r) => r.body?.response_format?.type)).toEqual(['json_schema', 'json_object', undefined])
    expect(model.structuredMode).toBe('none')
    server.requests.length = 0
    await model.chat('action', HELLO, { responseFormat: SCHEMA })
    expect(server.requests).toHaveLength(1)
    expect(lastBody()).not.toHaveProperty('response_format')
  })

  it('does not fall back without a response_format, and does not remember a failure', async () => {
    server.script('act-model', { status: 400, error: 'context too long' })
    const model = client()
    const plain = await caught(model.chat('action', HELLO))
    expect(plain.code).toBe('model_error')
    expect(plain.status).toBe(400)
    expect(plain.message).toContain('context too long')
    expect(server.requests).toHaveLength(1)

    server.requests.length = 0
    const structured = await caught(model.chat('action', HELLO, { responseFormat: SCHEMA }))
    expect(structured.code).toBe('model_error')
    expect(server.requests).toHaveLength(3)
    expect(model.structuredMode).toBe('json_schema')
  })

  it('throws cancelled when aborted while waiting', async () => {
    server.script('act-model', { content: 'slow', delayMs: 2000 })
    const error = await caught(client().chat('action', HELLO, { signal: AbortSignal.timeout(100) }))
    expect(error.code).toBe('cancelled')
    expect(error.name).toBe('AbortError')
  })

  it('throws model_stalled when the request times out', async () => {
    server.script('act-model', { content: 'slow', delayMs: 2000 })
    const error = await caught(client({ timeoutMs: 200 }).chat('action', HELLO))
    expect(error.code).toBe('model_stalled')
  })
})

describe('listModels', () => {
  it('lists the scripted models, or a configured list', async () => {
    const own = await startFakeModelServer()
    try {
      own.script('qwen3:8b', { content: 'x' })
      own.script('*', { content: 'x' })
      const model = new ModelClient({ baseURL: own.url, models: MODELS })
      expect(await model.listModels()).toEqual([{ id: 'qwen3:8b', owned_by: 'fake' }])
      own.setModels(['a', 'b'])
      expect((await model.listModels()).map((m) => m.id)).toEqual(['a', 'b'])
      expect(own.requests.at(-1)?.path).toBe('/v1/models')
    } finally {
      await own.close()
    }
  })
})

describe('reasoningRequestParams', () => {
  it('sends only reasoning_effort to OpenAI itself', () => {
    const openai = 'https://api.openai.com/v1'
    expect(reasoningRequestParams('on', openai)).toEqual({ reasoning_effort: 'medium' })
    expect(reasoningRequestParams('off', openai)).toEqual({})
    expect(reasoningRequestParams('auto', openai)).toEqual({})
  })
  it('uses chat_template_kwargs for local servers', () => {
    const local = 'http://localhost:11434/v1'
    expect(reasoningRequestParams('on', local)).toEqual({
      chat_template_kwargs: { enable_thinking: true },
      reasoning_effort: 'medium'
    })
    expect(reasoningRequestParams('off', local)).toEqual({
      chat_template_kwargs: { enable_thinking: false }
    })
    expect(reasoningRequestParams(undefined, local)).toEqual({})
  })
})

describe('think parsing', () => {
  it('splits a complete answer in all three shapes', () => {
    expect(splitThink('<think>a</think>b')).toEqual({ reasoning: 'a', content: 'b' })
    expect(splitThink('a</think>\nb')).toEqual({ reasoning: 'a', content: 'b' })
    expect(splitThink('just b')).toEqual({ reasoning: '', content: 'just b' })
  })

  it('handles every split point of a tagged stream', () => {
    const text = '<think>why</think>because'
    for (let cut = 1; cut < text.length; cut++) {
      for (let cut2 = cut; cut2 < text.length; cut2++) {
        const parser = new ThinkTagParser()
        const parts = [
          ...parser.push(text.slice(0, cut)),
          ...parser.push(text.slice(cut, cut2)),
          ...parser.push(text.slice(cut2)),
          ...parser.flush(true)
        ]
        const join = (type: string): string =>
          parts
            .filter((p) => p.type === type)
            .map((p) => p.delta)
            .join('')
        expect(join('reasoning_delta'), `cuts ${cut},${cut2}`).toBe('why')
        expect(join('content_delta'), `cuts ${cut},${cut2}`).toBe('because')
      }
    }
  })

  it('releases a held partial tag that turns out not to be one', () => {
    const parser = new ThinkTagParser()
    expect(parser.push('<th')).toEqual([])
    expect([...parser.push('e answer'), ...parser.flush(true)]).toEqual([
      { type: 'content_delta', delta: '<the answer' }
    ])
  })
})

describe('GenerationMeter', () => {
  it('computes ttft, duration and rates from a fake clock', () => {
    let now = 0
    const meter = new GenerationMeter(() => now)
    meter.start()
    now = 500
    meter.onToken() // first token after 500 ms of prompt processing
    for (let i = 0; i < 32; i++) {
      now += i < 16 ? 50 : 100 // 20 tok/s, then 10 tok/s
      meter.onToken()
    }
    now += 10
    const stats = meter.finish()
    expect(stats.output_tokens).toBe(33)
    expect(stats.ttft_ms).toBe(500)
    expect(stats.duration_ms).toBe(2910)
    // 32 decode tokens over 2.4 s.
    expect(stats.avg_tokens_per_second).toBeCloseTo(13.3, 1)
    expect(stats.max_tokens_per_second).toBeCloseTo(20, 0)
    expect(stats.min_tokens_per_second).toBeCloseTo(10, 0)
  })

  it('uses usage tokens when given, and scales rates to them', () => {
    let now = 0
    const meter = new GenerationMeter(() => now)
    meter.start()
    for (let i = 0; i < 11; i++) {
      now += 100
      meter.onToken()
    }
    const stats = meter.finish(22) // two tokens per delta
    expect(stats.output_tokens).toBe(22)
    expect(stats.avg_tokens_per_second).toBeCloseTo(20, 5)
  })

  it('gives null rates for fewer than two tokens, and null ttft without any', () => {
    let now = 0
    const meter = new GenerationMeter(() => now)
    meter.start()
    now = 300
    expect(meter.finish()).toEqual({
      output_tokens: 0,
      ttft_ms: null,
      duration_ms: 300,
      min_tokens_per_second: null,
      avg_tokens_per_second: null,
      max_tokens_per_second: null,
      truncated: false
    })
    meter.onToken()
    const one = meter.finish()
    expect(one.output_tokens).toBe(1)
    expect(one.ttft_ms).toBe(300)
    expect(one.avg_tokens_per_second).toBeNull()
  })

  it('does not count the pause between two requests as slow generation', () => {
    let now = 0
    const meter = new GenerationMeter(() => now)
    for (const _request of [1, 2]) {
      meter.start()
      for (let i = 0; i < 10; i++) {
        now += 100
        meter.onToken()
      }
      now += 5000 // a tool runs
    }
    const stats = meter.finish()
    expect(stats.output_tokens).toBe(20)
    expect(stats.ttft_ms).toBe(100)
    expect(stats.min_tokens_per_second).toBeCloseTo(10, 5)
    expect(stats.max_tokens_per_second).toBeCloseTo(10, 5)
  })

  it('measures a real stream sensibly', async () => {
    server.script('think-model', {
      delayMs: 150,
      chunkDelayMs: 25,
      reasoning: 'one two three four five',
      content: 'six seven eight nine ten eleven twelve'
    })
    const meter = new GenerationMeter()
    const out = await collect(client(), 'thinker', { meter })
    const stats = meter.finish()
    expect(out.result.usageCompletionTokens).toBe(12)
    expect(stats.output_tokens).toBe(12)
    expect(stats.ttft_ms).not.toBeNull()
    expect(stats.ttft_ms ?? 0).toBeGreaterThanOrEqual(140)
    expect(stats.duration_ms).toBeGreaterThanOrEqual((stats.ttft_ms ?? 0) + 11 * 20)
    const { min_tokens_per_second: min, avg_tokens_per_second: avg, max_tokens_per_second: max } = stats
    expect(avg).not.toBeNull()
    expect(avg ?? 0).toBeGreaterThan(5)
    expect(avg ?? 0).toBeLessThan(60) // ~40 tok/s at 25 ms apart
    expect(min ?? Infinity).toBeLessThanOrEqual(avg ?? 0)
    expect(max ?? 0).toBeGreaterThanOrEqual(avg ?? Infinity)
  })
})

describe('fake server bulk mode', () => {
  it('streams many one-token chunks fast, with usage and [DONE]', async () => {
    const tokens = 20_000
    server.script('think-model', { tokens })
    const meter = new GenerationMeter()
    const started = Date.now()
    const out = await collect(client(), 'thinker', { meter })
    const stats = meter.finish()
    // Every token arrives, in order; a read's worth of tokens is one delta, never more deltas than tokens.
    expect(out.content).toBe(' tok'.repeat(tokens).trimStart())
    expect(out.deltas.length).toBeGreaterThan(0)
    expect(out.deltas.length).toBeLessThan(tokens)
    expect(out.result).toEqual({
      finishReason: 'stop',
      model: 'think-model',
      truncated: false,
      usageCompletionTokens: tokens
    })
    expect(stats.output_tokens).toBe(tokens)
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('speaks raw SSE to a plain fetch as well', async () => {
    server.script('bulk', { tokens: 3, tokenText: 'x' })
    const response = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'bulk', stream: true, messages: [] })
    })
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    const text = await response.text()
    const events = text.split('\n\n').filter((e) => e !== '')
    expect(events).toHaveLength(6) // role, 3 tokens, finish, [DONE]
    expect(events.at(-1)).toBe('data: [DONE]')
    expect(events.at(-2)).toContain('"finish_reason":"stop"')
  })
})

describe('GenerationMeter: honest rates', () => {
  it('gives no rate for a short answer that arrived in one burst (no 20,000 tok/s)', () => {
    let now = 0
    const meter = new GenerationMeter(() => now)
    meter.start()
    now = 200
    for (let i = 0; i < 12; i++) {
      now += 0.04 // twelve deltas in half a millisecond
      meter.onToken()
    }
    const stats = meter.finish()
    expect(stats.output_tokens).toBe(12)
    expect(stats.avg_tokens_per_second).toBeNull()
    expect(stats.max_tokens_per_second).toBeNull()
  })

  it("prefers the engine's own counts: avg is its tokens over its decode time", () => {
    let now = 0
    const meter = new GenerationMeter(() => now)
    meter.start()
    now = 100
    for (let i = 0; i < 12; i++) {
      now += 0.04
      meter.onToken()
    }
    meter.recordEngineTimings({ outputTokens: 12, decodeMs: 40, promptMs: 90 })
    const stats = meter.finish()
    expect(stats.output_tokens).toBe(12)
    expect(stats.avg_tokens_per_second).toBe(300)
    expect(stats.min_tokens_per_second).toBe(300)
    expect(stats.max_tokens_per_second).toBe(300)
  })

  it('marks a cut-off answer as truncated', () => {
    const meter = new GenerationMeter()
    meter.start()
    meter.markTruncated()
    expect(meter.finish().truncated).toBe(true)
  })
})
