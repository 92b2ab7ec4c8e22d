/**
 * The built-in engine with its real parts: the worker process, node-llama-cpp and the tiny
 * test models (test/support/tiny-models.ts). One thread, CPU only.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { tinyModelPath } from '../../../../test/support/tiny-models'
import { ActionDirectiveSchema, type ModelRole } from '../../../shared/schemas'
import { isModelError } from '../model/errors'
import { GenerationMeter } from '../model/meter'
import type { ChatMessage, StreamDelta, StreamResult } from '../model/types'
import { BuiltinEngine, type BuiltinEngineOptions } from './builtin-engine'
import { startChildEngineProcess, type EngineProcess } from './process'

// A test here starts an engine worker, which loads llama.cpp and a model: about 5 s on a quiet
// 2-core machine, and 17-19 s for the killed-worker test's two starts during a parallel test run.
vi.setConfig({ testTimeout: 60_000 })

const HELLO: ChatMessage[] = [
  { role: 'system', content: 'You are Duck.' },
  { role: 'user', content: 'Hello there' }
]

function allRoles(path: string): Record<ModelRole, string> {
  return { action: path, thinker: path, memory_policy: path, critic: path }
}

function engine(options: Partial<BuiltinEngineOptions> & { models: Record<ModelRole, string> }): BuiltinEngine {
  return new BuiltinEngine({ contextLength: 1024, threads: 1, gpu: 'cpu', onLog: () => undefined, ...options })
}

async function drain(
  stream: AsyncGenerator<StreamDelta, StreamResult, undefined>,
  onDelta?: (delta: StreamDelta, index: number) => void
): Promise<{ reasoning: string; content: string; deltas: StreamDelta[]; result: StreamResult }> {
  const deltas: StreamDelta[] = []
  for (;;) {
    const next = await stream.next()
    if (next.done === true) {
      const reasoning = deltas
        .filter((d) => d.type === 'reasoning_delta')
        .map((d) => d.delta)
        .join('')
      const content = deltas
        .filter((d) => d.type === 'content_delta')
        .map((d) => d.delta)
        .join('')
      return { reasoning, content, deltas, result: next.value }
    }
    deltas.push(next.value)
    onDelta?.(next.value, deltas.length - 1)
  }
}

/** The planner's schema for two tools: `actions.items` is a oneOf with one branch per tool. */
const ALLOWED_TOOLS = ['file_read', 'list_dir'] as const
function plannerSchema(): object {
  const tool = <T extends string>(name: T, args: z.ZodObject) =>
    z.object({ tool: z.literal(name), args, reason: z.string().max(60) })
  return z.toJSONSchema(
    ActionDirectiveSchema.extend({
      intent: z.string().max(80),
      actions: z
        .array(
          z.discriminatedUnion('tool', [
            tool('file_read', z.object({ path: z.string().min(1).max(60) })),
            tool('list_dir', z.object({ path: z.string().max(60) }))
          ])
        )
        .max(3)
    })
  )
}

let plain: string
let think: string
let runaway: string
let dir: string

beforeAll(async () => {
  ;[plain, think, runaway] = await Promise.all([
    tinyModelPath('plain'),
    tinyModelPath('think'),
    tinyModelPath('runaway')
  ])
  dir = mkdtempSync(join(tmpdir(), 'duck-engine-'))
}, 120_000)
afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
})

describe('a plain model', () => {
  let duck: BuiltinEngine
  const statuses: string[] = []
  beforeAll(() => {
    duck = engine({ models: allRoles(plain), onStatus: (s) => statuses.push(s.state) })
  })
  afterAll(async () => {
    await duck.close()
  })

  it('loads and streams content deltas with the engine’s own counts', async () => {
    const meter = new GenerationMeter()
    const { content, deltas, result } = await drain(duck.streamChat('thinker', HELLO, { maxTokens: 64, meter }))
    expect(deltas.length).toBeGreaterThan(1)
    expect(deltas.every((d) => d.type === 'content_delta')).toBe(true)
    expect(content.trim()).not.toBe('')
    expect(result.finishReason).toBe('stop')
    expect(result.truncated).toBe(false)
    expect(result.model).toBe(plain)
    expect(result.usageCompletionTokens).toBeGreaterThan(0)
    expect(meter.finish().output_tokens).toBe(result.usageCompletionTokens)
    expect(statuses).toContain('loading')
    expect(duck.status.state).toBe('ready')

    const caps = duck.capabilities('thinker')
    expect(caps).toMatchObject({
      engine: 'builtin',
      role: 'thinker',
      model: 'tiny-plain.gguf',
      structured_output: 'grammar',
      reasoning_format: 'separate',
      context_length: 1024
    })
    expect(caps.tokens_per_second).toBeGreaterThan(0)
    expect(await duck.contextLength('thinker')).toBe(1024)
    expect(await duck.listModels()).toEqual([{ id: plain, owned_by: 'duck' }])
    expect(duck.label).toBe("Duck's built-in engine")
  })

  it('answers without streaming', async () => {
    const result = await duck.chat('critic', HELLO, { maxTokens: 64, temperature: 0 })
    expect(result.content.trim()).not.toBe('')
    expect(result.reasoning).toBe('')
    expect(result.finishReason).toBe('stop')
    expect(result.usageCompletionTokens).toBeGreaterThan(0)
  })

  it('decodes planner directives under the grammar: valid 10 of 10, only allowed tools', async () => {
    const schema = plannerSchema()
    const tools = new Set<string>()
    for (let i = 0; i < 10; i++) {
      const result = await duck.chat(
        'action',
        [
          { role: 'system', content: 'Plan the next actions as JSON.' },
          { role: 'user', content: `Look at notes-${i}.txt and the folder it is in.` }
        ],
        { responseFormat: { name: 'action_directive', schema }, temperature: 1, maxTokens: 400 }
      )
      expect(result.truncated).toBe(false)
      const directive = ActionDirectiveSchema.parse(JSON.parse(result.content))
      for (const action of directive.actions) {
        expect(ALLOWED_TOOLS).toContain(action.tool)
        tools.add(action.tool)
      }
    }
    expect(duck.capabilities('action').structured_output).toBe('grammar')
  }, 60_000)

  it('stops at the context window when no bound is given (and says so)', async () => {
    const loads: string[] = []
    const small = engine({
      models: allRoles(runaway),
      contextLength: 200,
      onStatus: (s) => {
        if (s.state === 'loading') loads.push(s.model ?? '')
      }
    })
    try {
      const result = await small.chat('thinker', HELLO)
      expect(result.finishReason).toBe('length')
      expect(result.truncated).toBe(true)
      expect(result.usageCompletionTokens).toBeGreaterThan(100)
      expect(result.usageCompletionTokens).toBeLessThan(256)
      // llama.cpp makes at least 256 tokens; that is what the engine reports.
      expect(await small.contextLength('thinker')).toBe(256)
      // The model and its context stay loaded for the next call.
      await small.chat('thinker', HELLO, { maxTokens: 4 })
      expect(loads).toEqual([runaway])
    } finally {
      await small.close()
    }
  })

  it('refuses a conversation longer than the context window with a clear error', async () => {
    const small = engine({ models: allRoles(plain), contextLength: 256 })
    try {
      const long: ChatMessage[] = [{ role: 'user', content: 'word '.repeat(2000) }]
      const error = await small.chat('thinker', long).catch((e: unknown) => e)
      expect(isModelError(error, 'model_truncated')).toBe(true)
      expect((error as Error).message).toMatch(/does not fit the model's context window of 256 tokens/)
    } finally {
      await small.close()
    }
  })
})

describe('a thinking model', () => {
  let duck: BuiltinEngine
  beforeAll(() => {
    duck = engine({ models: allRoles(think) })
  })
  afterAll(async () => {
    await duck.close()
  })

  it('reasoning on: reasoning deltas arrive apart from the answer', async () => {
    const { reasoning, content, result } = await drain(
      duck.streamChat('thinker', HELLO, { reasoning: 'on', maxTokens: 200 })
    )
    expect(reasoning.trim()).not.toBe('')
    expect(content.trim()).not.toBe('')
    expect(content.trim()).not.toBe(reasoning.trim())
    expect(content).not.toContain('<think>')
    expect(content).not.toContain('</think>')
    expect(result.finishReason).toBe('stop')
  })

  it('reasoning off: no reasoning at all', async () => {
    const { reasoning, content, deltas } = await drain(
      duck.streamChat('thinker', HELLO, { reasoning: 'off', maxTokens: 200 })
    )
    expect(deltas.some((d) => d.type === 'reasoning_delta')).toBe(false)
    expect(reasoning).toBe('')
    expect(content.trim()).not.toBe('')
    expect(content).not.toContain('</think>')
  })

  it('reasoning auto: the template’s default (this one thinks)', async () => {
    const { reasoning, content, result } = await drain(duck.streamChat('thinker', HELLO, { maxTokens: 200 }))
    expect(reasoning.trim()).not.toBe('')
    expect(content.trim()).not.toBe('')
    expect(result.finishReason).toBe('stop')
  })

  it('decodes structured output without thinking', async () => {
    const schema = z.toJSONSchema(z.object({ answer: z.enum(['yes', 'no']), why: z.string().max(40) }))
    const result = await duck.chat('memory_policy', HELLO, {
      responseFormat: { name: 'decision', schema },
      reasoning: 'on',
      maxTokens: 200
    })
    expect(result.reasoning).toBe('')
    expect(JSON.parse(result.content)).toMatchObject({ answer: expect.stringMatching(/^(yes|no)$/) })
  })
})

describe('a model that never stops', () => {
  let duck: BuiltinEngine
  beforeAll(() => {
    duck = engine({ models: allRoles(runaway), contextLength: 4096 })
  })
  afterAll(async () => {
    await duck.close()
  })

  it('is ended by maxTokens, reported as truncated', async () => {
    const meter = new GenerationMeter()
    const { content, result } = await drain(duck.streamChat('thinker', HELLO, { maxTokens: 48, meter }))
    expect(content.length).toBeGreaterThan(0)
    expect(result.finishReason).toBe('length')
    expect(result.truncated).toBe(true)
    expect(result.usageCompletionTokens).toBe(48)

    const chat = await duck.chat('thinker', HELLO, { maxTokens: 16 })
    expect(chat).toMatchObject({ finishReason: 'length', truncated: true, usageCompletionTokens: 16 })
  })

  it('cancels mid-answer quickly, and the next call works', async () => {
    const controller = new AbortController()
    let abortedAt = 0
    const started = drain(duck.streamChat('thinker', HELLO, { maxTokens: 3000, signal: controller.signal }), (_, i) => {
      if (i === 5) {
        abortedAt = performance.now()
        controller.abort()
      }
    })
    const error = await started.catch((e: unknown) => e)
    expect(isModelError(error, 'cancelled')).toBe(true)
    expect((error as Error).name).toBe('AbortError')
    expect(performance.now() - abortedAt).toBeLessThan(500)

    // The worker stopped generating: the next answer comes at once and complete.
    const begun = performance.now()
    const next = await duck.chat('thinker', HELLO, { maxTokens: 8 })
    expect(next).toMatchObject({ finishReason: 'length', usageCompletionTokens: 8 })
    expect(performance.now() - begun).toBeLessThan(3000)
  })

  it('cancels when the reader stops early', async () => {
    const stream = duck.streamChat('thinker', HELLO, { maxTokens: 3000 })
    for (let i = 0; i < 3; i++) await stream.next()
    await stream.return(undefined as never)
    const next = await duck.chat('thinker', HELLO, { maxTokens: 4 })
    expect(next.usageCompletionTokens).toBe(4)
  })

  it('refuses an already-cancelled request without asking the worker', async () => {
    const error = await duck.chat('thinker', HELLO, { signal: AbortSignal.abort() }).catch((e: unknown) => e)
    expect(isModelError(error, 'cancelled')).toBe(true)
  })
})

describe('a worker killed mid-answer', () => {
  it('gives a clear error, and the next call starts a new worker', async () => {
    const processes: EngineProcess[] = []
    const duck = engine({
      models: allRoles(runaway),
      spawn: () => {
        const proc = startChildEngineProcess()
        processes.push(proc)
        return proc
      }
    })
    try {
      const error = await drain(duck.streamChat('thinker', HELLO, { maxTokens: 3000 }), (_, i) => {
        if (i === 3) processes[0]?.kill() // SIGKILL
      }).catch((e: unknown) => e)
      expect(isModelError(error, 'model_unavailable')).toBe(true)
      expect((error as Error).message).toMatch(
        /stopped unexpectedly \(killed by SIGKILL\).*restarts on the next request/
      )
      expect(duck.status.state).toBe('error')

      const next = await duck.chat('thinker', HELLO, { maxTokens: 8 })
      expect(next.usageCompletionTokens).toBe(8)
      expect(processes).toHaveLength(2)
      expect(duck.status.state).toBe('ready')
    } finally {
      await duck.close()
    }
  })
})
