/**
 * Reasoning against a real thinking template (the tiny "think" model: Qwen3.5's template,
 * whose generation prompt opens `<think>`), through llama-server, per request (`reasoning`)
 * and per Settings (`default_reasoning`):
 *   - off  → Duck asks for enable_thinking: false; the server thinks nothing; no reasoning_delta;
 *   - on   → enable_thinking: true; reasoning streams as reasoning_delta, the answer as content;
 *   - auto → nothing asked; this template thinks by default; the same split as on.
 * The stored reasoning is the server's reasoning and the stored content the server's answer,
 * never one duplicated as the other. The planner on the same model never thinks (its schema is
 * narrowed to "no actions": the random model's tool choices are another file's subject).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { parseDirective } from '../../src/main/core/agent/directive'
import type { WireEvent } from '../support/sse'
import {
  deltas,
  doneOf,
  idsOf,
  MODELS,
  startLlamaDuck,
  type LlamaDuck,
  type StoredMessage
} from '../support/llama-harness'
import { requireActions, type Exchange } from '../support/llama-proxy'
import { LLAMA_BUILD_TIMEOUT_MS, startLlamaServer, type LlamaServer } from '../support/llama-server'
import { tinyModelPath } from '../support/tiny-models'

let think: LlamaServer
let h: LlamaDuck

beforeAll(async () => {
  think = await startLlamaServer(await tinyModelPath('think'))
  h = await startLlamaDuck({ action: think, thinker: think })
}, LLAMA_BUILD_TIMEOUT_MS)
afterEach(() => h.proxy.reset())
afterAll(async () => {
  await h?.stop()
  await think?.stop()
})

async function lastMessage(events: WireEvent[]): Promise<StoredMessage> {
  const { conversationId } = idsOf(events)
  const detail = await h.json<{ messages: StoredMessage[] }>(`/v1/conversations/${conversationId}`)
  return detail.messages.at(-1) as StoredMessage
}

/** One task; returns its events, the stored answer and the planner's and thinker's exchanges. */
async function ask(body: Record<string, unknown>): Promise<{
  events: WireEvent[]
  stored: StoredMessage
  plan: Exchange
  answer: Exchange
}> {
  h.proxy.reset()
  // Which tools the random planner would pick is beside the point here: no actions.
  h.proxy.rewrite = (request) => requireActions(request, 0, 0)
  const { status, events } = await h.stream('/v1/chat/stream', { message: 'hello', workspace: h.workspace(), ...body })
  expect(status).toBe(200)
  expect(events.filter((e) => e.event === 'error')).toEqual([])
  expect(doneOf(events).status).toBe('completed')
  const plans = h.proxy.calls(MODELS.action)
  const answers = h.proxy.calls(MODELS.thinker)
  expect(answers).toHaveLength(1)
  return { events, stored: await lastMessage(events), plan: plans[0] as Exchange, answer: answers[0] as Exchange }
}

function expectPlannerDidNotThink(plan: Exchange): void {
  // Thinking off for the planner, whatever the task's reasoning: the template's empty think
  // block means the server parsed no reasoning, and the directive is valid JSON on its own.
  expect(plan.original.chat_template_kwargs).toEqual({ enable_thinking: false })
  expect(plan.reasoning).toBe('')
  expect(plan.finishReason).toBe('stop')
  expect(parseDirective(plan.content).ok).toBe(true)
}

function expectSplit(events: WireEvent[], stored: StoredMessage, answer: Exchange): void {
  const reasoning = deltas(events, 'reasoning_delta')
  const content = deltas(events, 'content_delta')
  expect(answer.reasoning.trim()).not.toBe('')
  expect(answer.content.trim()).not.toBe('')
  // Streamed as the server split it: reasoning first, then the answer.
  expect(reasoning.trim()).toBe(answer.reasoning.trim())
  expect(content.trim()).toBe(answer.content.trim())
  const kinds = events.map((e) => e.event)
  expect(kinds.lastIndexOf('reasoning_delta')).toBeLessThan(kinds.indexOf('content_delta'))
  // Stored as streamed; the answer is never duplicated as reasoning (nor the reverse).
  expect(stored.status).toBe('completed')
  expect(stored.reasoning).toBe(reasoning)
  expect(stored.content).toBe(content)
  expect(stored.reasoning).not.toBe(stored.content)
  expect(stored.content).not.toContain(answer.reasoning.trim())
  expect(stored.reasoning).not.toContain(answer.content.trim())
}

describe('reasoning with a thinking template on llama-server', () => {
  it('off: nothing is thought, no reasoning is streamed, the plan is still valid', async () => {
    const { events, stored, plan, answer } = await ask({ reasoning: 'off' })
    expect(answer.original.chat_template_kwargs).toEqual({ enable_thinking: false })
    expect(answer.reasoning).toBe('')
    expect(events.some((e) => e.event === 'reasoning_delta')).toBe(false)
    expect(deltas(events, 'content_delta').trim()).toBe(answer.content.trim())
    expect(stored.content).not.toBe('')
    expect(stored.reasoning ?? '').toBe('')
    expectPlannerDidNotThink(plan)
  })

  it('on: reasoning streams separately from the answer and is stored apart', async () => {
    const { events, stored, plan, answer } = await ask({ reasoning: 'on' })
    expect(answer.original.chat_template_kwargs).toEqual({ enable_thinking: true })
    expectSplit(events, stored, answer)
    expectPlannerDidNotThink(plan)
  })

  it('auto: the template decides (this one thinks); the same clean split', async () => {
    const { events, stored, plan, answer } = await ask({ reasoning: 'auto' })
    expect(answer.original).not.toHaveProperty('chat_template_kwargs')
    expectSplit(events, stored, answer)
    expectPlannerDidNotThink(plan)
  })

  it('Settings default_reasoning applies when the request names none', async () => {
    await h.settings({ default_reasoning: 'off' })
    try {
      const off = await ask({})
      expect(off.answer.original.chat_template_kwargs).toEqual({ enable_thinking: false })
      expect(off.events.some((e) => e.event === 'reasoning_delta')).toBe(false)
      await h.settings({ default_reasoning: 'on' })
      const on = await ask({})
      expect(on.answer.original.chat_template_kwargs).toEqual({ enable_thinking: true })
      expectSplit(on.events, on.stored, on.answer)
      // The request still wins over the setting.
      const asked = await ask({ reasoning: 'off' })
      expect(asked.events.some((e) => e.event === 'reasoning_delta')).toBe(false)
    } finally {
      await h.settings({ default_reasoning: 'auto' })
    }
  })
})

describe('reasoning when the server passes <think> tags through (--reasoning-format none)', () => {
  let raw: LlamaServer
  beforeAll(async () => {
    raw = await startLlamaServer(await tinyModelPath('think'), { extraArgs: ['--reasoning-format', 'none'] })
    h.use({ action: think, thinker: raw })
  }, LLAMA_BUILD_TIMEOUT_MS)
  afterAll(async () => {
    h.use({ action: think, thinker: think })
    await raw?.stop()
  })

  it('splits the raw tags into reasoning and answer, never storing one as the other', async () => {
    for (let i = 0; i < 2; i++) {
      const { events, stored, answer } = await ask({ reasoning: 'on' })
      // llama-server hands back the whole turn as text: `<think>\nreasoning</think>answer`.
      expect(answer.reasoning).toBe('')
      const tagged = /^\s*(?:<think>)?([\s\S]*?)<\/think>([\s\S]*)$/.exec(answer.content)
      expect(tagged, answer.content).not.toBeNull()
      const [, thought, reply] = tagged as unknown as [string, string, string]
      expect(thought.trim()).not.toBe('')
      expect(reply.trim()).not.toBe('')
      expect(stored.reasoning?.trim()).toBe(thought.trim())
      expect(stored.content.trim()).toBe(reply.trim())
      expect(stored.content).not.toContain('<think>')
      expect(stored.content).not.toContain('</think>')
      expect(stored.reasoning).not.toBe(stored.content)
      expect(stored.content).toBe(deltas(events, 'content_delta'))
      expect(stored.reasoning).toBe(deltas(events, 'reasoning_delta'))
    }
  })
})
