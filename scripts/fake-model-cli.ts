/**
 * The fake OpenAI-compatible server as its own process, for benchmarks: the planner answers
 * with no actions, the thinker streams FAKE_TOKENS one-token chunks as fast as it can.
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
fake.script('*', { content: '{}' })
process.stdout.write(`${fake.url}\n`)
process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)))
