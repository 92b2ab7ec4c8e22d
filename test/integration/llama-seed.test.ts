/**
 * Seed scenarios 1, 2, 4 and 7 (/work/shared/seed) end to end against real llama-servers:
 * Duck's HTTP API → openai SDK → llama.cpp with the tiny random-weights models.
 *
 * The tiny models' words are random, so these assert the protocol, never words. Where a
 * scenario needs a particular plan (read this file; run `uname -a` at medium risk), the
 * planner's JSON schema is narrowed on its way to the server to pin those calls (see
 * llama-proxy.ts `pinPlan`): the model still writes the directive under llama.cpp's grammar,
 * and Duck still parses, validates, gates and runs it.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { parseDirective } from '../../src/main/core/agent/directive'
import {
  deltas,
  doneOf,
  idsOf,
  MODELS,
  startLlamaDuck,
  type LlamaDuck,
  type StoredMessage
} from '../support/llama-harness'
import { hasToolObservations, pinPlan, plannerSchema } from '../support/llama-proxy'
import { LLAMA_BUILD_TIMEOUT_MS, startLlamaServer, type LlamaServer } from '../support/llama-server'
import { tinyModelPath } from '../support/tiny-models'

let plain: LlamaServer
let think: LlamaServer
let h: LlamaDuck

beforeAll(async () => {
  ;[plain, think] = await Promise.all([
    startLlamaServer(await tinyModelPath('plain')),
    startLlamaServer(await tinyModelPath('think'))
  ])
  // The planner on the plain model, the answer on the thinking one (scenario 1 needs reasoning).
  h = await startLlamaDuck({ action: plain, thinker: think })
}, LLAMA_BUILD_TIMEOUT_MS)
afterEach(() => h.proxy.reset())
afterAll(async () => {
  await h?.stop()
  await Promise.all([plain?.stop(), think?.stop()])
})

function seqsIncrease(events: { data: Record<string, unknown> }[]): void {
  const seqs = events.map((e) => e.data.seq as number)
  expect(seqs.every((s) => Number.isInteger(s))).toBe(true)
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
  expect(new Set(seqs).size).toBe(seqs.length)
}

async function messages(conversationId: string): Promise<StoredMessage[]> {
  return (await h.json<{ messages: StoredMessage[] }>(`/v1/conversations/${conversationId}`)).messages
}

describe('seed scenarios against llama-server', () => {
  it('1. streams reasoning, content and a done with generation stats', async () => {
    const { status, body, events } = await h.stream('/v1/chat/stream', {
      message: 'hello',
      workspace: h.workspace(),
      debug: true
    })
    expect(status).toBe(200)
    for (const key of [
      'event: reasoning_delta',
      'event: content_delta',
      'event: done',
      '"generation_stats":',
      '"min_tokens_per_second":',
      '"avg_tokens_per_second":',
      '"max_tokens_per_second":'
    ]) {
      expect(body).toContain(key)
    }
    expect(body).toMatch(/^event: runtime_status\ndata: \{"task_id":/)
    seqsIncrease(events)
    const done = doneOf(events)
    expect(events.at(-1)?.event).toBe('done')
    expect(done.status).toBe('completed')
    const stats = done.generation_stats as Record<string, number | boolean | null>
    expect(stats.truncated).toBe(false)
    expect(stats.output_tokens).toBeGreaterThan(0)
    expect(stats.avg_tokens_per_second).toBeGreaterThan(0)
    // The stages in order, reasoning before the answer, nothing after done.
    const kinds = events.map((e) => (e.event === 'runtime_status' ? `stage:${String(e.data.stage)}` : e.event))
    expect(kinds[0]).toBe('stage:planning')
    expect(kinds.indexOf('stage:thinking')).toBeGreaterThan(0)
    expect(kinds.indexOf('reasoning_delta')).toBeGreaterThan(kinds.indexOf('stage:thinking'))
    expect(kinds.lastIndexOf('reasoning_delta')).toBeLessThan(kinds.indexOf('content_delta'))
    // What was streamed is what the server sent, split the same way, and what was stored.
    const [answer] = h.proxy.calls(MODELS.thinker)
    expect(answer?.finishReason).toBe('stop')
    expect(deltas(events, 'reasoning_delta').trim()).toBe(answer?.reasoning.trim())
    expect(deltas(events, 'content_delta').trim()).toBe(answer?.content.trim())
    const { conversationId } = idsOf(events)
    const stored = (await messages(conversationId)).at(-1) as StoredMessage
    expect(stored.role).toBe('assistant')
    expect(stored.status).toBe('completed')
    expect(stored.content).toBe(deltas(events, 'content_delta'))
    expect(stored.reasoning).toBe(deltas(events, 'reasoning_delta'))
  })

  it('2. forwards the reasoning toggle to the thinker', async () => {
    const off = await h.stream('/v1/chat/stream', {
      message: 'hello',
      workspace: h.workspace(),
      debug: true,
      reasoning: 'off'
    })
    expect(off.body).toContain('event: done')
    expect(doneOf(off.events).status).toBe('completed')
    const thinker = h.proxy.calls(MODELS.thinker)
    expect(thinker).toHaveLength(1)
    expect(thinker[0]?.original.chat_template_kwargs).toEqual({ enable_thinking: false })
    // The real template honoured it: the server thought nothing, Duck streamed no reasoning.
    expect(thinker[0]?.reasoning).toBe('')
    expect(off.events.some((e) => e.event === 'reasoning_delta')).toBe(false)
    expect(deltas(off.events, 'content_delta')).not.toBe('')

    const on = await h.stream('/v1/chat/stream', { message: 'hello again', workspace: h.workspace(), reasoning: 'on' })
    expect(doneOf(on.events).status).toBe('completed')
    const second = h.proxy.calls(MODELS.thinker)[1]
    expect(second?.original.chat_template_kwargs).toEqual({ enable_thinking: true })
    expect(second?.reasoning).not.toBe('')
    expect(on.events.some((e) => e.event === 'reasoning_delta')).toBe(true)
  })

  it('4. runs a tool before streaming the answer, and the thinker sees the observations', async () => {
    const workspace = h.workspace()
    writeFileSync(join(workspace, 'note.txt'), 'stream tool content')
    h.proxy.rewrite = (body) =>
      plannerSchema(body) === null
        ? body
        : hasToolObservations(body)
          ? pinPlan(body, [], 'low')
          : pinPlan(body, [{ tool: 'file_read', args: { path: 'note.txt' } }], 'low')
    const { status, body, events } = await h.stream('/v1/chat/stream', {
      message: 'read note.txt',
      workspace,
      debug: true
    })
    expect(status).toBe(200)
    expect(body).toMatch(/event: runtime_status\ndata: \{"task_id":/)
    expect(body).toContain('"stage":"planning"')
    expect(body.indexOf('"stage":"planning"')).toBeLessThan(body.indexOf('event: tool_call_started'))
    const started = events.find((e) => e.event === 'tool_call_started')
    const finished = events.find((e) => e.event === 'tool_call_finished')
    expect(started?.data).toMatchObject({ tool: 'file_read', args: { path: 'note.txt' } })
    expect(finished?.data).toMatchObject({ tool: 'file_read', ok: true, call_id: started?.data.call_id })
    expect(String(finished?.data.output)).toContain('stream tool content')
    expect(body.indexOf('event: tool_call_finished')).toBeLessThan(body.indexOf('event: content_delta'))
    expect(doneOf(events).status).toBe('completed')
    // The real model wrote both directives (the first through the pinned grammar).
    const plans = h.proxy.calls(MODELS.action)
    expect(plans).toHaveLength(2)
    for (const plan of plans) expect(parseDirective(plan.content).ok).toBe(true)
    expect(hasToolObservations(plans[1]?.original ?? {})).toBe(true)
    // The thinker's request carried the observation.
    const [answer] = h.proxy.calls(MODELS.thinker)
    expect(answer && hasToolObservations(answer.original)).toBe(true)
    expect(JSON.stringify(answer?.original.messages)).toContain('stream tool content')
  })

  it('7. after allow_once, continue runs the tool and streams the answer with one planning call', async () => {
    h.proxy.rewrite = (body) =>
      plannerSchema(body) === null
        ? body
        : pinPlan(body, [{ tool: 'shell_exec_safe', args: { command: 'uname -a' } }], 'medium')
    const workspace = h.workspace()
    const initial = await h.stream('/v1/chat/stream', { message: 'run uname', workspace, debug: true })
    expect(initial.body).toContain('event: tool_approval_requested')
    expect(doneOf(initial.events).status).toBe('waiting_for_approval')
    const { taskId, conversationId } = idsOf(initial.events)
    const pending =
      await h.json<{ approval_id: string; task_id: string; tool: string; args: unknown }[]>('/v1/approvals/pending')
    const approval = pending.find((item) => item.task_id === taskId)
    expect(approval).toMatchObject({ tool: 'shell_exec_safe', args: { command: 'uname -a' } })
    const allowed = await h.json(`/v1/approvals/${approval?.approval_id}/allow_once`, { method: 'POST' })
    expect(allowed).toEqual({ approval_id: approval?.approval_id, status: 'allowed_once' })

    const { status, body, events } = await h.stream(`/v1/tasks/${taskId}/continue/stream`, {
      approval_id: approval?.approval_id
    })
    expect(status).toBe(200)
    expect(body).toContain('"stage":"running_tool"')
    expect(body.indexOf('"stage":"running_tool"')).toBeLessThan(body.indexOf('event: tool_call_finished'))
    const finished = events.find((e) => e.event === 'tool_call_finished')
    expect(finished?.data).toMatchObject({ tool: 'shell_exec_safe', ok: true, exit_code: 0 })
    expect(body).toContain('event: content_delta')
    expect(doneOf(events).status).toBe('completed')
    expect(h.proxy.calls(MODELS.action)).toHaveLength(1)
    const [answer] = h.proxy.calls(MODELS.thinker)
    const observation = (answer?.original.messages as { content: string }[]).find((m) =>
      m.content.includes('tool_observations')
    )
    expect(observation?.content).toContain('uname')

    const last = (await messages(conversationId)).at(-1) as StoredMessage
    expect(last.content).toBe(deltas(events, 'content_delta'))
    expect(last.content).not.toBe('')
    expect(last.status).toBe('completed')
    // The seq keeps increasing across the task's two streams.
    const lastSeq = initial.events.at(-1)?.data.seq as number
    expect(events[0]?.data.seq as number).toBeGreaterThan(lastSeq)
    seqsIncrease([...initial.events, ...events])
  })
})
