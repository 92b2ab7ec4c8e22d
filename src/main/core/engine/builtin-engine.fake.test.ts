/**
 * The engine client against scripted worker processes: what it does with replies that do not
 * parse, a worker that never starts, goes silent or dies, and how it reports to the meter. The
 * real worker and node-llama-cpp are in builtin-engine.test.ts.
 */
import { describe, expect, it } from 'vitest'
import type { ModelRole } from '../../../shared/schemas'
import { isModelError } from '../model/errors'
import { GenerationMeter } from '../model/meter'
import { BuiltinEngine, defaultThreads, type BuiltinEngineOptions } from './builtin-engine'
import type { EngineProcess } from './process'

type Handler = (message: Record<string, unknown>, proc: FakeProcess) => void

class FakeProcess implements EngineProcess {
  readonly sent: Array<Record<string, unknown>> = []
  private readonly listeners: Array<(message: unknown) => void> = []
  private readonly exits: Array<(code: number | null, signal?: string | null) => void> = []
  killed = false
  exited = false

  constructor(private readonly handler: Handler) {}

  send(message: unknown): void {
    if (this.exited) throw new Error('not running')
    const record = message as Record<string, unknown>
    this.sent.push(record)
    queueMicrotask(() => this.handler(record, this))
  }
  onMessage(cb: (message: unknown) => void): void {
    this.listeners.push(cb)
  }
  onExit(cb: (code: number | null, signal?: string | null) => void): void {
    this.exits.push(cb)
  }
  kill(): void {
    this.killed = true
    this.exit(null, 'SIGKILL')
  }
  reply(message: unknown): void {
    for (const cb of this.listeners) cb(message)
  }
  exit(code: number | null, signal: string | null = null): void {
    if (this.exited) return
    this.exited = true
    for (const cb of this.exits) cb(code, signal)
  }
  hello(): void {
    this.reply({ type: 'hello', pid: 4242, host: 'child' })
  }
}

const ROLES: Record<ModelRole, string> = {
  action: '/models/a.gguf',
  thinker: '/models/b.gguf',
  memory_policy: '/models/a.gguf',
  critic: ''
}

/** A worker that starts, answers init, and hands everything else to `handler`. */
function scripted(
  handler: Handler = () => undefined,
  { obeysShutdown = true } = {}
): { procs: FakeProcess[]; spawn: () => FakeProcess } {
  const procs: FakeProcess[] = []
  return {
    procs,
    spawn: () => {
      const proc = new FakeProcess((message, p) => {
        if (message['type'] === 'init') {
          p.reply({ type: 'ready', id: message['id'], gpu: null, threads: 1, note: null })
          return
        }
        if (message['type'] === 'shutdown' && obeysShutdown) {
          p.reply({ type: 'bye', id: message['id'] })
          p.exit(0)
          return
        }
        handler(message, p)
      })
      procs.push(proc)
      setTimeout(() => proc.hello(), 1)
      return proc
    }
  }
}

function engine(spawn: () => EngineProcess, options: Partial<BuiltinEngineOptions> = {}): BuiltinEngine {
  return new BuiltinEngine({
    models: ROLES,
    contextLength: 2048,
    threads: 1,
    spawn,
    onLog: () => undefined,
    ...options
  })
}

const done = (id: unknown, extra: Record<string, unknown> = {}) => ({
  type: 'done',
  id,
  finishReason: 'stop',
  truncated: false,
  stoppedBy: 'end',
  stats: { outputTokens: 3, promptTokens: 10, promptMs: 5, decodeMs: 20 },
  contextSize: 2048,
  ...extra
})

describe('BuiltinEngine with a scripted worker', () => {
  it('sends init first, then the chat with the role’s file and options', async () => {
    const { procs, spawn } = scripted((message, p) => {
      if (message['type'] !== 'chat') return
      p.reply({ type: 'delta', id: message['id'], kind: 'content', text: 'Hi', tokens: 1 })
      p.reply(done(message['id']))
    })
    const duck = engine(spawn, { threads: 3, memoryCapBytes: 1000 })
    const result = await duck.chat('action', [{ role: 'user', content: 'hello' }], {
      temperature: 0.2,
      maxTokens: 7,
      reasoning: 'off'
    })
    expect(result).toEqual({
      content: 'Hi',
      reasoning: '',
      model: '/models/a.gguf',
      finishReason: 'stop',
      truncated: false,
      usageCompletionTokens: 3
    })
    const [init, chat] = procs[0]?.sent ?? []
    expect(init).toMatchObject({ type: 'init', threads: 3, gpu: 'auto', memoryCapBytes: 1000 })
    expect(chat).toMatchObject({
      type: 'chat',
      model: '/models/a.gguf',
      contextSize: 2048,
      messages: [{ role: 'user', content: 'hello' }],
      temperature: 0.2,
      maxTokens: 7,
      reasoning: 'off'
    })
    expect(chat).not.toHaveProperty('schema')
    expect(duck.capabilities('action').tokens_per_second).toBe(150)
    expect(duck.backend).toEqual({ gpu: null, threads: 1 })
    await duck.close()
  })

  it('converts the response schema before sending it', async () => {
    const { procs, spawn } = scripted((message, p) => {
      if (message['type'] === 'chat') {
        p.reply({ type: 'delta', id: message['id'], kind: 'content', text: ' {"a":"x"} ', tokens: 4 })
        p.reply(done(message['id']))
      }
    })
    const duck = engine(spawn)
    const result = await duck.chat('action', [{ role: 'user', content: 'x' }], {
      responseFormat: {
        name: 'r',
        schema: {
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          type: 'object',
          properties: { a: { type: 'string', default: 'x' } }
        }
      }
    })
    expect(result.content).toBe('{"a":"x"}')
    expect(procs[0]?.sent[1]?.['schema']).toEqual({ type: 'object', properties: { a: { type: 'string' } } })
    const refused = await duck
      .chat('action', [{ role: 'user', content: 'x' }], {
        responseFormat: { name: 'never', schema: { anyOf: [false] } as object }
      })
      .catch((e: unknown) => e)
    expect(isModelError(refused, 'model_error')).toBe(true)
    expect((refused as Error).message).toMatch(/"never" cannot be used: .*allows no value/)
    await duck.close()
  })

  it('streams deltas and hands the engine’s counts to the meter', async () => {
    const { spawn } = scripted((message, p) => {
      if (message['type'] !== 'chat') return
      p.reply({ type: 'delta', id: message['id'], kind: 'reasoning', text: 'hmm', tokens: 1 })
      p.reply({ type: 'delta', id: message['id'], kind: 'content', text: 'Yes', tokens: 1 })
      p.reply(done(message['id'], { finishReason: 'length', truncated: true, stoppedBy: 'max_tokens' }))
    })
    const duck = engine(spawn)
    const meter = new GenerationMeter()
    const recorded: unknown[] = []
    Object.assign(meter, { recordEngineTimings: (t: unknown) => recorded.push(t) })
    const stream = duck.streamChat('thinker', [{ role: 'user', content: 'q' }], { meter })
    const deltas = []
    let next = await stream.next()
    while (next.done !== true) {
      deltas.push(next.value)
      next = await stream.next()
    }
    expect(deltas).toEqual([
      { type: 'reasoning_delta', delta: 'hmm' },
      { type: 'content_delta', delta: 'Yes' }
    ])
    expect(next.value).toEqual({
      finishReason: 'length',
      model: '/models/b.gguf',
      truncated: true,
      usageCompletionTokens: 3
    })
    expect(recorded).toEqual([{ outputTokens: 3, decodeMs: 20, promptMs: 5 }])
    await duck.close()
  })

  it('treats a reply that does not parse as an error for its request, not a crash', async () => {
    const { procs, spawn } = scripted((message, p) => {
      if (message['type'] !== 'chat') return
      p.reply('garbage')
      p.reply({ type: 'delta', id: message['id'], kind: 'shouting', text: 'x', tokens: 1 })
    })
    const logs: string[] = []
    const duck = engine(spawn, { onLog: (_l, m) => logs.push(m) })
    const error = await duck.chat('action', [{ role: 'user', content: 'x' }]).catch((e: unknown) => e)
    expect(isModelError(error, 'model_error')).toBe(true)
    expect((error as Error).message).toMatch(/sent a reply Duck could not read \(kind: /)
    expect(logs.some((line) => /does not parse/.test(line))).toBe(true)
    expect(procs[0]?.killed).toBe(false)
    await duck.close()
  })

  it('maps worker error codes and keeps the worker for the next call', async () => {
    let calls = 0
    const { procs, spawn } = scripted((message, p) => {
      if (message['type'] !== 'chat') return
      calls += 1
      if (calls === 1) {
        p.reply({
          type: 'error',
          id: message['id'],
          code: 'bad_request',
          message: 'The engine refused it.',
          detail: null
        })
      } else {
        p.reply(done(message['id']))
      }
    })
    const duck = engine(spawn)
    const error = await duck.chat('action', [{ role: 'user', content: 'x' }]).catch((e: unknown) => e)
    expect(isModelError(error, 'model_error')).toBe(true)
    expect((error as Error).message).toBe('The engine refused it.')
    await duck.chat('action', [{ role: 'user', content: 'x' }])
    expect(procs).toHaveLength(1)
    await duck.close()
  })

  it('sends cancel on abort and rejects at once', async () => {
    const { procs, spawn } = scripted((message, p) => {
      if (message['type'] === 'chat')
        p.reply({ type: 'delta', id: message['id'], kind: 'content', text: 'a', tokens: 1 })
    })
    const duck = engine(spawn)
    const controller = new AbortController()
    const stream = duck.streamChat('thinker', [{ role: 'user', content: 'q' }], { signal: controller.signal })
    await stream.next()
    controller.abort()
    const error = await stream.next().catch((e: unknown) => e)
    expect(isModelError(error, 'cancelled')).toBe(true)
    const chat = procs[0]?.sent.find((m) => m['type'] === 'chat')
    expect(procs[0]?.sent.at(-1)).toEqual({ type: 'cancel', id: chat?.['id'] })
    await duck.close()
  })

  it('a worker that never says hello fails to start with a clear error, and the next call retries', async () => {
    const procs: FakeProcess[] = []
    const duck = engine(
      () => {
        const proc = new FakeProcess(() => undefined)
        procs.push(proc)
        return proc
      },
      { timeouts: { startMs: 100 } }
    )
    const error = await duck
      .listModels()
      .then(() => duck.contextLength('action'))
      .catch((e: unknown) => e)
    expect(isModelError(error, 'engine_load_failed')).toBe(true)
    expect((error as Error).message).toBe("Duck's built-in engine did not start within 0.1 s.")
    expect(procs[0]?.killed).toBe(true)
    await duck.contextLength('action').catch(() => undefined)
    expect(procs).toHaveLength(2)
    await duck.close()
  })

  it('a worker that exits at start says it could not start', async () => {
    const duck = engine(() => {
      const proc = new FakeProcess(() => undefined)
      setTimeout(() => proc.exit(1), 1)
      return proc
    })
    const error = await duck.contextLength('action').catch((e: unknown) => e)
    expect(isModelError(error, 'engine_load_failed')).toBe(true)
    expect((error as Error).message).toMatch(/could not start \(exit code 1\)/)
  })

  it('a factory that throws gives engine_load_failed', async () => {
    const duck = engine(() => {
      throw new Error('The engine worker file is missing')
    })
    const error = await duck.chat('action', [{ role: 'user', content: 'x' }]).catch((e: unknown) => e)
    expect(isModelError(error, 'engine_load_failed')).toBe(true)
    expect((error as Error).message).toBe("Duck's built-in engine could not start: The engine worker file is missing")
  })

  it('a worker gone silent is killed and the request rejects as stalled', async () => {
    const { procs, spawn } = scripted(() => undefined)
    const duck = engine(spawn, { timeouts: { idleMs: 150 } })
    const error = await duck.chat('action', [{ role: 'user', content: 'x' }]).catch((e: unknown) => e)
    expect(isModelError(error, 'model_stalled')).toBe(true)
    expect(procs[0]?.killed).toBe(true)
  })

  it('a worker that dies mid-answer rejects every call in flight', async () => {
    const { procs, spawn } = scripted((message, p) => {
      if (message['type'] === 'chat')
        p.reply({ type: 'delta', id: message['id'], kind: 'content', text: 'a', tokens: 1 })
    })
    const statuses: string[] = []
    const duck = engine(spawn, { onStatus: (s) => statuses.push(`${s.state}:${s.error ?? ''}`) })
    const one = duck.chat('action', [{ role: 'user', content: 'x' }])
    const two = duck.chat('thinker', [{ role: 'user', content: 'y' }])
    await new Promise((resolve) => setTimeout(resolve, 20))
    procs[0]?.exit(null, 'SIGSEGV')
    for (const call of [one, two]) {
      const error = await call.catch((e: unknown) => e)
      expect(isModelError(error, 'model_unavailable')).toBe(true)
      expect((error as Error).message).toBe(
        "Duck's built-in engine stopped unexpectedly (killed by SIGSEGV). Try again: it restarts on the next request."
      )
    }
    expect(statuses.at(-1)).toMatch(/^error:.*SIGSEGV/)
  })

  it('close() asks the worker to shut down, and kills it after the grace period', async () => {
    const polite = scripted((message, p) => {
      if (message['type'] === 'inspect') {
        p.reply({
          type: 'info',
          id: message['id'],
          info: { model: '/models/a.gguf', architecture: 'llama', trainContextSize: 1024, sizeBytes: 1 }
        })
      }
    })
    const a = engine(polite.spawn)
    expect(await a.contextLength('action')).toBe(1024)
    expect(a.capabilities('action').context_length).toBe(1024)
    await a.close()
    expect(polite.procs[0]?.killed).toBe(false)
    expect(a.status.state).toBe('idle')

    const stubborn = scripted(
      (message, p) => {
        if (message['type'] === 'inspect') {
          p.reply({
            type: 'info',
            id: message['id'],
            info: { model: '/models/a.gguf', architecture: null, trainContextSize: null, sizeBytes: 1 }
          })
        }
      },
      { obeysShutdown: false }
    )
    const b = engine(stubborn.spawn, { timeouts: { closeGraceMs: 50 } })
    expect(await b.contextLength('action')).toBe(2048)
    await b.close()
    expect(stubborn.procs[0]?.killed).toBe(true)
  })

  it('needs no worker for what it knows: no model chosen, the models list, capabilities', async () => {
    const { procs, spawn } = scripted()
    const duck = engine(spawn)
    const error = await duck.chat('critic', [{ role: 'user', content: 'x' }]).catch((e: unknown) => e)
    expect(isModelError(error, 'engine_no_model')).toBe(true)
    expect(await duck.listModels()).toEqual([
      { id: '/models/a.gguf', owned_by: 'duck' },
      { id: '/models/b.gguf', owned_by: 'duck' }
    ])
    expect(duck.capabilities('critic')).toEqual({
      engine: 'builtin',
      role: 'critic',
      model: '',
      structured_output: 'grammar',
      reasoning_format: 'separate',
      context_length: null,
      tokens_per_second: null
    })
    expect(duck.modelFor('thinker')).toBe('/models/b.gguf')
    expect(procs).toHaveLength(0)
  })
})

describe('defaultThreads', () => {
  it.each([
    [1, 1],
    [2, 1],
    [4, 2],
    [7, 3],
    [16, 8],
    [64, 8]
  ])('%i cores → %i threads', (cores, threads) => {
    expect(defaultThreads(cores)).toBe(threads)
  })
})
