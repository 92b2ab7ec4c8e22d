import type { ConversationDetail, ConversationSummary, MessageRecord } from '../../../shared/dto'
import type { TaskStatus } from '../../../shared/events'
import { CONVERSATION_PAGE_DEFAULT, type ConversationQuery } from '../../../shared/schemas'
import type { Db } from './database'
import { ftsPhrase, indexable, likePattern } from './search'
import { now, stmt } from './statements'
import { eventsOfTasks } from './tasks-repo'

interface ConversationRow {
  id: string
  title: string
  workspace: string
  updated_at: string
  waiting: number
}

const WAITING = `EXISTS (SELECT 1 FROM tasks t WHERE t.conversation_id = c.id
  AND t.status IN ('waiting_for_approval', 'waiting_for_password'))`

function toSummary(row: ConversationRow): ConversationSummary {
  return {
    conversation_id: row.id,
    title: row.title,
    workspace: row.workspace,
    updated_at: row.updated_at,
    waiting: row.waiting === 1
  }
}

export function createConversation(db: Db, id: string, title: string, workspace: string): void {
  const at = now()
  stmt(db, 'INSERT INTO conversations (id, title, workspace, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(
    id,
    title,
    workspace,
    at,
    at
  )
}

export function getConversationRow(db: Db, id: string): ConversationSummary | undefined {
  const row = stmt(
    db,
    `SELECT c.id, c.title, c.workspace, c.updated_at, ${WAITING} AS waiting FROM conversations c WHERE c.id = ?`
  ).get(id) as ConversationRow | undefined
  return row ? toSummary(row) : undefined
}

export function touchConversation(db: Db, id: string): void {
  stmt(db, 'UPDATE conversations SET updated_at = ? WHERE id = ?').run(now(), id)
}

export function renameConversation(db: Db, id: string, title: string): boolean {
  return stmt(db, 'UPDATE conversations SET title = ?, updated_at = ? WHERE id = ?').run(title, now(), id).changes > 0
}

export function deleteConversation(db: Db, id: string): boolean {
  return stmt(db, 'DELETE FROM conversations WHERE id = ?').run(id).changes > 0
}

/**
 * Conversations whose title or a message contains `q` (case-insensitive), newest first. Three
 * characters or more are looked up in the trigram indexes (`messages_fts`,
 * `conversation_titles_fts`); shorter queries, which no trigram can hold, scan with LIKE.
 */
export function listConversations(db: Db, q: string | undefined, limit: number): ConversationSummary[] {
  if (!q) {
    const rows = stmt(
      db,
      `SELECT c.id, c.title, c.workspace, c.updated_at, ${WAITING} AS waiting FROM conversations c
       ORDER BY c.updated_at DESC LIMIT ?`
    ).all(limit) as ConversationRow[]
    return rows.map(toSummary)
  }
  const rows = indexable(q)
    ? (stmt(db, SEARCH_SQL).all({ match: ftsPhrase(q), limit }) as ConversationRow[])
    : (stmt(
        db,
        `SELECT c.id, c.title, c.workspace, c.updated_at, ${WAITING} AS waiting FROM conversations c
           WHERE c.title LIKE @like ESCAPE '\\' OR EXISTS (
             SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.content LIKE @like ESCAPE '\\')
           ORDER BY c.updated_at DESC LIMIT @limit`
      ).all({ like: likePattern(q), limit }) as ConversationRow[])
  return rows.map(toSummary)
}

/** The indexed search (exported for the query-plan test and the benchmark). */
export const SEARCH_SQL = `SELECT c.id, c.title, c.workspace, c.updated_at, ${WAITING} AS waiting FROM conversations c
  WHERE c.id IN (
    SELECT m.conversation_id FROM messages_fts CROSS JOIN messages m ON m.seq = messages_fts.rowid
      WHERE messages_fts MATCH @match
    UNION
    SELECT t.conversation_id FROM conversation_titles_fts CROSS JOIN conversation_titles t
      ON t.key = conversation_titles_fts.rowid
      WHERE conversation_titles_fts MATCH @match)
  ORDER BY c.updated_at DESC LIMIT @limit`

interface MessageRow {
  id: string
  role: 'user' | 'assistant'
  content: string
  reasoning: string
  status: TaskStatus
  task_id: string | null
  created_at: string
}

export function addMessage(
  db: Db,
  message: {
    id: string
    conversationId: string
    taskId: string | null
    role: 'user' | 'assistant'
    content: string
    status: TaskStatus
  }
): void {
  const at = now()
  stmt(
    db,
    `INSERT INTO messages (id, conversation_id, task_id, role, content, reasoning, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, '', ?, ?, ?)`
  ).run(message.id, message.conversationId, message.taskId, message.role, message.content, message.status, at, at)
}

export function updateMessage(
  db: Db,
  id: string,
  fields: { content: string; reasoning: string; status: TaskStatus }
): void {
  stmt(db, 'UPDATE messages SET content = ?, reasoning = ?, status = ?, updated_at = ? WHERE id = ?').run(
    fields.content,
    fields.reasoning,
    fields.status,
    now(),
    id
  )
}

export function getMessage(db: Db, id: string): MessageRecord | undefined {
  const row = stmt(
    db,
    'SELECT id, role, content, reasoning, status, task_id, created_at FROM messages WHERE id = ?'
  ).get(id) as MessageRow | undefined
  return row ? toMessage(row) : undefined
}

function toMessage(row: MessageRow): MessageRecord {
  return {
    message_id: row.id,
    role: row.role,
    content: row.content,
    reasoning: row.reasoning,
    status: row.status,
    task_id: row.task_id,
    created_at: row.created_at
  }
}

export function listMessages(db: Db, conversationId: string): MessageRecord[] {
  const rows = stmt(
    db,
    `SELECT id, role, content, reasoning, status, task_id, created_at FROM messages
     WHERE conversation_id = ? ORDER BY created_at, rowid`
  ).all(conversationId) as MessageRow[]
  return rows.map(toMessage)
}

const MESSAGE_COLUMNS = 'seq, id, role, content, reasoning, status, task_id, created_at'

/** The newest page and the page before a message (exported for the query-plan test). */
export const PAGE_SQL = {
  newest: `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = @conversation
    ORDER BY created_at DESC, seq DESC LIMIT @limit`,
  before: `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = @conversation
    AND (created_at, seq) < (@created_at, @seq)
    ORDER BY created_at DESC, seq DESC LIMIT @limit`
} as const

/**
 * One page of a conversation, oldest first: its newest `limit` messages, or with `before` the
 * `limit` messages before that one. Walks `messages_by_conversation` backwards from where the
 * page starts, so a page costs the same however long the conversation is. Null when `before`
 * is not a message of this conversation.
 */
export function messagePage(
  db: Db,
  conversationId: string,
  page: { limit: number; before?: string | undefined }
): { messages: MessageRecord[]; hasMore: boolean } | null {
  let rows: (MessageRow & { seq: number })[]
  if (page.before === undefined) {
    rows = stmt(db, PAGE_SQL.newest).all({ conversation: conversationId, limit: page.limit + 1 }) as typeof rows
  } else {
    const anchor = stmt(db, 'SELECT seq, created_at FROM messages WHERE id = ? AND conversation_id = ?').get(
      page.before,
      conversationId
    ) as { seq: number; created_at: string } | undefined
    if (!anchor) return null
    rows = stmt(db, PAGE_SQL.before).all({
      conversation: conversationId,
      created_at: anchor.created_at,
      seq: anchor.seq,
      limit: page.limit + 1
    }) as typeof rows
  }
  const hasMore = rows.length > page.limit
  if (hasMore) rows.length = page.limit
  return { messages: rows.reverse().map(toMessage), hasMore }
}

export type ConversationRead = ConversationDetail | 'no_conversation' | 'unknown_before'

export function getConversation(db: Db, id: string, query: ConversationQuery = {}): ConversationRead {
  const summary = getConversationRow(db, id)
  if (!summary) return 'no_conversation'
  const detail: ConversationDetail = {
    conversation_id: summary.conversation_id,
    title: summary.title,
    workspace: summary.workspace,
    messages: []
  }
  if (query.limit === undefined && query.before === undefined) {
    detail.messages = listMessages(db, id)
  } else {
    const page = messagePage(db, id, { limit: query.limit ?? CONVERSATION_PAGE_DEFAULT, before: query.before })
    if (!page) return 'unknown_before'
    detail.messages = page.messages
    detail.has_more = page.hasMore
    detail.next_before = page.hasMore ? (page.messages[0]?.message_id ?? null) : null
  }
  if (query.include === 'events') {
    const taskIds = [...new Set(detail.messages.flatMap((m) => (m.task_id ? [m.task_id] : [])))]
    detail.task_events = eventsOfTasks(db, taskIds)
  }
  return detail
}
