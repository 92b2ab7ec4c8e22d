import { ShieldAlert } from 'lucide-react'
import { useEffect, useRef } from 'react'
import type { ApprovalDecision } from '../../../shared/schemas'
import { argumentsText } from '../chat/ToolCard'
import { approvalTitle } from '../dialogs/approvalText'
import type { ApprovalRequest } from '../store'
import { InlineCode } from '../ui/InlineCode'
import { ActionBadge, RiskBadge } from '../ui/RiskBadge'

/** The approval, inline in the quick answer: the same facts and buttons as the dialog, focus on Deny. */
export function InlineApproval({
  approval,
  error,
  onDecide
}: {
  approval: ApprovalRequest
  error: string | null
  onDecide: (decision: ApprovalDecision) => void
}) {
  const denyRef = useRef<HTMLButtonElement>(null)
  useEffect(() => denyRef.current?.focus(), [approval.approval_id])
  return (
    <section
      className="inline-approval"
      aria-labelledby="inline-approval-title"
      onKeyDown={(event) => {
        if (event.key === 'Escape') onDecide('deny')
      }}
    >
      <h2 id="inline-approval-title" className="inline-approval__title">
        <ShieldAlert width={16} height={16} aria-hidden="true" />
        {approvalTitle(approval)}
      </h2>
      <div className="approval__meta">
        <code>{approval.tool}</code>
        <RiskBadge risk={approval.risk_level} actionType={approval.action_type} />
        <ActionBadge actionType={approval.action_type} />
      </div>
      <pre className="command-block__text">{argumentsText(approval.tool, approval.args)}</pre>
      {approval.reason && (
        <p className="small">
          <InlineCode text={approval.reason} />
        </p>
      )}
      {approval.outside_workspace.length > 0 && (
        <p className="small warning-text">Outside the workspace: {approval.outside_workspace.join(', ')}</p>
      )}
      {error && (
        <p className="inline-error small" role="alert">
          {error}
        </p>
      )}
      <div className="dialog__buttons">
        <button ref={denyRef} type="button" className="button button--small" onClick={() => onDecide('deny')}>
          Deny
        </button>
        {approval.rule_preview && (
          <button type="button" className="button button--small" onClick={() => onDecide('allow_always')}>
            Always allow
          </button>
        )}
        <button type="button" className="button button--small button--primary" onClick={() => onDecide('allow_once')}>
          Allow once
        </button>
      </div>
      {approval.rule_preview && (
        <p className="approval__rule">
          <InlineCode text={approval.rule_preview} />
        </p>
      )}
    </section>
  )
}
