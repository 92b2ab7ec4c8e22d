import { FileInput, Plug, Plus, RefreshCw, TriangleAlert } from 'lucide-react'
import { useEffect, useState } from 'react'
import { plural } from '../../../lib/format'
import { useDuck } from '../../../store'
import { loadMcp } from '../../../store/actions/mcp'
import { Spinner } from '../../../ui/Spinner'
import { AddServerForm } from './AddServerForm'
import { ConsentSheet } from './ConsentSheet'
import { ImportForm } from './ImportForm'
import { McpServerCard } from './McpServerCard'

/** How often the status is read again: quickly while a server starts, slowly otherwise. */
const POLL_STARTING_MS = 750
const POLL_IDLE_MS = 4000

/**
 * Settings → Tools: the MCP servers of `mcp.json`, their state and tools, adding one (form,
 * then consent sheet), importing Claude Desktop's, and the warning when so many tools are on
 * that they crowd the planner's context.
 */
export function ToolsSettings() {
  const mcp = useDuck((s) => s.mcp)
  const info = mcp.data
  const [panel, setPanel] = useState<'add' | 'import' | null>(null)
  const [consentFor, setConsentFor] = useState<string | null>(null)
  const starting = info?.servers.some((s) => s.state === 'starting') ?? false

  useEffect(() => {
    void loadMcp(true)
    const onFocus = (): void => void loadMcp(true)
    window.addEventListener('focus', onFocus)
    return () => window.removeEventListener('focus', onFocus)
  }, [])
  useEffect(() => {
    const timer = window.setInterval(() => void loadMcp(true), starting ? POLL_STARTING_MS : POLL_IDLE_MS)
    return () => window.clearInterval(timer)
  }, [starting])

  const consentServer = consentFor ? info?.servers.find((s) => s.name === consentFor) : undefined
  const servers = info?.servers ?? []
  return (
    <section className="settings-section mcp" aria-labelledby="settings-mcp">
      <div className="section-head">
        <h2 id="settings-mcp" className="section-title">
          MCP servers
        </h2>
        <div className="section-head__actions">
          <button
            type="button"
            className="icon-button"
            aria-label="Refresh the servers"
            title="Refresh"
            onClick={() => void loadMcp()}
          >
            {mcp.status === 'loading' ? <Spinner /> : <RefreshCw width={14} height={14} aria-hidden="true" />}
          </button>
          <button
            type="button"
            className="button button--small"
            aria-expanded={panel === 'import'}
            onClick={() => setPanel(panel === 'import' ? null : 'import')}
          >
            <FileInput width={14} height={14} aria-hidden="true" /> Import from Claude Desktop config
          </button>
          <button
            type="button"
            className="button button--small button--primary"
            aria-expanded={panel === 'add'}
            onClick={() => setPanel(panel === 'add' ? null : 'add')}
          >
            <Plus width={14} height={14} aria-hidden="true" /> Add server
          </button>
        </div>
      </div>
      <p className="muted small section-intro">
        Tools from Model Context Protocol servers. A server starts only after you confirm its command, and Duck asks
        before each call unless you always allow it.
      </p>

      {mcp.error && (
        <p className="inline-error" role="alert">
          {mcp.error}{' '}
          <button type="button" className="link-button" onClick={() => void loadMcp()}>
            Try again
          </button>
        </p>
      )}
      {info?.config_error && (
        <div className="mcp-error">
          <TriangleAlert width={15} height={15} aria-hidden="true" />
          <p>
            <span className="mcp-error__label">No server starts: </span>
            {info.config_error}
          </p>
        </div>
      )}
      {info && info.warnings.length > 0 && (
        <div className="warning-row" role="status" data-testid="mcp-tools-warning">
          <TriangleAlert width={16} height={16} aria-hidden="true" />
          <div>
            <p className="warning-row__title">Many tools are on</p>
            {info.warnings.map((w) => (
              <p key={w}>{w}</p>
            ))}
          </div>
        </div>
      )}

      {panel === 'add' && (
        <AddServerForm
          existing={servers.map((s) => s.name)}
          onCancel={() => setPanel(null)}
          onAdded={(name) => {
            setPanel(null)
            setConsentFor(name)
          }}
        />
      )}
      {panel === 'import' && <ImportForm onClose={() => setPanel(null)} />}

      {!info && mcp.status !== 'error' && (
        <p className="muted small">
          <Spinner /> Loading the servers…
        </p>
      )}
      {info && servers.length === 0 && panel === null && (
        <div className="mcp-empty">
          <Plug className="mcp-empty__icon" width={22} height={22} aria-hidden="true" />
          <p className="mcp-empty__title">No MCP servers yet</p>
          <p className="muted small">
            Add one to give Duck more tools — a filesystem, a database, an issue tracker — or import the servers you use
            with Claude Desktop.
          </p>
        </div>
      )}
      {servers.length > 0 && (
        <>
          <p className="mcp-summary muted small" aria-live="polite">
            {plural(servers.length, 'server')} · {plural(info?.enabled_tools ?? 0, 'tool')} on · configured in{' '}
            <code title={info?.config_path}>{info?.config_path}</code>
          </p>
          <ul className="mcp-servers" aria-label="MCP servers">
            {servers.map((server) => (
              <McpServerCard key={server.name} server={server} onReview={() => setConsentFor(server.name)} />
            ))}
          </ul>
        </>
      )}
      {consentServer && (
        <ConsentSheet key={consentServer.name} server={consentServer} onClose={() => setConsentFor(null)} />
      )}
    </section>
  )
}
