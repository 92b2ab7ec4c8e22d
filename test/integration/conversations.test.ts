/** Long conversations: what the prompt reads, paging a conversation open, searching many. */
import { realpathSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { HISTORY_MESSAGES } from '../../src/main/core/agent/prompts'
import { HISTORY_SQL, conversationHistory } from '../../src/main/core/store/tasks-repo'
import { MODELS, directive, messagesText, startHarness, type Harness } from '../support/harness'
import { seedConversation, seedInTransaction, seededText } from '../support/seed-conversations'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterEach(() => h.fake.reset())
afterAll(async () => {
  await h.stop()
})

let seeded = 0
function seed(messages: number, title?: string) {
  const workspace = realpathSync(h.workspace())
  const index = 1000 + seeded++
  const conversation = seedInTransaction(h.duck.db, () =>
    seedConversation(h.duck.db, { workspace, messages, index, ...(title ? { title } : {}) })
  )
  return { ...conversation, workspace, index }
}

describe('the prompt of a task in a long conversation', () => {
  it('carries the newest messages, oldest first, and none of the older ones', async () => {
    const { conversationId, workspace, index } = seed(600)
    h.fake.script(MODELS.action, { content: directive([], 'none') })
    h.fake.script(MODELS.thinker, { chunks: [{ content: 'Done.' }] })
    const run = await h.stream('/v1/chat/stream', {
      message: 'And the next step?',
      workspace,
      conversation_id: conversationId
    })
    expect(run.events.at(-1)?.data.status).toBe('completed')
    const planner = h.fake.requests.find((r) => r.path.endsWith('/chat/completions') && r.body?.model === MODELS.action)
    const text = messagesText(planner?.body).join('\n')
    const newest = Array.from({ length: HISTORY_MESSAGES }, (_, k) => 600 - HISTORY_MESSAGES + k)
    for (const i of newest) expect(text).toContain(seededText(index, i))
    expect(text).not.toContain(seededText(index, 600 - HISTORY_MESSAGES - 1))
    expect(text).not.toContain(seededText(index, 0))
    // Oldest first: the prompt reads like the conversation did.
    const positions = newest.map((i) => text.indexOf(seededText(index, i)))
    expect([...positions].sort((a, b) => a - b)).toEqual(positions)
    expect(text.indexOf('And the next step?')).toBeGreaterThan(positions.at(-1) as number)
  })

  it('reads only the newest messages from the store, skipping the task itself and empty ones', () => {
    const { conversationId, index, taskIds } = seed(200)
    const db = h.duck.db
    db.prepare("UPDATE messages SET content = '' WHERE id = ?").run(`msg_seed_${index}_197`)
    const history = conversationHistory(db, conversationId, taskIds.at(-1) as string, HISTORY_MESSAGES)
    expect(history).toHaveLength(HISTORY_MESSAGES)
    // The last task (198, 199) is the one being run and 197 is empty: 177…196 are the newest others.
    const expected = Array.from({ length: HISTORY_MESSAGES }, (_, k) => 197 - HISTORY_MESSAGES + k)
    expect(history.map((m) => m.content)).toEqual(expected.map((i) => seededText(index, i)))
  })

  it('is read through the conversation index, newest first, stopping after the limit', () => {
    const plan = h.duck.db.prepare(`EXPLAIN QUERY PLAN ${HISTORY_SQL}`).all('conv', 'task', HISTORY_MESSAGES) as {
      detail: string
    }[]
    const details = plan.map((row) => row.detail).join('\n')
    expect(details).toMatch(/USING INDEX messages_by_conversation \(conversation_id=\?\)/)
    // No sort of the whole conversation: the rows come in index order and LIMIT stops the walk.
    expect(details).not.toMatch(/TEMP B-TREE/)
  })
})
