import { Download, History, RefreshCw, Search } from 'lucide-react'
import { useEffect, useMemo, useState } from 'react'
import type { AuditDecision } from '../../../shared/events'
import { download } from '../lib/csv'
import { DECISION_LABELS, RISK_LABELS, plural } from '../lib/format'
import { useDuck } from '../store'
import { openConversation } from '../store/actions/conversations'
import { AUDIT_LIMIT, loadAudit } from '../store/actions/library'
import { Spinner } from '../ui/Spinner'
import { AuditTable } from './AuditTable'
import { auditCsv, filterAudit, type RiskFilter } from './auditFilter'
import { ViewHeader } from './ViewHeader'

const RISKS: RiskFilter[] = ['none', 'low', 'medium', 'high', 'privileged']
const DECISIONS: AuditDecision[] = ['auto_allowed', 'allowed_once', 'allowed_always', 'denied', 'pending']

function today(): string {
  return new Date().toISOString().slice(0, 10)
}

function toggle<T>(list: T[], value: T): T[] {
  return list.includes(value) ? list.filter((v) => v !== value) : [...list, value]
}

/** Every shell command Duck ran or was asked to run: filter, search, export, open its conversation. */
export function AuditView() {
  const audit = useDuck((s) => s.audit)
  const [risks, setRisks] = useState<RiskFilter[]>([])
  const [decisions, setDecisions] = useState<AuditDecision[]>([])
  const [text, setText] = useState('')
  useEffect(() => {
    void loadAudit()
  }, [])
  const rows = useMemo(() => filterAudit(audit.data, { risks, decisions, text }), [audit.data, risks, decisions, text])
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
          <div className="search-field search-field--inline">
            <Search width={14} height={14} aria-hidden="true" />
            <input
              type="search"
              className="search-field__input"
              placeholder="Search commands"
              aria-label="Search the audit"
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
          </div>
          <div className="chips" role="group" aria-labelledby="chips-risk">
            <span id="chips-risk" className="chips__label">
              Risk
            </span>
            {RISKS.map((risk) => (
              <button
                key={risk}
                type="button"
                className="chip"
                aria-pressed={risks.includes(risk)}
                onClick={() => setRisks(toggle(risks, risk))}
              >
                {RISK_LABELS[risk]}
              </button>
            ))}
          </div>
          <div className="chips" role="group" aria-labelledby="chips-decision">
            <span id="chips-decision" className="chips__label">
              Decision
            </span>
            {DECISIONS.map((d) => (
              <button
                key={d}
                type="button"
                className="chip"
                aria-pressed={decisions.includes(d)}
                onClick={() => setDecisions(toggle(decisions, d))}
              >
                {DECISION_LABELS[d]}
              </button>
            ))}
          </div>
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
            exit code, so you can always check what happened on this computer.
          </p>
        </div>
      ) : (
        <AuditTable rows={rows} onOpen={(row) => void openConversation(row.payload.conversation_id)} />
      )}
    </div>
  )
}
