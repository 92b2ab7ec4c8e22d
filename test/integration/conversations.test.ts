/** Long conversations: what the prompt reads, paging a conversation open, searching many. */
import { realpathSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { HISTORY_MESSAGES } from '../../src/main/core/agent/prompts'
import { PAGE_SQL } from '../../src/main/core/store/conversations-repo'
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

type Detail = {
  messages: { message_id: string; role: string; content: string; task_id: string | null }[]
  has_more?: boolean
  next_before?: string | null
  task_events?: Record<string, { seq: number; event_type: string }[]>
}
async function detail(path: string): Promise<Detail> {
  const response = await h.api(path)
  expect(response.status).toBe(200)
  return (await response.json()) as Detail
}

describe('opening a conversation a page at a time', () => {
  it('without paging parameters answers every message, exactly as before', async () => {
    const { conversationId, messageIds } = seed(30)
    const whole = (await detail(`/v1/conversations/${conversationId}`)) as unknown as Record<string, unknown>
    expect(Object.keys(whole).sort()).toEqual(['conversation_id', 'messages', 'title', 'workspace'])
    expect((whole as unknown as Detail).messages.map((m) => m.message_id)).toEqual(messageIds)
  })

  it('pages newest first with a cursor until the start, and the pages add up to the whole', async () => {
    const { conversationId, messageIds } = seed(250)
    const pages: string[][] = []
    let path = `/v1/conversations/${conversationId}?limit=100`
    for (;;) {
      const page = await detail(path)
      pages.push(page.messages.map((m) => m.message_id))
      expect(page.task_events).toBeUndefined()
      if (!page.has_more) {
        expect(page.next_before).toBeNull()
        break
      }
      expect(page.next_before).toBe(page.messages[0]?.message_id)
      path = `/v1/conversations/${conversationId}?limit=100&before=${page.next_before}`
    }
    expect(pages.map((p) => p.length)).toEqual([100, 100, 50])
    expect(pages[0]).toEqual(messageIds.slice(150))
    expect(pages.reverse().flat()).toEqual(messageIds)
    // `before` alone reads a page of the default size.
    const older = await detail(`/v1/conversations/${conversationId}?before=${messageIds[120]}`)
    expect(older.messages.map((m) => m.message_id)).toEqual(messageIds.slice(20, 120))
    expect(older.has_more).toBe(true)
  })

  it("includes the events of the page's tasks, the same as each task's own log", async () => {
    const { conversationId, taskIds } = seed(40)
    const page = await detail(`/v1/conversations/${conversationId}?limit=5&include=events`)
    // 5 messages: the last two tasks whole, and the answer of the one before.
    expect(Object.keys(page.task_events ?? {}).sort()).toEqual(taskIds.slice(-3).sort())
    for (const taskId of taskIds.slice(-3)) {
      const own = await (await h.api(`/v1/tasks/${taskId}/events`)).json()
      expect(page.task_events?.[taskId]).toEqual(own)
    }
    const whole = await detail(`/v1/conversations/${conversationId}?include=events`)
    expect(whole.messages).toHaveLength(40)
    expect(whole.has_more).toBeUndefined()
    expect(Object.keys(whole.task_events ?? {})).toHaveLength(20)
  })

  it('refuses bad paging parameters with a message naming the field', async () => {
    const { conversationId } = seed(4)
    const cases: [string, RegExp][] = [
      ['limit=0', /^limit: /],
      ['limit=1001', /^limit: /],
      ['limit=ten', /^limit: /],
      ['before=..%2Fetc', /^before: /],
      ['before=msg_not_here', /^before: no message msg_not_here/],
      ['include=everything', /^include: /],
      ['offset=10', /offset/]
    ]
    for (const [params, message] of cases) {
      const response = await h.api(`/v1/conversations/${conversationId}?${params}`)
      expect(response.status, params).toBe(400)
      const body = (await response.json()) as { error: { code: string; message: string } }
      expect(body.error.code).toBe('invalid_input')
      expect(body.error.message, params).toMatch(message)
    }
    // A message of another conversation is no cursor here.
    const other = seed(2)
    const response = await h.api(`/v1/conversations/${conversationId}?before=${other.messageIds[0]}`)
    expect(response.status).toBe(400)
  })

  it('reads a page through the conversation index, from the cursor backwards', () => {
    for (const sql of Object.values(PAGE_SQL)) {
      const plan = h.duck.db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all({ conversation: 'c', created_at: 'x', seq: 1, limit: 10 }) as { detail: string }[]
      const details = plan.map((row) => row.detail).join('\n')
      expect(details).toMatch(/USING INDEX messages_by_conversation \(conversation_id=\?/)
      expect(details).not.toMatch(/TEMP B-TREE/)
    }
  })
})

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
