import type { TaskEventRecord, TaskInfo } from '../../../shared/dto'
import type { DuckEventType, TaskStatus } from '../../../shared/events'
import type { Db } from './database'
import { now, stmt } from './statements'

interface TaskRow {
  id: string
  conversation_id: string
  workspace: string
  status: TaskStatus
  request: string
  options: string
  state: string
  next_seq: number
  created_at: string
  updated_at: string
}

export interface StoredTask<State, Options> {
  id: string
  conversationId: string
  workspace: string
  status: TaskStatus
  request: string
  options: Options
  state: State
  createdAt: string
  updatedAt: string
}

export function insertTask(
  db: Db,
  task: {
    id: string
    conversationId: string
    workspace: string
    status: TaskStatus
    request: string
    options: unknown
    state: unknown
  }
): void {
  const at = now()
  stmt(
    db,
    `INSERT INTO tasks (id, conversation_id, workspace, status, request, options, state, next_seq, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`
  ).run(
    task.id,
    task.conversationId,
    task.workspace,
    task.status,
    task.request,
    JSON.stringify(task.options),
    JSON.stringify(task.state),
    at,
    at
  )
}

export function getTask<State, Options>(db: Db, id: string): StoredTask<State, Options> | undefined {
  const row = stmt(db, 'SELECT * FROM tasks WHERE id = ?').get(id) as TaskRow | undefined
  if (!row) return undefined
  return {
    id: row.id,
    conversationId: row.conversation_id,
    workspace: row.workspace,
    status: row.status,
    request: row.request,
    options: JSON.parse(row.options) as Options,
    state: JSON.parse(row.state) as State,
    createdAt: row.created_at,
    updatedAt: row.updated_at
  }
}

export function taskInfo(db: Db, id: string): TaskInfo | undefined {
  const row = stmt(
    db,
    'SELECT id, conversation_id, workspace, status, created_at, updated_at FROM tasks WHERE id = ?'
  ).get(id) as
    Pick<TaskRow, 'id' | 'conversation_id' | 'workspace' | 'status' | 'created_at' | 'updated_at'> | undefined
  if (!row) return undefined
  return {
    task_id: row.id,
    conversation_id: row.conversation_id,
    workspace: row.workspace,
    status: row.status,
    created_at: row.created_at,
    updated_at: row.updated_at
  }
}

export function updateTask(db: Db, id: string, status: TaskStatus, state: unknown): void {
  stmt(db, 'UPDATE tasks SET status = ?, state = ?, updated_at = ? WHERE id = ?').run(
    status,
    JSON.stringify(state),
    now(),
    id
  )
}

export function setTaskStatus(db: Db, id: string, status: TaskStatus): void {
  stmt(db, 'UPDATE tasks SET status = ?, updated_at = ? WHERE id = ?').run(status, now(), id)
}

/** Tasks a previous run left mid-flight (the process died while they ran). */
export function listTaskIdsWithStatus(db: Db, status: TaskStatus): string[] {
  return (stmt(db, 'SELECT id FROM tasks WHERE status = ?').all(status) as { id: string }[]).map((r) => r.id)
}

interface EventRow {
  seq: number
  event_type: DuckEventType
  payload: string
  created_at: string
}

function toEventRecord(row: EventRow): TaskEventRecord {
  return {
    seq: row.seq,
    event_type: row.event_type,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    created_at: row.created_at
  }
}

export function listEvents(db: Db, taskId: string): TaskEventRecord[] {
  const rows = stmt(
    db,
    'SELECT seq, event_type, payload, created_at FROM task_events WHERE task_id = ? ORDER BY seq'
  ).all(taskId) as EventRow[]
  return rows.map(toEventRecord)
}

/** The persisted events of these tasks, each by seq (one query, the primary key's order). */
export function eventsOfTasks(db: Db, taskIds: string[]): Record<string, TaskEventRecord[]> {
  const byTask: Record<string, TaskEventRecord[]> = {}
  if (taskIds.length === 0) return byTask
  for (const id of taskIds) byTask[id] = []
  const rows = stmt(
    db,
    `SELECT e.task_id, e.seq, e.event_type, e.payload, e.created_at
     FROM json_each(?) AS j JOIN task_events e ON e.task_id = j.value ORDER BY e.task_id, e.seq`
  ).all(JSON.stringify(taskIds)) as (EventRow & { task_id: string })[]
  for (const row of rows) byTask[row.task_id]?.push(toEventRecord(row))
  return byTask
}

/** What the newest-N history query runs (exported for the query-plan test and the benchmark). */
export const HISTORY_SQL = `SELECT role, content FROM messages
  WHERE conversation_id = ? AND (task_id IS NULL OR task_id != ?) AND content != ''
  ORDER BY created_at DESC, rowid DESC LIMIT ?`

/**
 * The conversation's newest `limit` finished messages, oldest first, for the next task's prompt.
 * It walks `messages_by_conversation` backwards and stops after `limit` rows, so its cost does
 * not grow with the length of the conversation.
 */
export function conversationHistory(
  db: Db,
  conversationId: string,
  excludeTaskId: string,
  limit: number
): { role: 'user' | 'assistant'; content: string }[] {
  const newest = stmt(db, HISTORY_SQL).all(conversationId, excludeTaskId, limit) as {
    role: 'user' | 'assistant'
    content: string
  }[]
  return newest.reverse()
}
