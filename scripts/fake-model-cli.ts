/**
 * The fake OpenAI-compatible server as its own process, for benchmarks: the planner answers
 * with no actions, the thinker streams FAKE_TOKENS one-token chunks as fast as it can, and
 * `thinker-paced` streams FAKE_PACED_TOKENS of them at one per FAKE_PACE_MS (default 10 ms:
 * 100 tokens a second). `GET /fake/requests` says when each request's first token went out.
 * Prints its URL on the first line of stdout.
 */
import { startFakeModelServer } from '../test/support/fake-model-server'

const tokens = Number(process.env.FAKE_TOKENS ?? 20_000)
const reasoningTokens = Number(process.env.FAKE_REASONING_TOKENS ?? 0)
const fake = await startFakeModelServer()
fake.script('planner', {
  content: JSON.stringify({ kind: 'action_directive', intent: 'answer', risk_level: 'none', actions: [] })
})
fake.script('thinker', () =>
  reasoningTokens > 0
    ? { chunks: Array.from({ length: reasoningTokens }, () => ({ reasoning: 'hmm ' })), tokens }
    : { tokens }
)
fake.script('thinker-paced', {
  tokens: Number(process.env.FAKE_PACED_TOKENS ?? 200),
  paceMs: Number(process.env.FAKE_PACE_MS ?? 10)
})
fake.script('*', { content: '{}' })
process.stdout.write(`${fake.url}\n`)
process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)))
