/**
 * Builds large conversation histories directly in SQLite (one transaction, prepared statements),
 * shaped like what the runner writes: per task a user and an assistant message and its
 * persisted events (planning, thinking, done with stats). For tests and `scripts/scale`.
 */
import type { Db } from '../../src/main/core/store/database'

export interface SeededConversation {
  conversationId: string
  /** Message ids, oldest first. */
  messageIds: string[]
  /** Task ids, oldest first. */
  taskIds: string[]
}

const BASE_TIME = Date.parse('2025-01-01T00:00:00.000Z')

function at(ms: number): string {
  return new Date(BASE_TIME + ms).toISOString()
}

/** The text of the `i`-th message (0-based) of a seeded conversation. */
export function seededText(conversation: number, i: number): string {
  const role = i % 2 === 0 ? 'Question' : 'Answer'
  return `${role} ${i} of conversation ${conversation}: the build of the site, its tests and the release notes.`
}

/**
 * One conversation with `messages` messages (an even number: `messages / 2` tasks), one second
 * apart, in `workspace`. Returns its ids.
 */
export function seedConversation(
  db: Db,
  options: { workspace: string; messages: number; index?: number; title?: string; startMs?: number }
): SeededConversation {
  const index = options.index ?? 0
  const start = options.startMs ?? 0
  const conversationId = `conv_seed_${index}`
  const messageIds: string[] = []
  const taskIds: string[] = []
  const insertConversation = db.prepare(
    'INSERT INTO conversations (id, title, workspace, created_at, updated_at) VALUES (?, ?, ?, ?, ?)'
  )
  const insertTask = db.prepare(
    `INSERT INTO tasks (id, conversation_id, workspace, status, request, options, state, next_seq, created_at, updated_at)
     VALUES (?, ?, ?, 'completed', ?, '{"reasoning":"auto","debug":false}', '{}', 4, ?, ?)`
  )
  const insertMessage = db.prepare(
    `INSERT INTO messages (id, conversation_id, task_id, role, content, reasoning, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, '', 'completed', ?, ?)`
  )
  const insertEvent = db.prepare(
    'INSERT INTO task_events (task_id, seq, event_type, payload, created_at) VALUES (?, ?, ?, ?, ?)'
  )
  const last = at(start + options.messages * 1000)
  insertConversation.run(
    conversationId,
    options.title ?? `Seeded conversation ${index}`,
    options.workspace,
    at(start),
    last
  )
  for (let i = 0; i < options.messages; i += 2) {
    const taskId = `task_seed_${index}_${i / 2}`
    const asked = at(start + i * 1000)
    const answered = at(start + (i + 1) * 1000)
    taskIds.push(taskId)
    insertTask.run(taskId, conversationId, options.workspace, seededText(index, i), asked, answered)
    for (const [offset, role] of [
      [0, 'user'],
      [1, 'assistant']
    ] as const) {
      const id = `msg_seed_${index}_${i + offset}`
      messageIds.push(id)
      const created = offset === 0 ? asked : answered
      insertMessage.run(id, conversationId, taskId, role, seededText(index, i + offset), created, created)
    }
    const ids = { task_id: taskId, conversation_id: conversationId }
    insertEvent.run(taskId, 1, 'runtime_status', JSON.stringify({ ...ids, seq: 1, stage: 'planning' }), asked)
    insertEvent.run(taskId, 2, 'runtime_status', JSON.stringify({ ...ids, seq: 2, stage: 'thinking' }), asked)
    const stats = {
      output_tokens: 24,
      ttft_ms: 120,
      duration_ms: 900,
      min_tokens_per_second: 20,
      avg_tokens_per_second: 26.7,
      max_tokens_per_second: 31,
      truncated: false
    }
    insertEvent.run(
      taskId,
      3,
      'done',
      JSON.stringify({ ...ids, seq: 3, status: 'completed', generation_stats: stats }),
      answered
    )
  }
  return { conversationId, messageIds, taskIds }
}

/** Seeds in one transaction. */
export function seedInTransaction<T>(db: Db, build: () => T): T {
  return db.transaction(build)()
}
