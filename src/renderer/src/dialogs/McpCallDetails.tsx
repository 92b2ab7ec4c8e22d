import { Plug } from 'lucide-react'
import { useEffect } from 'react'
import { annotationClaims } from '../lib/mcp'
import { useDuck, type ApprovalRequest } from '../store'
import { loadMcp } from '../store/actions/mcp'
import { CopyButton } from '../ui/CopyButton'

/** "Server files · Tool read_text_file": which server's tool the call uses. */
export function McpToolName({ full, server, tool }: { full: string; server: string; tool: string }) {
  return (
    <dl className="mcp-call" title={full}>
      <div>
        <dt>Server</dt>
        <dd>
          <Plug width={13} height={13} aria-hidden="true" />
          {server}
        </dd>
      </div>
      <div>
        <dt>Tool</dt>
        <dd>
          <code>{tool}</code>
        </dd>
      </div>
    </dl>
  )
}

/**
 * An MCP call in an approval: the full JSON arguments (pretty, scrollable,
 * copyable) and the annotations the server gives the tool — shown as its claims, which Duck
 * does not check and which never make a call safer.
 */
export function McpCallDetails({
  approval,
  server,
  tool
}: {
  approval: ApprovalRequest
  server: string
  tool: string
}) {
  const status = useDuck((s) => s.mcp.data?.servers.find((x) => x.name === server)?.tools.find((t) => t.name === tool))
  const known = useDuck((s) => s.mcp.status === 'ready')
  useEffect(() => {
    // The annotations come with the servers' status; read it if this window has not yet.
    if (!status) void loadMcp(true)
  }, [approval.approval_id, status])
  const args = JSON.stringify(approval.args, null, 2)
  const { claims, other } = status ? annotationClaims(status.annotations) : { claims: [], other: [] }
  return (
    <>
      <div className="command-block">
        <pre className="command-block__text command-block__text--json" tabIndex={0} aria-label="Arguments">
          {args}
        </pre>
        <CopyButton text={args} className="command-block__copy" />
      </div>
      <section className="mcp-claims" aria-label="What the server claims about this tool">
        <p className="mcp-claims__head">
          <span className="mcp-claims__title">The server’s claims</span>
          <span className="muted"> — not checked by Duck; they can raise the risk, never lower it</span>
        </p>
        {status ? (
          claims.length + other.length > 0 ? (
            <ul className="mcp-claims__list">
              {claims.map((claim) => (
                <li key={claim.label} className={`mcp-claim mcp-claim--${claim.tone}`}>
                  <span className="mcp-claim__label">{claim.label}</span>
                  <span className="mcp-claim__detail">{claim.detail}</span>
                </li>
              ))}
              {other.map(([key, value]) => (
                <li key={key} className="mcp-claim">
                  <span className="mcp-claim__label">{key}</span>
                  <span className="mcp-claim__detail">{value}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted small">It makes none about this tool.</p>
          )
        ) : (
          <p className="muted small">{known ? 'Duck has no record of this tool’s annotations.' : 'Reading them…'}</p>
        )}
      </section>
    </>
  )
}
