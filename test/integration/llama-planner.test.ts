/**
 * The planner against real llama-servers: its directive is valid N of N, and each action
 * names a real tool with arguments that fit it. And generation_stats come from the server's
 * own `timings`, not from client arrival times.
 *
 * The tiny models left alone nearly always plan no action (the schema allows `[]`), which
 * would make "every action names a real tool" vacuous; so the first round's schema is
 * narrowed to "exactly one action" (Duck's own per-tool branches kept: which tool and which
 * arguments stay the model's choice under the grammar), and later rounds to "no action".
 * Were the schema's tool enum lost (a bare `"tool": {"type": "string"}`), the model's random
 * words would land in `tool` and this fails.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { parseDirective } from '../../src/main/core/agent/directive'
import { planMaxTokens } from '../../src/main/core/agent/thinking'
import { ToolRegistry } from '../../src/main/core/tools/registry'
import { doneOf, idsOf, MODELS, startLlamaDuck, type LlamaDuck } from '../support/llama-harness'
import {
  boundStrings,
  hasToolObservations,
  plannerSchema,
  requireActions,
  type LlamaTimings
} from '../support/llama-proxy'
import { LLAMA_BUILD_TIMEOUT_MS, startLlamaServer, type LlamaServer } from '../support/llama-server'
import { tinyModelPath } from '../support/tiny-models'

const RUNS = 10

let plain: LlamaServer
let think: LlamaServer
let h: LlamaDuck
const tools = new ToolRegistry({})

beforeAll(async () => {
  ;[plain, think] = await Promise.all([
    startLlamaServer(await tinyModelPath('plain')),
    startLlamaServer(await tinyModelPath('think'))
  ])
  h = await startLlamaDuck({ action: plain, thinker: plain })
}, LLAMA_BUILD_TIMEOUT_MS)
afterEach(() => h.proxy.reset())
afterAll(async () => {
  await h?.stop()
  await Promise.all([plain?.stop(), think?.stop()])
})

describe('the planner on llama-server', () => {
  it(`writes a valid directive naming real tools, ${RUNS} of ${RUNS}`, async () => {
    const names = new Set(tools.list().map((t) => t.name))
    const chosen: string[] = []
    for (let run = 0; run < RUNS; run++) {
      // Both planners: the plain template, and the thinking one with thinking turned off.
      h.use({ action: run % 2 === 0 ? plain : think })
      h.proxy.reset()
      h.proxy.rewrite = (body) =>
        plannerSchema(body) === null
          ? body
          : hasToolObservations(body)
            ? requireActions(body, 0, 0)
            : boundStrings(requireActions(body, 1, 1), 120)
      const { status, events } = await h.stream('/v1/chat/stream', {
        message: `look around the workspace and tell me what is there (${run})`,
        workspace: h.workspace()
      })
      expect(status).toBe(200)
      const errors = events.filter((e) => e.event === 'error')
      expect(errors, JSON.stringify(errors)).toEqual([])
      const done = doneOf(events)
      expect(['completed', 'waiting_for_approval']).toContain(done.status)

      const plans = h.proxy.calls(MODELS.action)
      expect(plans.length).toBeGreaterThanOrEqual(1)
      for (const plan of plans) {
        // Asked for the way Duck must ask: the top structured-output rung, no thinking, bounded.
        expect((plan.original.response_format as { type: string }).type).toBe('json_schema')
        expect(plan.original.chat_template_kwargs).toEqual({ enable_thinking: false })
        expect(plan.original.max_tokens).toBe(planMaxTokens(4096))
        expect(plan.finishReason).toBe('stop')
        expect(plan.reasoning).toBe('')
        const parsed = parseDirective(plan.content)
        expect(parsed.ok, `run ${run}: ${plan.content}`).toBe(true)
        if (!parsed.ok) continue
        for (const action of parsed.directive.actions) {
          expect(names, `run ${run}: ${plan.content}`).toContain(action.tool)
          const tool = tools.get(action.tool)
          expect(tool?.schema.safeParse(action.args).success, `run ${run}: ${JSON.stringify(action)}`).toBe(true)
        }
      }
      const first = parseDirective(plans[0]?.content ?? '')
      const planned = first.ok ? first.directive.actions : []
      expect(planned).toHaveLength(1)
      chosen.push(String(planned[0]?.tool))
      // Duck ran (or paused on) exactly what was planned, never skipped it as unknown or invalid.
      const reached = events.filter((e) => e.event === 'tool_call_started' || e.event === 'tool_approval_requested')
      expect(
        reached.map((e) => e.data.tool),
        JSON.stringify(events)
      ).toEqual(planned.map((a) => a.tool))
      if (done.status === 'waiting_for_approval') expect(reached.at(-1)?.event).toBe('tool_approval_requested')
      const finished = events.filter((e) => e.event === 'tool_call_finished')
      for (const e of finished) expect(String(e.data.output)).not.toMatch(/There is no tool named|Invalid arguments/)
      if (done.status === 'waiting_for_approval') {
        // An invented command line is the person's call: clear it so nothing is left pending.
        await h.api(`/v1/tasks/${idsOf(events).taskId}/cancel`, { method: 'POST' })
      }
    }
    expect(chosen).toHaveLength(RUNS)
  }, 120_000)
})

describe('generation stats from llama-server timings', () => {
  it('reports the server-measured decode rate, not client arrival bursts', async () => {
    h.use({ action: plain, thinker: plain })
    const samples: { stats: Record<string, number | null>; timings: LlamaTimings }[] = []
    for (let i = 0; i < 3; i++) {
      h.proxy.reset()
      const { events } = await h.stream('/v1/chat/stream', { message: `hello ${i}`, workspace: h.workspace() })
      const done = doneOf(events)
      expect(done.status).toBe('completed')
      const [answer] = h.proxy.calls(MODELS.thinker)
      expect(answer?.timings, 'llama-server sent timings with the last chunk').not.toBeNull()
      samples.push({
        stats: done.generation_stats as Record<string, number | null>,
        timings: answer?.timings as LlamaTimings
      })
    }
    for (const { stats, timings } of samples) {
      const server = (timings.predicted_n / timings.predicted_ms) * 1000
      // A handful of tokens arrives in one burst: client timing alone would give no rate or a
      // wild one. With the server's timings the rate is there and is the server's.
      expect(stats.output_tokens).toBe(timings.predicted_n)
      expect(stats.avg_tokens_per_second).not.toBeNull()
      const avg = stats.avg_tokens_per_second as number
      expect(avg / server).toBeGreaterThan(0.9)
      expect(avg / server).toBeLessThan(1.1)
      expect(avg / timings.predicted_per_second).toBeGreaterThan(0.5)
      expect(avg / timings.predicted_per_second).toBeLessThan(2)
      expect(stats.min_tokens_per_second as number).toBeLessThanOrEqual(avg)
      expect(stats.max_tokens_per_second as number).toBeGreaterThanOrEqual(avg)
      expect(stats.max_tokens_per_second as number).toBeLessThan(Math.max(3 * server, 5000))
      expect(stats.ttft_ms).not.toBeNull()
    }
  })
})
