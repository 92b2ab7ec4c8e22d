/**
 * The `memories` table and its FTS5 index. Statements only: merging, query building and
 * scoping rules live in `core/memory`.
 */
import type { MemoryRecord } from '../../../shared/dto'
import type { Db } from './database'
import { now, stmt } from './statements'

export interface MemoryRow {
  id: number
  memory_id: string
  text: string
  memory_type: string
  importance: number
  scope: 'workspace' | 'global'
  workspace: string | null
  created_at: string
}

export interface NewMemory {
  memoryId: string
  text: string
  norm: string
  memoryType: string
  importance: number
  workspace: string | null
  scopeKey: string
  taskId: string | null
  metadata: Record<string, unknown>
  /** Defaults to now (the benchmark back-dates rows). */
  at?: string
}

const COLUMNS = 'm.id, m.memory_id, m.text, m.memory_type, m.importance, m.scope, m.workspace, m.created_at'

/**
 * The ranking of a search hit: bm25 (negative, lower is better; the scope column weighs 0),
 * scaled by importance (0.5×–1.5×) and by age (1× when fresh, falling towards 0.5×, half
 * way at 30 days). `@now` is julianday('now').
 */
const SCORE = `bm25(memories_fts, 1.0, 0.0) * (0.5 + m.importance)
  * (0.5 + 0.5 / (1.0 + max(0.0, @now - julianday(m.updated_at)) / 30.0))`

export function toRecord(row: MemoryRow): MemoryRecord {
  return {
    memory_id: row.memory_id,
    text: row.text,
    memory_type: row.memory_type,
    importance: row.importance,
    scope: row.scope,
    workspace: row.workspace,
    created_at: row.created_at
  }
}

export function insertMemory(db: Db, m: NewMemory): void {
  const at = m.at ?? now()
  stmt(
    db,
    `INSERT INTO memories (memory_id, text, norm, memory_type, importance, scope, workspace, scope_key, task_id, metadata, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
  ).run(
    m.memoryId,
    m.text,
    m.norm,
    m.memoryType,
    m.importance,
    m.workspace === null ? 'global' : 'workspace',
    m.workspace,
    m.scopeKey,
    m.taskId,
    JSON.stringify(m.metadata),
    at,
    at
  )
}

/**
 * The read queries, by name: exported so the tests and the benchmark can EXPLAIN exactly
 * what runs. Named parameters: @now (julianday), @match, @workspace, @norm, @min, @limit.
 */
export const MEMORY_QUERIES = {
  byNorm: `SELECT ${COLUMNS} FROM memories m WHERE ifnull(m.workspace, '') = @workspace AND m.norm = @norm`,
  search: `SELECT ${COLUMNS} FROM memories_fts CROSS JOIN memories m ON m.id = memories_fts.rowid
    WHERE memories_fts MATCH @match ORDER BY ${SCORE} LIMIT @limit`,
  scopedSearch: `SELECT ${COLUMNS} FROM memories_fts CROSS JOIN memories m ON m.id = memories_fts.rowid
    WHERE memories_fts MATCH @match AND (m.workspace = @workspace OR m.workspace IS NULL) ORDER BY ${SCORE} LIMIT @limit`,
  listAll: `SELECT ${COLUMNS} FROM memories m ORDER BY m.updated_at DESC, m.importance DESC LIMIT @limit`,
  listWorkspace: `SELECT ${COLUMNS} FROM memories m WHERE m.workspace = @workspace OR m.workspace IS NULL
    ORDER BY m.updated_at DESC, m.importance DESC LIMIT @limit`,
  important: `SELECT ${COLUMNS} FROM (
      SELECT * FROM memories WHERE workspace = @workspace AND importance >= @min
      UNION ALL
      SELECT * FROM memories WHERE workspace IS NULL AND importance >= @min
    ) m ORDER BY m.importance DESC, m.updated_at DESC LIMIT @limit`
} as const

/** The memory with exactly this normalised text in the same place (a workspace, or global when null). */
export function findByNorm(db: Db, workspace: string | null, norm: string): MemoryRow | undefined {
  return stmt(db, MEMORY_QUERIES.byNorm).get({ workspace: workspace ?? '', norm }) as MemoryRow | undefined
}

/** Seen again: raise importance to at least `importance` plus a little, count it, make it recent. */
export function reinforce(db: Db, id: number, importance: number): void {
  stmt(
    db,
    `UPDATE memories SET importance = min(1.0, max(importance, ?) + 0.05), hits = hits + 1, updated_at = ? WHERE id = ?`
  ).run(importance, now(), id)
}

export interface MemorySearch {
  /** An FTS5 expression over the text (built from quoted tokens only). */
  match: string
  /** Narrows the search inside the index (a workspace's key and the global key); null: everywhere. */
  scopeKeys: string[] | null
  /** With scopeKeys, checked on the row too: this workspace or global. */
  workspace: string | null
  limit: number
  julianNow: number
}

/** The query and parameters of a search (the benchmark and the tests EXPLAIN them). */
export function memorySearchQuery(input: MemorySearch): { sql: string; params: Record<string, unknown> } {
  if (input.scopeKeys === null) {
    return {
      sql: MEMORY_QUERIES.search,
      params: { now: input.julianNow, match: `text : (${input.match})`, limit: input.limit }
    }
  }
  const scope = input.scopeKeys.map((k) => `"${k}"`).join(' OR ')
  return {
    sql: MEMORY_QUERIES.scopedSearch,
    params: {
      now: input.julianNow,
      match: `scope_key : (${scope}) AND text : (${input.match})`,
      workspace: input.workspace ?? '',
      limit: input.limit
    }
  }
}

/** The best matches of a search, best first. */
export function searchMemories(db: Db, input: MemorySearch): MemoryRow[] {
  const { sql, params } = memorySearchQuery(input)
  return stmt(db, sql).all(params) as MemoryRow[]
}

/** Newest first (a reinforced memory counts as new), then the most important. */
export function listMemories(db: Db, input: { workspace: string | null; limit: number }): MemoryRow[] {
  if (input.workspace === null) return stmt(db, MEMORY_QUERIES.listAll).all({ limit: input.limit }) as MemoryRow[]
  return stmt(db, MEMORY_QUERIES.listWorkspace).all({ workspace: input.workspace, limit: input.limit }) as MemoryRow[]
}

/** The most important memories of a workspace and global ones, at or above `minImportance`. */
export function importantMemories(
  db: Db,
  input: { workspace: string; minImportance: number; limit: number }
): MemoryRow[] {
  return stmt(db, MEMORY_QUERIES.important).all({
    workspace: input.workspace,
    min: input.minImportance,
    limit: input.limit
  }) as MemoryRow[]
}

export function deleteMemory(db: Db, memoryId: string): boolean {
  return stmt(db, 'DELETE FROM memories WHERE memory_id = ?').run(memoryId).changes > 0
}

/** Forgets one workspace's memories (global ones stay). */
export function deleteWorkspaceMemories(db: Db, workspace: string): number {
  return stmt(db, 'DELETE FROM memories WHERE workspace = ?').run(workspace).changes
}

export function deleteAllMemories(db: Db): number {
  return stmt(db, 'DELETE FROM memories').run().changes
}
