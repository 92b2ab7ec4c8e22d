import { ChevronRight, Info, Play, RotateCw, ShieldCheck, Square, Trash2, TriangleAlert } from 'lucide-react'
import { useId, useState } from 'react'
import type { McpServerStatus } from '../../../../../shared/mcp'
import { duration, plural } from '../../../lib/format'
import { serverStateLabel } from '../../../lib/mcp'
import { removeMcpServer, restartMcpServer, stopMcpServer } from '../../../store/actions/mcp'
import { ConfirmDialog } from '../../../ui/ConfirmDialog'
import { Spinner } from '../../../ui/Spinner'
import { McpToolList } from './McpToolList'

/** "node /…/index.js /home/me/ws" or the URL: what it runs, on one line. */
function launchLine(server: McpServerStatus): string {
  const launch = server.launch
  if (!launch) return ''
  if (launch.transport === 'http') return launch.url ?? ''
  return [launch.command ?? '', ...launch.args].join(' ')
}

function transportLabel(server: McpServerStatus): string | null {
  const launch = server.launch
  if (!launch) return null
  if (launch.transport === 'http') return 'Streamable HTTP'
  return launch.sandboxed ? 'stdio · sandboxed' : 'stdio · no sandbox'
}

/**
 * One server: its state (a dot and a word), what it runs, Restart / Stop / Remove, "needs
 * confirming" with the consent sheet, its last error, its warnings and notices, the stderr tail
 * (collapsed) and its tools with their switches.
 */
export function McpServerCard({ server, onReview }: { server: McpServerStatus; onReview: () => void }) {
  const nameId = useId()
  const logId = useId()
  const [busy, setBusy] = useState<'restart' | 'stop' | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [showLog, setShowLog] = useState(false)
  const [removing, setRemoving] = useState(false)
  const state = serverStateLabel(server)
  const running = server.state === 'ready' || server.state === 'starting'
  const canStart = !server.needs_confirmation && server.enabled && server.launch !== null
  const act = async (what: 'restart' | 'stop'): Promise<void> => {
    setBusy(what)
    setError(null)
    const result = what === 'restart' ? await restartMcpServer(server.name) : await stopMcpServer(server.name)
    setBusy(null)
    if (!result.ok) setError(result.error)
  }
  const transport = transportLabel(server)
  const line = launchLine(server)
  return (
    <li className="mcp-server" data-state={state.key}>
      <article aria-labelledby={nameId}>
        <header className="mcp-server__head">
          <h3 id={nameId} className="mcp-server__name">
            {server.name}
          </h3>
          <span className={`mcp-state mcp-state--${state.key}`}>
            {server.state === 'starting' ? (
              <Spinner size={12} />
            ) : (
              <span className="mcp-state__dot" aria-hidden="true" />
            )}
            {state.label}
          </span>
          {transport && <span className="badge badge--plain">{transport}</span>}
          {server.state === 'ready' && server.connect_ms !== null && (
            <span className="muted small">connected in {duration(server.connect_ms)}</span>
          )}
          <div className="mcp-server__actions">
            {server.needs_confirmation && server.launch && (
              <button type="button" className="button button--small button--primary" onClick={onReview}>
                <ShieldCheck width={14} height={14} aria-hidden="true" />
                Review and confirm
              </button>
            )}
            {canStart && (
              <button
                type="button"
                className="button button--small"
                disabled={busy !== null}
                aria-label={`${running || server.state === 'error' ? 'Restart' : 'Start'} ${server.name}`}
                onClick={() => void act('restart')}
              >
                {busy === 'restart' ? (
                  <Spinner />
                ) : running || server.state === 'error' ? (
                  <RotateCw width={14} height={14} aria-hidden="true" />
                ) : (
                  <Play width={14} height={14} aria-hidden="true" />
                )}
                {running || server.state === 'error' ? 'Restart' : 'Start'}
              </button>
            )}
            {(running || server.state === 'error') && (
              <button
                type="button"
                className="button button--small"
                disabled={busy !== null}
                aria-label={`Stop ${server.name}`}
                onClick={() => void act('stop')}
              >
                {busy === 'stop' ? <Spinner /> : <Square width={12} height={12} aria-hidden="true" />}
                Stop
              </button>
            )}
            <button
              type="button"
              className="icon-button"
              aria-label={`Remove ${server.name}`}
              title="Remove"
              onClick={() => setRemoving(true)}
            >
              <Trash2 width={14} height={14} aria-hidden="true" />
            </button>
          </div>
        </header>
        {line && (
          <p className="mcp-server__launch">
            <code>{line}</code>
          </p>
        )}

        {server.needs_confirmation && server.launch ? (
          <div className="mcp-callout">
            <ShieldCheck width={16} height={16} aria-hidden="true" />
            <p>
              <strong>Needs confirming.</strong>{' '}
              {server.last_error ?? 'New or changed since you last confirmed it: check what it runs first.'}
            </p>
          </div>
        ) : server.last_error ? (
          <div className={server.state === 'error' ? 'mcp-error' : 'mcp-note'}>
            {server.state === 'error' ? (
              <TriangleAlert width={15} height={15} aria-hidden="true" />
            ) : (
              <Info width={15} height={15} aria-hidden="true" />
            )}
            <p>
              {server.state === 'error' && <span className="mcp-error__label">Last error </span>}
              {server.last_error}
            </p>
          </div>
        ) : null}
        {error && (
          <p className="inline-error small" role="alert">
            {error}
          </p>
        )}

        {server.warnings.length > 0 && (
          <ul className="mcp-server__warnings">
            {server.warnings.map((w) => (
              <li key={w} className="warning-text small">
                <TriangleAlert width={13} height={13} aria-hidden="true" /> {w}
              </li>
            ))}
          </ul>
        )}
        {server.notices.length > 0 && (
          <ul className="mcp-server__notices" aria-label={`Notices of ${server.name}`}>
            {server.notices.slice(-5).map((n, i) => (
              <li key={`${i}-${n}`} className="muted small">
                <Info width={13} height={13} aria-hidden="true" /> {n}
              </li>
            ))}
          </ul>
        )}

        <McpToolList server={server} />

        {server.stderr_tail.length > 0 && (
          <div className="mcp-log">
            <button
              type="button"
              className="disclosure"
              aria-expanded={showLog}
              aria-controls={logId}
              onClick={() => setShowLog(!showLog)}
            >
              <ChevronRight className="disclosure__chevron" width={14} height={14} aria-hidden="true" />
              {showLog ? 'Hide its log' : `Show its log (last ${plural(server.stderr_tail.length, 'line')})`}
            </button>
            {showLog && (
              <pre id={logId} className="mcp-log__pre" tabIndex={0} aria-label={`Log of ${server.name}`}>
                {server.stderr_tail.join('\n')}
              </pre>
            )}
          </div>
        )}
      </article>
      <ConfirmDialog
        open={removing}
        title={`Remove “${server.name}”?`}
        body="Its entry is deleted from mcp.json and it is stopped; its tools leave Duck. Adding it again needs your confirmation again."
        confirmLabel="Remove"
        onConfirm={() => removeMcpServer(server.name)}
        onClose={() => setRemoving(false)}
      />
    </li>
  )
}
