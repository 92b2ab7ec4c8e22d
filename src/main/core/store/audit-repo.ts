import type { AuditPayload, AuditRecord } from '../../../shared/dto'
import type { Db } from './database'
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

export function listAudit(db: Db, limit: number): AuditRecord[] {
  const rows = stmt(db, 'SELECT * FROM command_audit ORDER BY created_at DESC, rowid DESC LIMIT ?').all(
    limit
  ) as AuditRow[]
  return rows.map(toAuditRecord)
}
