import type { ApprovalRule, PendingApproval } from '../../../shared/dto'
import type { ToolActionType, FilePreview, RiskLevel } from '../../../shared/events'
import type { Db } from './database'
import { now, stmt } from './statements'

export type ApprovalStatus =
  | 'pending'
  | 'allowed_once'
  | 'allowed_always'
  | 'denied'
  /** sudo approved; waiting for the password. */
  | 'password_pending'
  /** The approved action ran (or was skipped after deny): nothing more to do. */
  | 'resolved'
  /** The task was cancelled or failed before the decision mattered. */
  | 'closed'

export interface ApprovalRecord {
  id: string
  taskId: string
  tool: string
  args: Record<string, unknown>
  reason: string
  riskLevel: RiskLevel
  actionType: ToolActionType
  outsideWorkspace: string[]
  ruleKeys: string[]
  /** Shell calls: each part's key and words (a rule narrowed to arguments is made of these). */
  ruleParts: { key: string; words: string }[]
  privileged: boolean
  status: ApprovalStatus
  passwordAttempts: number
  auditId: string | null
  /** File tools: the diff shown, and the SHA-256 of the file it was made against. */
  preview?: (FilePreview & { before_sha256: string | null }) | null
  /** Shell calls that may write: whether a preview can run here, and why not. */
  commandPreview?: { available: boolean; reason: string | null } | null
  createdAt: string
}

interface ApprovalRow {
  id: string
  task_id: string
  tool: string
  args: string
  reason: string
  risk_level: RiskLevel
  action_type: ToolActionType
  outside_workspace: string
  rule_keys: string
  rule_parts: string
  privileged: number
  status: ApprovalStatus
  password_attempts: number
  audit_id: string | null
  preview: string | null
  command_preview: string | null
  created_at: string
}

function toRecord(row: ApprovalRow): ApprovalRecord {
  return {
    id: row.id,
    taskId: row.task_id,
    tool: row.tool,
    args: JSON.parse(row.args) as Record<string, unknown>,
    reason: row.reason,
    riskLevel: row.risk_level,
    actionType: row.action_type,
    outsideWorkspace: JSON.parse(row.outside_workspace) as string[],
    ruleKeys: JSON.parse(row.rule_keys) as string[],
    ruleParts: JSON.parse(row.rule_parts) as { key: string; words: string }[],
    privileged: row.privileged === 1,
    status: row.status,
    passwordAttempts: row.password_attempts,
    auditId: row.audit_id,
    preview: row.preview ? (JSON.parse(row.preview) as ApprovalRecord['preview']) : null,
    commandPreview: row.command_preview ? (JSON.parse(row.command_preview) as ApprovalRecord['commandPreview']) : null,
    createdAt: row.created_at
  }
}

/** The preview as the window sees it (without the hash Duck checks before writing). */
export function publicPreview(preview: NonNullable<ApprovalRecord['preview']>): FilePreview {
  return {
    path: preview.path,
    diff: preview.diff,
    ...(preview.whole_diff !== undefined ? { whole_diff: preview.whole_diff } : {}),
    added: preview.added,
    removed: preview.removed,
    created: preview.created
  }
}

export function insertApproval(
  db: Db,
  a: Omit<ApprovalRecord, 'createdAt' | 'passwordAttempts' | 'status' | 'ruleParts'> & {
    ruleParts?: ApprovalRecord['ruleParts']
  }
): void {
  stmt(
    db,
    `INSERT INTO approvals (id, task_id, tool, args, reason, risk_level, action_type, outside_workspace, rule_keys,
       rule_parts, privileged, status, password_attempts, audit_id, preview, command_preview, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?)`
  ).run(
    a.id,
    a.taskId,
    a.tool,
    JSON.stringify(a.args),
    a.reason,
    a.riskLevel,
    a.actionType,
    JSON.stringify(a.outsideWorkspace),
    JSON.stringify(a.ruleKeys),
    JSON.stringify(a.ruleParts ?? []),
    a.privileged ? 1 : 0,
    a.auditId,
    a.preview ? JSON.stringify(a.preview) : null,
    a.commandPreview ? JSON.stringify(a.commandPreview) : null,
    now()
  )
}

export function getApproval(db: Db, id: string): ApprovalRecord | undefined {
  const row = stmt(db, 'SELECT * FROM approvals WHERE id = ?').get(id) as ApprovalRow | undefined
  return row ? toRecord(row) : undefined
}

export function setApprovalStatus(db: Db, id: string, status: ApprovalStatus): void {
  stmt(db, 'UPDATE approvals SET status = ?, decided_at = COALESCE(decided_at, ?) WHERE id = ?').run(status, now(), id)
}

export function recordPasswordAttempt(db: Db, id: string): number {
  const row = stmt(
    db,
    'UPDATE approvals SET password_attempts = password_attempts + 1 WHERE id = ? RETURNING password_attempts'
  ).get(id) as { password_attempts: number }
  return row.password_attempts
}

/**
 * Closes every open approval of a task (cancelled or failed). A command still waiting for a
 * decision did not run and no one allowed it: its audit row says denied, not pending forever.
 */
export function closeOpenApprovals(db: Db, taskId: string): void {
  stmt(
    db,
    `UPDATE command_audit SET decision = 'denied', approved = 0, updated_at = ?
     WHERE id IN (SELECT audit_id FROM approvals WHERE task_id = ? AND status = 'pending' AND audit_id IS NOT NULL)`
  ).run(now(), taskId)
  stmt(
    db,
    `UPDATE approvals SET status = 'closed', decided_at = COALESCE(decided_at, ?)
     WHERE task_id = ? AND status IN ('pending', 'allowed_once', 'allowed_always', 'denied', 'password_pending')`
  ).run(now(), taskId)
}

export function listPending(
  db: Db,
  describeRule: (a: ApprovalRecord, workspace: string) => string | null,
  describeNarrowRule: (a: ApprovalRecord, workspace: string) => string | null = () => null
): PendingApproval[] {
  const rows = stmt(
    db,
    `SELECT a.*, t.conversation_id, t.workspace FROM approvals a JOIN tasks t ON t.id = a.task_id
     WHERE a.status IN ('pending', 'password_pending') ORDER BY a.created_at, a.rowid`
  ).all() as (ApprovalRow & { conversation_id: string; workspace: string })[]
  return rows.map((row) => {
    const record = toRecord(row)
    return {
      approval_id: record.id,
      task_id: record.taskId,
      conversation_id: row.conversation_id,
      tool: record.tool,
      args: record.args,
      reason: record.reason,
      risk_level: record.riskLevel,
      action_type: record.actionType,
      outside_workspace: record.outsideWorkspace,
      rule_preview: describeRule(record, row.workspace),
      ...narrowPreview(describeNarrowRule(record, row.workspace)),
      ...(record.preview ? { preview: publicPreview(record.preview) } : {}),
      ...(record.commandPreview ? { command_preview: record.commandPreview } : {}),
      kind: record.status === 'password_pending' ? 'password' : 'approval',
      created_at: record.createdAt
    }
  })
}

/** The narrow rule's text, only when there is one (an additive field of the approval). */
function narrowPreview(text: string | null): { rule_preview_arguments?: string } {
  return text === null ? {} : { rule_preview_arguments: text }
}

export function insertRule(
  db: Db,
  rule: { id: string; tool: string; pattern: string; workspace: string; args?: string | null }
): void {
  stmt(
    db,
    `INSERT INTO approval_rules (id, tool, pattern, args, workspace, created_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (tool, pattern, args, workspace) DO NOTHING`
  ).run(rule.id, rule.tool, rule.pattern, rule.args ?? '', rule.workspace, now())
}

export function listRules(db: Db, workspace?: string): ApprovalRule[] {
  const rows = (
    workspace
      ? stmt(db, 'SELECT * FROM approval_rules WHERE workspace = ? ORDER BY created_at').all(workspace)
      : stmt(db, 'SELECT * FROM approval_rules ORDER BY created_at').all()
  ) as { id: string; tool: string; pattern: string; args: string; workspace: string; created_at: string }[]
  return rows.map((r) => ({
    rule_id: r.id,
    tool: r.tool,
    pattern: r.pattern,
    args: r.args === '' ? null : r.args,
    workspace: r.workspace,
    created_at: r.created_at
  }))
}

export function deleteRule(db: Db, id: string): boolean {
  return stmt(db, 'DELETE FROM approval_rules WHERE id = ?').run(id).changes > 0
}
