/**
 * A long session: 1,000 tasks over the HTTP API, each followed by post-task learning (memory
 * policy and critic). Nothing may pile up: no MaxListenersExceededWarning (an abort listener
 * left on a long-lived signal per request), and the heap after the last task stays close to
 * where it was after the first hundred.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { MODELS, planNothing, thinkAndAnswer } from '../support/scripting'
import { startHarness, type Harness } from '../support/harness'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const TASKS = 1_000

let h: Harness
beforeAll(async () => {
  h = await startHarness()
  planNothing(h.fake)
  thinkAndAnswer(h.fake, { content: 'A short answer.', chunkDelayMs: 0 })
  let n = 0
  h.fake.script(MODELS.memory_policy, () => ({
    content: JSON.stringify({
      should_store: true,
      memory_type: 'fact',
      summary: `Fact number ${++n} about this workspace.`,
      importance: 0.5,
      scope: 'workspace',
      metadata: {}
    })
  }))
  h.fake.script(MODELS.critic, { content: 'Keep answers short.' })
})
afterAll(async () => {
  await h.stop()
})

function heapMb(): number {
  gc()
  gc()
  return process.memoryUsage().heapUsed / 1024 / 1024
}

it(`${TASKS} tasks with learning: no listener warnings, a bounded heap`, { timeout: 300_000 }, async () => {
  const warnings: string[] = []
  const onWarning = (warning: Error): void => {
    warnings.push(`${warning.name}: ${warning.message}`)
  }
  process.on('warning', onWarning)
  try {
    const workspace = h.workspace()
    let conversation: string | undefined
    let baseline = 0
    for (let i = 1; i <= TASKS; i++) {
      // A new conversation every 20 tasks keeps the history (and the prompt) the same size.
      if (i % 20 === 1) conversation = undefined
      const { status, events } = await h.stream('/v1/chat/stream', {
        workspace,
        message: `task ${i}`,
        ...(conversation ? { conversation_id: conversation } : {})
      })
      expect(status).toBe(200)
      const done = events.at(-1)
      expect(done?.event).toBe('done')
      expect(done?.data.status).toBe('completed')
      conversation = done?.data.conversation_id as string
      if (i % 50 === 0) await h.duck.learningIdle()
      if (i === 100) baseline = heapMb()
    }
    await h.duck.learningIdle()
    const after = heapMb()
    expect(warnings.filter((w) => /MaxListeners/.test(w))).toEqual([])
    // Memories and events live in SQLite, not the heap: growth is noise, not per task.
    expect(after - baseline).toBeLessThan(40)
    const memories = (await (await h.api(`/v1/memory?workspace=${encodeURIComponent(workspace)}&limit=5`)).json()) as {
      results: unknown[]
    }
    expect(memories.results.length).toBeGreaterThan(0)
  } finally {
    process.off('warning', onWarning)
  }
})
