import { TriangleAlert } from 'lucide-react'
import { useId, useState, type Ref } from 'react'
import type { ApprovalDecision, RuleScope } from '../../../shared/schemas'
import { argumentsText } from '../chat/ToolCard'
import { splitMcpToolName } from '../lib/mcp'
import type { ApprovalRequest } from '../store'
import { CopyButton } from '../ui/CopyButton'
import { InlineCode } from '../ui/InlineCode'
import { ActionBadge, RiskBadge } from '../ui/RiskBadge'
import { CommandPreviewPanel } from './CommandPreviewPanel'
import { DiffView } from './DiffView'
import { McpCallDetails, McpToolName } from './McpCallDetails'

/**
 * What an approval asks and its buttons, shared by the dialog and quick ask's inline version:
 * the tool, risk and action type, the arguments (copyable), paths outside the workspace, a
 * failed decision, then Deny, Always allow (with the exact rule it creates) and Allow once.
 * There is no default button that allows; the caller focuses Deny through `denyRef`.
 */
export function ApprovalBody({
  approval,
  error,
  onDecide,
  denyRef,
  compact = false
}: {
  approval: ApprovalRequest
  error: string | null
  /** `scope` narrows an "Always allow" rule to this command's arguments. */
  onDecide: (decision: ApprovalDecision, scope?: RuleScope) => void
  denyRef: Ref<HTMLButtonElement>
  /** Smaller buttons (quick ask). */
  compact?: boolean
}) {
  const ruleId = useId()
  const [narrow, setNarrow] = useState(false)
  const rule = narrow && approval.rule_preview_arguments ? approval.rule_preview_arguments : approval.rule_preview
  const args = argumentsText(approval.tool, approval.args)
  const button = compact ? 'button button--small' : 'button'
  const mcp = approval.action_type === 'mcp' ? splitMcpToolName(approval.tool) : null
  return (
    <>
      <div className="approval__meta">
        <span className="approval__tool">
          {mcp ? (
            <McpToolName full={approval.tool} server={mcp.server} tool={mcp.tool} />
          ) : (
            <code>{approval.tool}</code>
          )}
        </span>
        <RiskBadge risk={approval.risk_level} actionType={approval.action_type} />
        <ActionBadge actionType={approval.action_type} />
      </div>
      {mcp ? (
        <McpCallDetails approval={approval} server={mcp.server} tool={mcp.tool} />
      ) : approval.preview ? (
        <DiffView preview={approval.preview} />
      ) : (
        <div className="command-block">
          <pre className="command-block__text" tabIndex={0} aria-label="Arguments">
            {args}
          </pre>
          <CopyButton text={args} className="command-block__copy" />
        </div>
      )}
      {approval.outside_workspace.length > 0 && (
        <div className="warning-row">
          <TriangleAlert width={16} height={16} aria-hidden="true" />
          <div>
            <p className="warning-row__title">Outside the workspace</p>
            <ul className="warning-row__paths">
              {approval.outside_workspace.map((path) => (
                <li key={path}>
                  <code>{path}</code>
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
      {approval.tool === 'shell_exec_safe' && <CommandPreviewPanel approval={approval} />}
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog__buttons">
        <button ref={denyRef} type="button" className={button} onClick={() => onDecide('deny')}>
          Deny
        </button>
        {approval.rule_preview && (
          <button
            type="button"
            className={button}
            onClick={() => onDecide('allow_always', narrow ? { scope: 'arguments' } : undefined)}
            aria-describedby={ruleId}
          >
            Always allow
          </button>
        )}
        <button type="button" className={`${button} button--primary`} onClick={() => onDecide('allow_once')}>
          Allow once
        </button>
      </div>
      {rule && (
        <p id={ruleId} className="approval__rule">
          <InlineCode text={rule} />
        </p>
      )}
      {approval.rule_preview && approval.rule_preview_arguments && (
        <label className="approval__narrow small">
          <input type="checkbox" checked={narrow} onChange={(e) => setNarrow(e.target.checked)} />
          Only this exact command line
        </label>
      )}
    </>
  )
}
