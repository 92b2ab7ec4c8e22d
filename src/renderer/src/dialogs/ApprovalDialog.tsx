import * as Dialog from '@radix-ui/react-dialog'
import { useRef } from 'react'
import type { ApprovalDecision, RuleScope } from '../../../shared/schemas'
import type { ApprovalRequest } from '../store'
import { InlineCode } from '../ui/InlineCode'
import { ApprovalBody } from './ApprovalBody'
import { approvalTitle } from './approvalText'
import { ModalFrame } from './ModalFrame'

/**
 * Asks before Duck runs a call that needs a person. Focus starts on Deny; Esc denies; there
 * is no default button that allows. "Always allow" shows the exact rule it would create. When
 * it closes, focus goes where `returnFocus` puts it (the composer).
 */
export function ApprovalDialog({
  approval,
  error,
  onDecide,
  returnFocus
}: {
  approval: ApprovalRequest
  error: string | null
  onDecide: (decision: ApprovalDecision, scope?: RuleScope) => void
  returnFocus?: () => void
}) {
  const denyRef = useRef<HTMLButtonElement>(null)
  return (
    <ModalFrame
      className="dialog dialog--approval"
      testId="approval-dialog"
      initialFocus={denyRef}
      returnFocus={returnFocus}
      onEscape={() => onDecide('deny')}
    >
      <Dialog.Title className="dialog__title">{approvalTitle(approval)}</Dialog.Title>
      <Dialog.Description className="dialog__text">
        {approval.reason ? <InlineCode text={approval.reason} /> : 'Duck wants to run this and needs your permission.'}
      </Dialog.Description>
      <ApprovalBody approval={approval} error={error} onDecide={onDecide} denyRef={denyRef} />
    </ModalFrame>
  )
}
