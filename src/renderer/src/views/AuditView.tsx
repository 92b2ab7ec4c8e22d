import { Download, History, RefreshCw } from 'lucide-react'
import { useEffect, useMemo, useState } from 'react'
import type { AuditDecision } from '../../../shared/events'
import { download } from '../lib/csv'
import { DECISION_LABELS, RISK_LABELS, plural } from '../lib/format'
import { useDuck } from '../store'
import { openConversation } from '../store/actions/conversations'
import { AUDIT_LIMIT, loadAudit } from '../store/actions/library'
import { Spinner } from '../ui/Spinner'
import { AuditTable } from './AuditTable'
import { auditCsv, filterAudit, type KindFilter, type RiskFilter } from './auditFilter'
import { ViewHeader } from './ViewHeader'
import { ChipGroup } from '../ui/ChipGroup'
import { SearchField } from '../ui/SearchField'

const RISKS: RiskFilter[] = ['none', 'low', 'medium', 'high', 'privileged']
const DECISIONS: AuditDecision[] = ['auto_allowed', 'allowed_once', 'allowed_always', 'denied', 'pending']
const KINDS: KindFilter[] = ['command', 'mcp']
const KIND_LABELS: Record<KindFilter, string> = { command: 'Shell commands', mcp: 'MCP tool calls' }

function today(): string {
  return new Date().toISOString().slice(0, 10)
}

function toggle<T>(list: T[], value: T): T[] {
  return list.includes(value) ? list.filter((v) => v !== value) : [...list, value]
}

/**
 * Every shell command Duck ran or was asked to run, and every call to an MCP server's tool:
 * filter, search, export, open its conversation.
 */
export function AuditView() {
  const audit = useDuck((s) => s.audit)
  const [risks, setRisks] = useState<RiskFilter[]>([])
  const [decisions, setDecisions] = useState<AuditDecision[]>([])
  const [kinds, setKinds] = useState<KindFilter[]>([])
  const [text, setText] = useState('')
  useEffect(() => {
    void loadAudit()
  }, [])
  const rows = useMemo(
    () => filterAudit(audit.data, { risks, decisions, kinds, text }),
    [audit.data, risks, decisions, kinds, text]
  )
  return (
    <div className="view">
      <ViewHeader title="Audit">
        <button
          type="button"
          className="button button--small"
          onClick={() => void loadAudit()}
          aria-label="Refresh the audit"
        >
          {audit.status === 'loading' ? <Spinner /> : <RefreshCw width={14} height={14} aria-hidden="true" />}
          Refresh
        </button>
        <button
          type="button"
          className="button button--small"
          disabled={rows.length === 0}
          onClick={() => download(`duck-audit-${today()}.json`, JSON.stringify(rows, null, 2), 'application/json')}
        >
          <Download width={14} height={14} aria-hidden="true" /> JSON
        </button>
        <button
          type="button"
          className="button button--small"
          disabled={rows.length === 0}
          onClick={() => download(`duck-audit-${today()}.csv`, auditCsv(rows), 'text/csv')}
        >
          <Download width={14} height={14} aria-hidden="true" /> CSV
        </button>
      </ViewHeader>
      {!(audit.status === 'ready' && audit.data.length === 0) && (
        <div className="toolbar">
          <SearchField inline value={text} onChange={setText} placeholder="Search commands" label="Search the audit" />
          <ChipGroup
            id="chips-kind"
            label="Kind"
            options={KINDS}
            labels={KIND_LABELS}
            selected={kinds}
            onToggle={(kind) => setKinds(toggle(kinds, kind))}
          />
          <ChipGroup
            id="chips-risk"
            label="Risk"
            options={RISKS}
            labels={RISK_LABELS}
            selected={risks}
            onToggle={(risk) => setRisks(toggle(risks, risk))}
          />
          <ChipGroup
            id="chips-decision"
            label="Decision"
            options={DECISIONS}
            labels={DECISION_LABELS}
            selected={decisions}
            onToggle={(d) => setDecisions(toggle(decisions, d))}
          />
          <span className="toolbar__count muted small" aria-live="polite">
            {rows.length === audit.data.length
              ? plural(rows.length, 'command')
              : `${rows.length} of ${plural(audit.data.length, 'command')}`}
            {audit.data.length === AUDIT_LIMIT ? ` (the latest ${AUDIT_LIMIT})` : ''}
          </span>
        </div>
      )}
      {audit.status === 'error' && audit.error && (
        <p className="inline-error view__error" role="alert">
          {audit.error}
        </p>
      )}
      {audit.status === 'ready' && audit.data.length === 0 ? (
        <div className="empty">
          <History className="empty__icon" width={28} height={28} aria-hidden="true" />
          <h2>No commands yet</h2>
          <p className="muted">
            Every shell command Duck runs — or asks you to allow — appears here with its risk, your decision and its
            exit code, and so does every call to an MCP server’s tool, so you can always check what happened on this
            computer.
          </p>
        </div>
      ) : (
        <AuditTable rows={rows} onOpen={(row) => void openConversation(row.payload.conversation_id)} />
      )}
    </div>
  )
}
