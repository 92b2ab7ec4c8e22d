import { useEffect } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { nativePasswordSheet } from '../bridge'
import { useDuck } from '../store'
import { focusComposer } from '../lib/composerFocus'
import { decideApproval, submitPassword } from '../store/actions/approvals'
import { cancelTask } from '../store/actions/chat'
import { openConversation } from '../store/actions/conversations'
import { selectAttention } from '../store/selectors'
import { ApprovalDialog } from './ApprovalDialog'
import { PasswordSheet } from './PasswordSheet'

/**
 * Shows the approval dialog or the password sheet for whatever needs the person, in context.
 * When one closes, focus goes back to the composer.
 */
export function AttentionHost({ bringIntoView = true }: { bringIntoView?: boolean }) {
  const attention = useDuck(useShallow(selectAttention))
  const approvalError = useDuck((s) => s.approvalError)
  const active = useDuck((s) => s.activeConversationId)
  const conversationId =
    attention?.kind === 'approval'
      ? attention.approval.conversation_id
      : attention?.kind === 'password'
        ? attention.password.conversation_id
        : null

  useEffect(() => {
    if (bringIntoView && conversationId && conversationId !== active) void openConversation(conversationId)
  }, [bringIntoView, conversationId, active])

  if (!attention) return null
  if (attention.kind === 'approval') {
    const approval = attention.approval
    return (
      <ApprovalDialog
        key={approval.approval_id}
        approval={approval}
        error={approvalError}
        onDecide={(decision, scope) => void decideApproval(approval, decision, scope)}
        returnFocus={focusComposer}
      />
    )
  }
  // The desktop app asks in a native sheet; this window shows no password field of its own.
  if (nativePasswordSheet()) return null
  const request = attention.password
  return (
    <PasswordSheet
      key={request.approval_id}
      request={request}
      busy={attention.busy}
      onSubmit={(password) => void submitPassword(request, password)}
      onCancel={() => void cancelTask(request.task_id)}
      returnFocus={focusComposer}
    />
  )
}
