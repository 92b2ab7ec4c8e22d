/**
 * A long conversation written straight into a data folder's SQLite database, as Duck itself
 * would have stored it after many finished tasks: each turn a user message and a completed
 * assistant answer in markdown (headings, paragraphs, lists, tables, code), with the task's
 * persisted events (planning, thinking, done with stats). One transaction, prepared
 * statements. The benchmark of long threads and the window's e2e spec open it.
 */
import { randomUUID } from 'node:crypto'
import { closeDatabase, openDatabase } from '../../src/main/core/store/database'

const WORDS =
  'the build reads each file once and keeps a small index of what changed so that later runs skip work they already did while tests still cover every path'.split(
    ' '
  )

export interface LongConversationOptions {
  /** Number of turns (tasks), each a user message and an answer. */
  turns: number
  /** Rough total of tokens (words) over all answers. */
  tokens: number
  workspace: string
  title?: string
}

export interface LongConversation {
  conversationId: string
  title: string
  /** Task ids in order, oldest first. */
  taskIds: string[]
  /** The user's request of turn `index` (0-based). */
  request(index: number): string
  /** Words written over all answers. */
  words: number
  /** Markdown blocks (paragraphs, headings, lists, tables, code) over all answers. */
  blocks: number
}

/** The request of turn `index`: unique words so a spec can find exactly one turn. */
export function turnRequest(index: number): string {
  return `Question ${index + 1}: how does step ${index + 1} of the build work?`
}

/** An answer of about `words` words in blocks of markdown, different for each turn. */
export function turnAnswer(index: number, words: number): { text: string; words: number; blocks: number } {
  const blocks: string[] = []
  let count = 0
  let section = 0
  const para = (length: number, salt: number): string => {
    const text = Array.from({ length }, (_, i) => WORDS[(i * 7 + salt) % WORDS.length]).join(' ')
    count += length
    return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`
  }
  blocks.push(`Answer ${index + 1}. ${para(24, index)}`)
  // A section is about 110 words: stop at the one that comes closest to `words`.
  while (count + 55 < words) {
    section++
    blocks.push(`## Step ${index + 1}.${section}`)
    count += 3
    for (let p = 0; p < 2; p++) blocks.push(para(40, index + section + p))
    blocks.push('- first point with `code` in it\n- second point, **bold**\n- third point')
    count += 14
    if (section % 2 === 1) {
      blocks.push(`| file | size |\n| --- | --- |\n| part-${section}.txt | ${section * 12} |\n| b.txt | 40 |`)
      count += 16
    } else {
      blocks.push('```ts\nexport function add(a: number, b: number): number {\n  return a + b\n}\n```')
      count += 18
    }
  }
  return { text: blocks.join('\n\n'), words: count, blocks: blocks.length }
}

/** Writes the conversation into the database at `dbPath` (created and migrated if needed). */
export function seedLongConversation(dbPath: string, options: LongConversationOptions): LongConversation {
  const db = openDatabase(dbPath)
  const conversationId = `conv_${randomUUID()}`
  const title = options.title ?? 'A long conversation about the build'
  const perAnswer = Math.max(30, Math.round(options.tokens / options.turns))
  const taskIds: string[] = []
  let words = 0
  let blocks = 0
  // Oldest first, one second apart, ending a minute ago (new tasks sort after them).
  const start = Date.now() - (options.turns + 60) * 1000
  const at = (second: number): string => new Date(start + second * 1000).toISOString()
  try {
    const insertConversation = db.prepare(
      'INSERT INTO conversations (id, title, workspace, created_at, updated_at) VALUES (?, ?, ?, ?, ?)'
    )
    const insertTask = db.prepare(
      `INSERT INTO tasks (id, conversation_id, workspace, status, request, options, state, next_seq, created_at, updated_at)
       VALUES (?, ?, ?, 'completed', ?, ?, ?, 4, ?, ?)`
    )
    const insertMessage = db.prepare(
      `INSERT INTO messages (id, conversation_id, task_id, role, content, reasoning, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, '', 'completed', ?, ?)`
    )
    const insertEvent = db.prepare(
      'INSERT INTO task_events (task_id, seq, event_type, payload, created_at) VALUES (?, ?, ?, ?, ?)'
    )
    db.transaction(() => {
      insertConversation.run(conversationId, title, options.workspace, at(0), at(options.turns))
      for (let i = 0; i < options.turns; i++) {
        const taskId = `task_${randomUUID()}`
        const assistantId = `msg_${randomUUID()}`
        const when = at(i)
        const answer = turnAnswer(i, perAnswer)
        words += answer.words
        blocks += answer.blocks
        const state = {
          assistantMessageId: assistantId,
          observations: [],
          rounds: 1,
          plannerRisk: 'none',
          queue: [],
          paused: null
        }
        insertTask.run(
          taskId,
          conversationId,
          options.workspace,
          turnRequest(i),
          '{}',
          JSON.stringify(state),
          when,
          when
        )
        insertMessage.run(`msg_${randomUUID()}`, conversationId, taskId, 'user', turnRequest(i), when, when)
        insertMessage.run(assistantId, conversationId, taskId, 'assistant', answer.text, when, when)
        const base = { task_id: taskId, conversation_id: conversationId }
        insertEvent.run(taskId, 1, 'runtime_status', JSON.stringify({ ...base, seq: 1, stage: 'planning' }), when)
        insertEvent.run(taskId, 2, 'runtime_status', JSON.stringify({ ...base, seq: 2, stage: 'thinking' }), when)
        const stats = {
          output_tokens: answer.words,
          ttft_ms: 180,
          duration_ms: 4000,
          min_tokens_per_second: 90,
          avg_tokens_per_second: 110,
          max_tokens_per_second: 130,
          truncated: false
        }
        insertEvent.run(
          taskId,
          3,
          'done',
          JSON.stringify({ ...base, seq: 3, status: 'completed', generation_stats: stats }),
          when
        )
        taskIds.push(taskId)
      }
    })()
  } finally {
    closeDatabase(db)
  }
  return { conversationId, title, taskIds, request: turnRequest, words, blocks }
}
