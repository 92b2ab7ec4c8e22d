import { ShieldAlert } from 'lucide-react'
import { useEffect, useId, useRef } from 'react'
import type { ApprovalDecision, RuleScope } from '../../../shared/schemas'
import { ApprovalBody } from '../dialogs/ApprovalBody'
import { approvalTitle } from '../dialogs/approvalText'
import type { ApprovalRequest } from '../store'
import { InlineCode } from '../ui/InlineCode'

/** The approval, inline in the quick answer: the same facts and buttons as the dialog, focus on Deny, Esc denies. */
export function InlineApproval({
  approval,
  error,
  onDecide
}: {
  approval: ApprovalRequest
  error: string | null
  onDecide: (decision: ApprovalDecision, scope?: RuleScope) => void
}) {
  const titleId = useId()
  const denyRef = useRef<HTMLButtonElement>(null)
  useEffect(() => denyRef.current?.focus(), [approval.approval_id])
  return (
    <section
      className="inline-approval"
      aria-labelledby={titleId}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onDecide('deny')
      }}
    >
      <h2 id={titleId} className="inline-approval__title">
        <ShieldAlert width={16} height={16} aria-hidden="true" />
        {approvalTitle(approval)}
      </h2>
      {approval.reason && (
        <p className="small">
          <InlineCode text={approval.reason} />
        </p>
      )}
      <ApprovalBody approval={approval} error={error} onDecide={onDecide} denyRef={denyRef} compact />
    </section>
  )
}
