import { ChevronRight } from 'lucide-react'
import { useId, useState } from 'react'
import type { McpServerStatus, McpToolStatus } from '../../../../../shared/mcp'
import { annotationClaims } from '../../../lib/mcp'
import { setMcpTool } from '../../../store/actions/mcp'

function ToolRow({
  server,
  tool,
  onError
}: {
  server: string
  tool: McpToolStatus
  onError: (error: string | null) => void
}) {
  const descriptionId = useId()
  const [busy, setBusy] = useState(false)
  const { claims } = annotationClaims(tool.annotations)
  const toggle = async (enabled: boolean): Promise<void> => {
    setBusy(true)
    const result = await setMcpTool(server, tool.name, enabled)
    setBusy(false)
    onError(result.ok ? null : result.error)
  }
  return (
    <li className="mcp-tool" data-enabled={tool.enabled}>
      <div className="mcp-tool__text">
        <p className="mcp-tool__name">
          <code>{tool.name}</code>
          {claims.map((claim) => (
            <span
              key={claim.label}
              className={`badge ${claim.tone === 'warn' ? 'badge--medium' : 'badge--plain'}`}
              title={`The server says ${claim.detail} (its claim, not checked)`}
            >
              {claim.label}
            </span>
          ))}
        </p>
        <p id={descriptionId} className="mcp-tool__description" title={tool.description || undefined}>
          {tool.description || <span className="muted">No description.</span>}
        </p>
        {tool.rules_suspended && (
          <p className="warning-text small">
            Its definition changed, so its “Always allow” rules are suspended: Duck asks again.
          </p>
        )}
      </div>
      <label className="switch switch--bare">
        <input
          type="checkbox"
          role="switch"
          aria-label={tool.name}
          aria-describedby={descriptionId}
          checked={tool.enabled}
          disabled={busy}
          onChange={(e) => void toggle(e.target.checked)}
        />
        <span className="switch__track" aria-hidden="true">
          <span className="switch__thumb" />
        </span>
      </label>
    </li>
  )
}

/** A server's tools, each with an on/off switch (off: the planner never sees it). */
export function McpToolList({ server }: { server: McpServerStatus }) {
  const listId = useId()
  const [open, setOpen] = useState(true)
  const [error, setError] = useState<string | null>(null)
  const on = server.tools.filter((t) => t.enabled).length
  if (server.tools.length === 0) {
    return (
      <p className="muted small mcp-server__tools-empty">
        {server.state === 'ready' ? 'It offers no tools.' : 'Its tools are listed once it is running.'}
      </p>
    )
  }
  return (
    <div className="mcp-tools">
      <button
        type="button"
        className="disclosure"
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen(!open)}
      >
        <ChevronRight className="disclosure__chevron" width={14} height={14} aria-hidden="true" />
        Tools · {on} of {server.tools.length} on
      </button>
      {error && (
        <p className="inline-error small" role="alert">
          {error}
        </p>
      )}
      {open && (
        <ul id={listId} className="mcp-tools__list" aria-label={`Tools of ${server.name}`}>
          {server.tools.map((tool) => (
            <ToolRow key={tool.name} server={server.name} tool={tool} onError={setError} />
          ))}
        </ul>
      )}
    </div>
  )
}
