/**
 * Cut-offs and cancels against real llama-servers, with the tiny "runaway" model, which never
 * ends its turn: every answer runs until a token limit stops it.
 *
 *   small    runaway with a 2048-token context: the answer is stopped by the bound Duck sets
 *            from the window (what the prompt leaves), memory decisions and critiques by theirs.
 *   open     runaway, no default cap (-n -1) and a 32k context: only Duck's own max_tokens stop
 *            it (the planner's planMaxTokens bound), or a cancel.
 * (llama-server's -n is only a default for requests without max_tokens, and Duck always sends
 * one, so these bounds are Duck's.) Each part has its own Duck, whose idea of the context
 * window (GET /props, asked once per role) comes from the server that matters there.
 *   plain    the plain model, for the planner where the plan is not under test.
 *
 * Under llama.cpp's json_schema grammar the runaway planner still never finishes: the grammar
 * lets a string go on forever and the model's phrase loops inside "intent", so the plan is cut
 * off mid-string at the token limit. No lower structured-output rung is needed for that.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { planMaxTokens } from '../../src/main/core/agent/thinking'
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
import { requireActions, strictSchema, type LlamaTimings } from '../support/llama-proxy'
import { LLAMA_BUILD_TIMEOUT_MS, slotsBusy, startLlamaServer, type LlamaServer } from '../support/llama-server'
import { tinyModelPath } from '../support/tiny-models'

const SMALL_CTX = 2048

let plain: LlamaServer
let small: LlamaServer
let open: LlamaServer
let h: LlamaDuck

beforeAll(async () => {
  const runaway = await tinyModelPath('runaway')
  ;[plain, small, open] = await Promise.all([
    startLlamaServer(await tinyModelPath('plain')),
    startLlamaServer(runaway, { ctx: SMALL_CTX }),
    startLlamaServer(runaway, { nPredict: -1, ctx: 32768, extraArgs: ['--metrics'] })
  ])
}, LLAMA_BUILD_TIMEOUT_MS)
afterAll(async () => {
  await Promise.all([plain?.stop(), small?.stop(), open?.stop()])
})

/** A Duck of its own for one describe block. */
function duckFor(make: () => Promise<LlamaDuck>): void {
  beforeAll(async () => {
    h = await make()
  })
  afterEach(() => h.proxy.reset())
  afterAll(async () => {
    await h?.stop()
  })
}

/** The plan is not under test here: the plain planner, told to plan no action. */
function planNothing(): void {
  h.proxy.rewrite = (body) => requireActions(body, 0, 0)
}

async function storedAnswer(events: WireEvent[]): Promise<StoredMessage> {
  const { conversationId } = idsOf(events)
  return (await h.json<{ messages: StoredMessage[] }>(`/v1/conversations/${conversationId}`)).messages.at(
    -1
  ) as StoredMessage
}

async function taskEvents(taskId: string): Promise<{ event_type: string; payload: Record<string, unknown> }[]> {
  return await h.json(`/v1/tasks/${taskId}/events`)
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

async function metric(server: LlamaServer, name: string): Promise<number> {
  const text = await (await fetch(`${server.origin}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
  if (line === undefined) throw new Error(`no ${name} in /metrics:\n${text}`)
  return Number(line.trim().split(/\s+/).at(-1))
}

describe('a runaway planner', () => {
  duckFor(() => startLlamaDuck({ action: open, thinker: plain }, { props: open }))

  it('fails the task with plan_truncated after one retry, with a readable message', async () => {
    const { status, events } = await h.stream('/v1/chat/stream', { message: 'hello', workspace: h.workspace() })
    expect(status).toBe(200)
    const errors = events.filter((e) => e.event === 'error')
    expect(errors).toHaveLength(1)
    const error = errors[0]?.data as { code: string; message: string }
    expect(error.code).toBe('plan_truncated')
    expect(error.message).toMatch(/cut off/i)
    // The bound Duck derived from the context window it read from the server.
    const bound = Number(/cut off twice at the (\d+)-token limit/.exec(error.message)?.[1])
    expect(bound).toBeGreaterThanOrEqual(planMaxTokens(0))
    expect(bound).toBeLessThanOrEqual(planMaxTokens(null))
    expect(error.message).not.toMatch(/[{}[\]]|Error:|at \w+ \(/)
    expect(doneOf(events).status).toBe('failed')
    expect(events.some((e) => e.event === 'content_delta')).toBe(false)

    // Two planning calls (the first and its one retry), each stopped by Duck's own bound:
    // this server has no cap of its own.
    const plans = h.proxy.calls(MODELS.action)
    expect(plans).toHaveLength(2)
    for (const plan of plans) {
      expect(plan.original.max_tokens).toBe(bound)
      expect((plan.original.response_format as { type: string }).type).toBe('json_schema')
      expect(plan.finishReason).toBe('length')
      expect(plan.timings?.predicted_n).toBe(bound)
      // Cut off inside the grammar's JSON, not a complete directive.
      expect(plan.content.trimStart().startsWith('{')).toBe(true)
    }
    const retry = plans[1]?.original.messages as { role: string; content: string }[]
    expect(retry.at(-2)).toMatchObject({ role: 'assistant', content: plans[0]?.content })
    expect(retry.at(-1)?.role).toBe('user')
    expect(retry.at(-1)?.content).toMatch(/cut off/i)
    expect(h.proxy.calls(MODELS.thinker)).toHaveLength(0)

    const { taskId } = idsOf(events)
    expect((await h.json<{ status: string }>(`/v1/tasks/${taskId}`)).status).toBe('failed')
    expect((await storedAnswer(events)).status).toBe('failed')
  }, 60_000)
})

describe('a runaway answer', () => {
  duckFor(() =>
    startLlamaDuck({ action: plain, thinker: small, memory_policy: small, critic: small }, { learning: true })
  )

  it('ends done with truncated: true, with the server-measured rate; its cut-off memory and lesson are not kept', async () => {
    // Duck's memory schema leaves all but should_store optional, so under the grammar even
    // this model closes the object at once (`{"should_store": true}`: nothing to store). Made
    // strict, the decision runs into its token limit inside a string: a cut-off decision.
    h.proxy.rewrite = (body) => (body.model === MODELS.memory_policy ? strictSchema(body) : requireActions(body, 0, 0))
    const workspace = h.workspace()
    const { events } = await h.stream('/v1/chat/stream', { message: 'remember that I like tabs', workspace })
    expect(events.filter((e) => e.event === 'error')).toEqual([])
    const done = doneOf(events)
    // Completed, but not silently: the answer is flagged as cut off, on the wire and in the record.
    expect(done.status).toBe('completed')
    const stats = done.generation_stats as Record<string, number | boolean | null>
    expect(stats.truncated).toBe(true)
    const { taskId } = idsOf(events)
    const persistedDone = (await taskEvents(taskId)).find((e) => e.event_type === 'done')
    expect((persistedDone?.payload.generation_stats as { truncated: boolean }).truncated).toBe(true)
    const stored = await storedAnswer(events)
    expect(stored.content).toBe(deltas(events, 'content_delta'))
    expect(stored.content.length).toBeGreaterThan(100)

    const [answer] = h.proxy.calls(MODELS.thinker)
    expect(answer?.finishReason).toBe('length')
    const timings = answer?.timings as LlamaTimings
    // Bounded by what the window leaves after the prompt.
    const bound = answer?.original.max_tokens as number
    expect(bound).toBeGreaterThan(100)
    expect(bound + timings.prompt_n + (timings.cache_n ?? 0)).toBeLessThanOrEqual(SMALL_CTX)
    expect(timings.predicted_n).toBe(bound)
    // Stats from the server's timings: its count, its rate; client windows only widen min/max.
    const server = (timings.predicted_n / timings.predicted_ms) * 1000
    expect(stats.output_tokens).toBe(timings.predicted_n)
    const avg = stats.avg_tokens_per_second as number
    expect(avg / server).toBeGreaterThan(0.9)
    expect(avg / server).toBeLessThan(1.1)
    expect(stats.min_tokens_per_second as number).toBeLessThanOrEqual(avg)
    expect(stats.max_tokens_per_second as number).toBeGreaterThanOrEqual(avg)
    // Client windows (≥ 250 ms, ≥ 8 tokens each) follow the decode slowing as the context
    // fills; even on a loaded machine they stay within a few times the server's average.
    expect(stats.max_tokens_per_second as number).toBeLessThan(5 * server)
    expect(stats.min_tokens_per_second as number).toBeGreaterThan(server / 5)

    // The memory policy and the critic run after the done, and both are cut off too.
    let after = await taskEvents(taskId)
    const settled = (types: string[]): boolean =>
      types.some((t) => t.startsWith('memory_policy') || t === 'memory_stored') &&
      types.some((t) => t.startsWith('reflection_'))
    for (const deadline = performance.now() + 40_000; performance.now() < deadline;) {
      await h.duck.learningIdle()
      after = await taskEvents(taskId)
      if (settled(after.map((e) => e.event_type))) break
      await sleep(100)
    }
    const types = after.map((e) => e.event_type)
    expect(types).toContain('memory_policy_failed')
    expect(types).toContain('reflection_failed')
    expect(types).not.toContain('memory_policy_decision')
    expect(types).not.toContain('memory_stored')
    expect(types).not.toContain('reflection_completed')
    for (const type of ['memory_policy_failed', 'reflection_failed']) {
      expect(String(after.find((e) => e.event_type === type)?.payload.message)).toMatch(/cut off/i)
    }
    for (const model of [MODELS.memory_policy, MODELS.critic]) {
      const [call] = h.proxy.calls(model)
      expect(call?.finishReason).toBe('length')
      expect(call?.original.max_tokens).toBeGreaterThan(0)
    }
    expect(
      (await h.json<{ results: unknown[] }>(`/v1/memory?workspace=${encodeURIComponent(workspace)}`)).results
    ).toEqual([])
    expect(await h.json<unknown[]>('/v1/experience')).toEqual([])
  }, 60_000)
})

describe('cancelling mid-answer', () => {
  duckFor(() => startLlamaDuck({ action: plain, thinker: open }, { props: open }))

  it('ends the task cancelled at once, and llama-server stops generating', async () => {
    planNothing()
    const stream = await h.open('/v1/chat/stream', { message: 'tell me everything', workspace: h.workspace() })
    let seen = 0
    await stream.waitFor((e) => e.event === 'content_delta' && ++seen >= 20)
    expect(await slotsBusy(open.origin)).toEqual([true])
    const { taskId } = idsOf(stream.events)
    const asked = performance.now()
    const cancel = await h.json<{ task_id: string; status: string }>(`/v1/tasks/${taskId}/cancel`, { method: 'POST' })
    expect(cancel).toEqual({ task_id: taskId, status: 'cancelled' })
    const events = await stream.finished
    const ended = performance.now() - asked
    expect(ended).toBeLessThan(2000)
    expect(doneOf(events).status).toBe('cancelled')
    expect(events.at(-1)?.event).toBe('done')
    const streamed = deltas(events, 'content_delta')

    // The request to the server was closed, and the server let go of the slot: without the
    // cancel it would have gone on for ~32k tokens (tens of seconds).
    const [answer] = h.proxy.calls(MODELS.thinker)
    await answer?.done
    expect(answer?.aborted).toBe(true)
    let busy = true
    const deadline = performance.now() + 2000
    while (busy && performance.now() < deadline) {
      busy = (await slotsBusy(open.origin))[0] ?? true
      if (busy) await sleep(50)
    }
    expect(busy).toBe(false)
    const decodes = await metric(open, 'llamacpp:n_decode_total')
    await sleep(300)
    expect(await metric(open, 'llamacpp:n_decode_total')).toBe(decodes)
    // The next request is served at once (the slot is free).
    const next = performance.now()
    const response = await fetch(`${open.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'hi' }], max_tokens: 8 })
    })
    expect(response.status).toBe(200)
    expect(((await response.json()) as { timings: { predicted_n: number } }).timings.predicted_n).toBe(8)
    expect(performance.now() - next).toBeLessThan(2000)

    // What was streamed before the cancel is kept, marked cancelled.
    const stored = await storedAnswer(events)
    expect(stored.status).toBe('cancelled')
    expect(stored.content).toBe(streamed)
    expect(streamed).not.toBe('')
    expect((await h.json<{ status: string }>(`/v1/tasks/${taskId}`)).status).toBe('cancelled')
  }, 60_000)
})
