import type { AuditRecord } from '../../../shared/dto'
import type { AuditDecision } from '../../../shared/events'
import { riskKey } from '../lib/format'
import type { AuditFilterQuery, AuditKind, AuditRisk } from '../../../shared/schemas'

/** Shell commands, or calls to MCP servers' tools (rows with a `tool`). */
export function auditKind(row: AuditRecord): AuditKind {
  return row.payload.tool ? 'mcp' : 'command'
}

export interface AuditFilter {
  risks: AuditRisk[]
  decisions: AuditDecision[]
  kinds?: AuditKind[]
  text: string
}

export function filterAudit(rows: AuditRecord[], filter: AuditFilter): AuditRecord[] {
  const text = filter.text.trim().toLowerCase()
  return rows.filter((row) => {
    const p = row.payload
    if (filter.risks.length && !filter.risks.includes(riskKey(p.risk_level, p.action_type))) return false
    if (filter.decisions.length && !filter.decisions.includes(p.decision)) return false
    if (filter.kinds?.length && !filter.kinds.includes(auditKind(row))) return false
    if (text && !`${p.command}\n${p.workspace}\n${p.action_type}`.toLowerCase().includes(text)) return false
    return true
  })
}

/** The view's chips and search as the server's filters (over every row of the audit). */
export function auditQuery(filter: AuditFilter): AuditFilterQuery {
  const text = filter.text.trim()
  const kind = filter.kinds?.length === 1 ? filter.kinds[0] : undefined
  return {
    ...(filter.risks.length ? { risk: filter.risks } : {}),
    ...(filter.decisions.length ? { decision: filter.decisions } : {}),
    ...(kind ? { kind } : {}),
    ...(text ? { q: text } : {})
  }
}
