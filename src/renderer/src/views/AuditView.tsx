import { Download, History, RefreshCw, X } from 'lucide-react'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { AUDIT_DECISIONS, type AuditDecision } from '../../../shared/events'
import {
  AUDIT_KINDS,
  AUDIT_RISKS,
  type AuditExportFormat,
  type AuditKind,
  type AuditRisk
} from '../../../shared/schemas'
import { download } from '../lib/csv'
import { DECISION_LABELS, RISK_LABELS, errorMessage, plural } from '../lib/format'
import { useDuck } from '../store'
import { duck } from '../store/api'
import { openConversation } from '../store/actions/conversations'
import { loadAudit } from '../store/actions/library'
import { ProgressBar } from '../ui/ProgressBar'
import { Spinner } from '../ui/Spinner'
import { AuditTable } from './AuditTable'
import { auditQuery } from './auditFilter'
import { ViewHeader } from './ViewHeader'
import { ChipGroup } from '../ui/ChipGroup'
import { SearchField } from '../ui/SearchField'

const KIND_LABELS: Record<AuditKind, string> = { command: 'Shell commands', mcp: 'MCP tool calls' }

/** How long typing pauses before the search goes to the server. */
const SEARCH_DELAY_MS = 250

function toggle<T>(list: T[], value: T): T[] {
  return list.includes(value) ? list.filter((v) => v !== value) : [...list, value]
}

/**
 * Every shell command Duck ran or was asked to run, and every call to an MCP server's tool:
 * filter, search, export, open its conversation.
 */
export function AuditView() {
  const audit = useDuck((s) => s.audit)
  const [risks, setRisks] = useState<AuditRisk[]>([])
  const [decisions, setDecisions] = useState<AuditDecision[]>([])
  const [kinds, setKinds] = useState<AuditKind[]>([])
  const [text, setText] = useState('')
  const [search, setSearch] = useState('')
  const [next, setNext] = useState<string | null>(null)
  const [exporting, setExporting] = useState<{ rows: number; total: number } | null>(null)
  const [exportError, setExportError] = useState<string | null>(null)
  const cancelExport = useRef(false)
  useEffect(() => {
    const timer = setTimeout(() => setSearch(text), SEARCH_DELAY_MS)
    return () => clearTimeout(timer)
  }, [text])
  const query = useMemo(() => auditQuery({ risks, decisions, kinds, text: search }), [risks, decisions, kinds, search])
  const filtered = Object.keys(query).length > 0
  /** The newest page (or, after `before`, the next older one); a superseded answer is dropped. */
  const show = useCallback(
    (before?: string): void => {
      void loadAudit(query, before).then((cursor) => {
        if (cursor !== undefined) setNext(cursor)
      })
    },
    [query]
  )
  const reload = (): void => show()
  useEffect(() => show(), [show])
  const loadOlder = (): void => {
    if (next) show(next)
  }
  const rows = audit.data

  async function exportAll(format: AuditExportFormat): Promise<void> {
    cancelExport.current = false
    setExportError(null)
    setExporting({ rows: 0, total: 0 })
    try {
      const file = await duck().audit.export(
        { ...query, format },
        {
          onProgress: (done, total) => {
            setExporting({ rows: done, total })
            return !cancelExport.current
          }
        }
      )
      download(file.filename, new Blob(file.parts, { type: file.type }), file.type)
    } catch (error) {
      if (!cancelExport.current) setExportError(errorMessage(error))
    } finally {
      setExporting(null)
    }
  }
  return (
    <div className="view">
      <ViewHeader title="Audit">
        <button type="button" className="button button--small" onClick={reload} aria-label="Refresh the audit">
          {audit.status === 'loading' ? <Spinner /> : <RefreshCw width={14} height={14} aria-hidden="true" />}
          Refresh
        </button>
        <button
          type="button"
          className="button button--small"
          disabled={rows.length === 0 || exporting !== null}
          onClick={() => void exportAll('jsonl')}
          title="Export every matching row as JSON lines"
        >
          <Download width={14} height={14} aria-hidden="true" /> JSON
        </button>
        <button
          type="button"
          className="button button--small"
          disabled={rows.length === 0 || exporting !== null}
          onClick={() => void exportAll('csv')}
          title="Export every matching row as CSV"
        >
          <Download width={14} height={14} aria-hidden="true" /> CSV
        </button>
      </ViewHeader>
      {exporting && (
        <div className="audit-export">
          <ProgressBar
            label="Exporting the audit"
            value={exporting.total ? exporting.rows : null}
            max={exporting.total || 100}
            valueText={`${exporting.rows} of ${plural(exporting.total, 'row')}`}
          />
          <p className="muted small">
            Exporting {exporting.total ? `${exporting.rows} of ${plural(exporting.total, 'row')}` : '…'}
            <button
              type="button"
              className="button button--small button--ghost"
              onClick={() => (cancelExport.current = true)}
            >
              <X width={13} height={13} aria-hidden="true" /> Cancel
            </button>
          </p>
        </div>
      )}
      {exportError && (
        <p className="inline-error view__error" role="alert">
          {exportError}
        </p>
      )}
      {!(audit.status === 'ready' && audit.data.length === 0 && !filtered) && (
        <div className="toolbar">
          <SearchField inline value={text} onChange={setText} placeholder="Search commands" label="Search the audit" />
          <ChipGroup
            id="chips-kind"
            label="Kind"
            options={AUDIT_KINDS}
            labels={KIND_LABELS}
            selected={kinds}
            onToggle={(kind) => setKinds(toggle(kinds, kind))}
          />
          <ChipGroup
            id="chips-risk"
            label="Risk"
            options={AUDIT_RISKS}
            labels={RISK_LABELS}
            selected={risks}
            onToggle={(risk) => setRisks(toggle(risks, risk))}
          />
          <ChipGroup
            id="chips-decision"
            label="Decision"
            options={AUDIT_DECISIONS}
            labels={DECISION_LABELS}
            selected={decisions}
            onToggle={(d) => setDecisions(toggle(decisions, d))}
          />
          <span className="toolbar__count muted small" aria-live="polite">
            {next ? `the newest ${plural(rows.length, 'command')}` : plural(rows.length, 'command')}
            {filtered ? (rows.length === 1 ? ' that matches' : ' that match') : ''}
          </span>
        </div>
      )}
      {audit.status === 'error' && audit.error && (
        <p className="inline-error view__error" role="alert">
          {audit.error}
        </p>
      )}
      {audit.status === 'ready' && audit.data.length === 0 && !filtered ? (
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
      {next && (
        <div className="audit-more">
          <button
            type="button"
            className="button button--small"
            disabled={audit.status === 'loading'}
            onClick={loadOlder}
          >
            Show older commands
          </button>
        </div>
      )}
    </div>
  )
}
