import type { AuditPayload, AuditRecord } from '../../../shared/dto'
import type { AuditFilterQuery } from '../../../shared/schemas'
import type { Db } from './database'
import { ftsPhrase, indexable, likePattern } from './search'
import { now, stmt } from './statements'

interface AuditRow {
  id: string
  task_id: string
  conversation_id: string
  workspace: string
  command: string
  risk_level: AuditPayload['risk_level']
  action_type: AuditPayload['action_type']
  approved: number
  decision: AuditPayload['decision']
  exit_code: number | null
  sandbox: AuditPayload['sandbox']
  tool: string | null
  is_error: number | null
  duration_ms: number | null
  bytes: number | null
  created_at: string
}

export function toAuditRecord(row: AuditRow): AuditRecord {
  return {
    audit_id: row.id,
    event_type: 'command_audit',
    created_at: row.created_at,
    payload: {
      command: row.command,
      risk_level: row.risk_level,
      action_type: row.action_type,
      approved: row.approved === 1,
      decision: row.decision,
      exit_code: row.exit_code,
      task_id: row.task_id,
      workspace: row.workspace,
      conversation_id: row.conversation_id,
      sandbox: row.sandbox ?? null,
      // Tool calls that are not shell commands (MCP) say which tool, whether it failed, how long.
      ...(row.tool
        ? {
            tool: row.tool,
            is_error: row.is_error === null ? null : row.is_error === 1,
            duration_ms: row.duration_ms,
            ...(row.tool === 'file_write' || row.tool === 'file_edit' ? { bytes: row.bytes } : {})
          }
        : {})
    }
  }
}

export function insertAudit(db: Db, id: string, p: AuditPayload): AuditRecord {
  const at = now()
  stmt(
    db,
    `INSERT INTO command_audit (id, task_id, conversation_id, workspace, command, risk_level, action_type, approved,
       decision, exit_code, sandbox, tool, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
  ).run(
    id,
    p.task_id,
    p.conversation_id,
    p.workspace,
    p.command,
    p.risk_level,
    p.action_type,
    p.approved ? 1 : 0,
    p.decision,
    p.exit_code,
    p.sandbox,
    p.tool ?? null,
    at,
    at
  )
  return getAudit(db, id) as AuditRecord
}

export function updateAudit(
  db: Db,
  id: string,
  fields: Partial<
    Pick<AuditPayload, 'approved' | 'decision' | 'exit_code' | 'sandbox' | 'is_error' | 'duration_ms' | 'bytes'>
  >
): AuditRecord | undefined {
  const current = getAudit(db, id)
  if (!current) return undefined
  const next = { ...current.payload, ...fields }
  const isError = next.is_error === undefined || next.is_error === null ? null : next.is_error ? 1 : 0
  stmt(
    db,
    `UPDATE command_audit SET approved = ?, decision = ?, exit_code = ?, sandbox = ?, is_error = ?, duration_ms = ?,
       bytes = ?, updated_at = ? WHERE id = ?`
  ).run(
    next.approved ? 1 : 0,
    next.decision,
    next.exit_code,
    next.sandbox,
    isError,
    next.duration_ms ?? null,
    next.bytes ?? null,
    now(),
    id
  )
  return getAudit(db, id)
}

export function getAudit(db: Db, id: string): AuditRecord | undefined {
  const row = stmt(db, 'SELECT * FROM command_audit WHERE id = ?').get(id) as AuditRow | undefined
  return row ? toAuditRecord(row) : undefined
}

/** Where a page ended: the rows after it are older (created_at, then seq, descending). */
export interface AuditCursor {
  created_at: string
  seq: number
}

export interface AuditRowsPage {
  items: AuditRecord[]
  /** Set when older rows match: pass it as `before` for the next page. */
  next: AuditCursor | null
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

/** A cursor as an opaque, URL-safe token. */
export function encodeAuditCursor(cursor: AuditCursor): string {
  return Buffer.from(`${cursor.created_at}|${cursor.seq}`, 'utf8').toString('base64url')
}

/** The cursor in a token, or null when it is not one this server gave out. */
export function decodeAuditCursor(token: string): AuditCursor | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(token)) return null
  const [createdAt, seq, ...rest] = Buffer.from(token, 'base64url').toString('utf8').split('|')
  if (rest.length > 0 || !createdAt || !seq || !ISO_INSTANT.test(createdAt) || !/^[1-9]\d{0,15}$/.test(seq)) return null
  return { created_at: createdAt, seq: Number(seq) }
}

/**
 * Below this many matches a search reads them from the trigram index and sorts them; at or
 * above it the term is common enough that walking the newest rows and testing each one fills
 * a page sooner (and sorting that many matches would not).
 */
export const SEARCH_INDEX_MAX_MATCHES = 20_000

function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ')
}

/** How a filter's search runs: from the trigram index, as a LIKE test of each row, or not at all. */
type SearchPlan = 'index' | 'like' | null

/**
 * `page`: between the index and a row test per term (see SEARCH_INDEX_MAX_MATCHES), which costs
 * a probe of the index; `count` always reads every match from the index.
 */
function searchPlan(db: Db, filter: AuditFilterQuery, purpose: 'page' | 'count'): SearchPlan {
  const text = filter.q?.trim() ?? ''
  if (!text) return null
  if (!indexable(text)) return 'like'
  if (purpose === 'count') return 'index'
  const probe = stmt(
    db,
    'SELECT count(*) AS n FROM (SELECT rowid FROM command_audit_fts WHERE command_audit_fts MATCH ? LIMIT ?)'
  ).get(ftsPhrase(text), SEARCH_INDEX_MAX_MATCHES) as { n: number }
  return probe.n < SEARCH_INDEX_MAX_MATCHES ? 'index' : 'like'
}

/**
 * The WHERE clause of a filter. Each condition is one an index (…, created_at) serves, so a
 * filter plus `ORDER BY created_at DESC, seq DESC LIMIT n` reads little more than its page.
 */
function whereOf(
  filter: AuditFilterQuery,
  before: AuditCursor | undefined,
  search: SearchPlan
): { sql: string; params: unknown[] } {
  const parts: string[] = []
  const params: unknown[] = []
  if (filter.risk?.length) {
    const levels = filter.risk.filter((r) => r !== 'privileged')
    const privileged = filter.risk.includes('privileged')
    const byLevel = `(risk_level IN (${placeholders(levels)}) AND action_type <> 'privileged')`
    if (levels.length && privileged) parts.push(`(${byLevel} OR action_type = 'privileged')`)
    else if (levels.length) parts.push(byLevel)
    else parts.push(`action_type = 'privileged'`)
    params.push(...levels)
  }
  if (filter.decision?.length) {
    parts.push(`decision IN (${placeholders(filter.decision)})`)
    params.push(...filter.decision)
  }
  if (filter.approved !== undefined) {
    parts.push('approved = ?')
    params.push(filter.approved ? 1 : 0)
  }
  if (filter.action_type?.length) {
    parts.push(`action_type IN (${placeholders(filter.action_type)})`)
    params.push(...filter.action_type)
  }
  if (filter.kind) parts.push(`(tool IS NOT NULL) = ${filter.kind === 'mcp' ? 1 : 0}`)
  const where = (sql: string, value: string | undefined): void => {
    if (value === undefined) return
    parts.push(sql)
    params.push(value)
  }
  where('workspace = ?', filter.workspace)
  where('task_id = ?', filter.task_id)
  where('created_at >= ?', filter.since)
  where('created_at < ?', filter.until)
  const text = filter.q?.trim() ?? ''
  if (search === 'index') {
    parts.push('seq IN (SELECT rowid FROM command_audit_fts WHERE command_audit_fts MATCH ?)')
    params.push(ftsPhrase(text))
  } else if (search === 'like') {
    parts.push("command LIKE ? ESCAPE '\\'")
    params.push(likePattern(text))
  }
  if (before) {
    parts.push('(created_at, seq) < (?, ?)')
    params.push(before.created_at, before.seq)
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params }
}

/** The newest `limit` rows that match, older than `before` when given. */
export function pageAudit(
  db: Db,
  filter: AuditFilterQuery,
  limit: number,
  before?: AuditCursor,
  search: SearchPlan = searchPlan(db, filter, 'page')
): AuditRowsPage {
  const where = whereOf(filter, before, search)
  const rows = stmt(db, `SELECT * FROM command_audit ${where.sql} ORDER BY created_at DESC, seq DESC LIMIT ?`).all(
    ...where.params,
    limit + 1
  ) as (AuditRow & { seq: number })[]
  const more = rows.length > limit
  if (more) rows.length = limit
  const last = rows[rows.length - 1]
  return {
    items: rows.map(toAuditRecord),
    next: more && last ? { created_at: last.created_at, seq: last.seq } : null
  }
}

/** How many rows match (every row, not a page). */
export function countAudit(db: Db, filter: AuditFilterQuery): number {
  const where = whereOf(filter, undefined, searchPlan(db, filter, 'count'))
  return (stmt(db, `SELECT count(*) AS n FROM command_audit ${where.sql}`).get(...where.params) as { n: number }).n
}

/**
 * Every matching row, newest first, in chunks of `chunk`. Each chunk is its own short query
 * (keyset on the cursor), so nothing holds the connection between chunks: tasks keep writing
 * while a long export streams. Rows written after the export started are newer than its
 * first row and so not part of it.
 */
export function* iterateAudit(db: Db, filter: AuditFilterQuery, chunk = 2000): Generator<AuditRecord[]> {
  // How the search runs is decided once, not probed again for every chunk.
  const search = searchPlan(db, filter, 'page')
  let before: AuditCursor | undefined
  for (;;) {
    const page = pageAudit(db, filter, chunk, before, search)
    if (page.items.length) yield page.items
    if (!page.next) return
    before = page.next
  }
}
