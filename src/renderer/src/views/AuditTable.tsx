import { useVirtualizer } from '@tanstack/react-virtual'
import { MessageSquare, Plug } from 'lucide-react'
import { useRef } from 'react'
import type { AuditPayload, AuditRecord } from '../../../shared/dto'
import { DECISION_LABELS, actionLabel, dateTime, duration, shortPath } from '../lib/format'
import { mcpAuditParts } from '../lib/mcp'
import { RiskBadge } from '../ui/RiskBadge'

const SANDBOX_TITLES = {
  read_only: 'Ran in the sandbox, read-only',
  workspace_write: 'Ran in the sandbox with the workspace writable',
  none: 'Ran without a sandbox'
} as const

const ROW_HEIGHT = 34
const COLUMNS = ['Time', 'Command or tool', 'Action', 'Risk', 'Decision', 'Approved', 'Result', 'Workspace', 'Chat']

/** The command, or for an MCP call its server, tool and (redacted) arguments. */
function CommandCell({ p }: { p: AuditPayload }) {
  const mcp = mcpAuditParts(p)
  if (!mcp) return <code>{p.command}</code>
  return (
    <>
      <span className="audit-mcp">
        <Plug width={12} height={12} aria-hidden="true" />
        <span className="audit-mcp__server">{mcp.server}</span>
        <span className="audit-mcp__sep" aria-hidden="true">
          ›
        </span>
        <span className="visually-hidden"> tool </span>
        <code className="audit-mcp__tool">{mcp.tool}</code>
      </span>{' '}
      <code className="audit-mcp__args">{mcp.args}</code>
    </>
  )
}

/** A command's exit code; an MCP call's outcome (the server's isError) and how long it took. */
function result(p: AuditPayload): { text: string; title?: string; failed: boolean } {
  if (!p.tool) return { text: p.exit_code === null ? '—' : String(p.exit_code), failed: false }
  const took = p.duration_ms === null || p.duration_ms === undefined ? null : duration(p.duration_ms)
  if (p.is_error === true) {
    return {
      text: took ? `Error · ${took}` : 'Error',
      title: 'The server said the call failed (isError)',
      failed: true
    }
  }
  if (p.is_error === false) return { text: took ? `OK · ${took}` : 'OK', title: 'The server answered', failed: false }
  if (took)
    return {
      text: `No answer · ${took}`,
      title: 'The call got no answer (cancelled, timed out or the server stopped)',
      failed: true
    }
  return { text: '—', title: 'It did not run', failed: false }
}

/** A dense, virtualised table (only the rows in view are in the DOM) with a sticky header. */
export function AuditTable({ rows, onOpen }: { rows: AuditRecord[]; onOpen: (row: AuditRecord) => void }) {
  const scrollRef = useRef<HTMLDivElement>(null)
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualiser's functions are read during render by design
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12
  })
  const items = virtualizer.getVirtualItems()
  return (
    <div className="audit-table">
      <div
        className="audit-table__scroll"
        ref={scrollRef}
        tabIndex={0}
        role="table"
        aria-label="Command audit"
        aria-rowcount={rows.length + 1}
      >
        <div role="rowgroup" className="audit-table__head">
          <div className="audit-row audit-row--head" role="row" aria-rowindex={1}>
            {COLUMNS.map((name) => (
              <span key={name} role="columnheader" className="audit-cell">
                {name}
              </span>
            ))}
          </div>
        </div>
        <div className="audit-table__body" role="rowgroup" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = rows[item.index] as AuditRecord
            const p = row.payload
            const outcome = result(p)
            return (
              <div
                key={row.audit_id}
                role="row"
                aria-rowindex={item.index + 2}
                className="audit-row"
                data-decision={p.decision}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onClick={() => onOpen(row)}
              >
                <span role="cell" className="audit-cell audit-cell--time">
                  {dateTime(row.created_at)}
                </span>
                <span role="cell" className="audit-cell audit-cell--command" title={p.command}>
                  <CommandCell p={p} />
                </span>
                <span role="cell" className="audit-cell">
                  {actionLabel(p.action_type)}
                </span>
                <span role="cell" className="audit-cell">
                  <RiskBadge risk={p.risk_level} actionType={p.action_type} />
                </span>
                <span
                  role="cell"
                  className={`audit-cell audit-decision audit-decision--${p.decision}`}
                  title={p.sandbox ? SANDBOX_TITLES[p.sandbox] : undefined}
                >
                  {DECISION_LABELS[p.decision] ?? p.decision}
                  {p.sandbox === 'none' ? ' · no sandbox' : p.sandbox ? ' · sandboxed' : ''}
                </span>
                <span role="cell" className="audit-cell">
                  {p.approved ? 'Yes' : 'No'}
                </span>
                <span
                  role="cell"
                  className={`audit-cell audit-cell--num${outcome.failed ? ' audit-cell--failed' : ''}`}
                  title={outcome.title}
                >
                  {outcome.text}
                </span>
                <span role="cell" className="audit-cell audit-cell--workspace" title={p.workspace}>
                  {shortPath(p.workspace)}
                </span>
                <span role="cell" className="audit-cell">
                  {p.conversation_id ? (
                    <button
                      type="button"
                      className="icon-button"
                      aria-label={`Open the conversation of ${p.command}`}
                      onClick={(event) => {
                        event.stopPropagation()
                        onOpen(row)
                      }}
                    >
                      <MessageSquare width={14} height={14} aria-hidden="true" />
                    </button>
                  ) : (
                    '—'
                  )}
                </span>
              </div>
            )
          })}
        </div>
      </div>
    </div>
  )
}
