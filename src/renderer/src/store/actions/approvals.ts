import { DuckApiError } from '../../../../shared/api'
import type { ApprovalDecision } from '../../../../shared/schemas'
import { errorMessage } from '../../lib/format'
import { nativePasswordSheet } from '../../bridge'
import { duck, hasApi } from '../api'
import { blankTask } from '../reduce'
import { useDuck, type ApprovalRequest, type PasswordRequestView } from '..'
import { loadThread, openConversation } from './conversations'
import { reopenPasswordSheet } from './desktop'
import { patchTask, runStream } from './stream'

function setDeciding(approvalId: string, on: boolean): void {
  useDuck.setState((s) => {
    const deciding = { ...s.deciding }
    if (on) deciding[approvalId] = true
    else delete deciding[approvalId]
    return { deciding }
  })
}

/** Allow once / always / deny, then continue the task: it streams on in the same message. */
export async function decideApproval(approval: ApprovalRequest, decision: ApprovalDecision): Promise<void> {
  setDeciding(approval.approval_id, true)
  useDuck.setState({ approvalError: null })
  try {
    await duck().approvals.decide(approval.approval_id, decision)
  } catch (error) {
    // Already decided (another window, a crash before continuing): continue all the same.
    if (!(error instanceof DuckApiError && error.code === 'conflict' && /already decided/.test(error.message))) {
      useDuck.setState({ approvalError: errorMessage(error) })
      setDeciding(approval.approval_id, false)
      return
    }
  }
  patchTask(approval.task_id, { approval: null, status: 'running', stage: null })
  try {
    await runStream(
      (onEvent) => duck().tasks.continue(approval.task_id, { approval_id: approval.approval_id }, onEvent),
      {
        taskId: approval.task_id
      }
    )
  } finally {
    setDeciding(approval.approval_id, false)
  }
}

/**
 * Sends the sudo password straight to the core. It is a parameter here and nowhere else:
 * not in the store, not in React state, not logged.
 */
export async function submitPassword(request: PasswordRequestView, password: string): Promise<void> {
  setDeciding(request.approval_id, true)
  patchTask(request.task_id, (t) => ({ password: t.password ? { ...t.password, error: null } : null }))
  try {
    await runStream(
      (onEvent) => duck().tasks.password(request.task_id, { approval_id: request.approval_id, password }, onEvent),
      { taskId: request.task_id }
    )
  } finally {
    setDeciding(request.approval_id, false)
  }
}

/** Cancel on the password sheet: the task stops without running the command. */
export async function cancelPassword(request: PasswordRequestView): Promise<void> {
  try {
    const result = await duck().tasks.cancel(request.task_id)
    patchTask(request.task_id, { status: result.status, password: null, approval: null, stage: null })
  } catch (error) {
    patchTask(request.task_id, (t) => ({
      password: t.password ? { ...t.password, error: `Could not cancel: ${errorMessage(error)}` } : null
    }))
  }
}

/**
 * Approvals waiting in the core (from another window, or from before a restart or a reload):
 * their tasks get the request, and the first one's conversation comes into view. On load, a
 * desktop window reopens the native password sheet of a task that waits for one.
 */
export async function loadPendingApprovals(bringIntoView = true, reopenSheets = false): Promise<void> {
  if (!hasApi()) return
  let pending
  try {
    pending = await duck().approvals.pending()
  } catch {
    return
  }
  const s = useDuck.getState()
  const fresh = pending.filter((p) => !s.deciding[p.approval_id])
  if (fresh.length === 0) return
  useDuck.setState((st) => {
    const tasks = { ...st.tasks }
    for (const p of fresh) {
      const task = tasks[p.task_id] ?? blankTask(p.task_id, p.conversation_id)
      if (task.live) continue
      if (p.kind === 'password') {
        const command = typeof p.args.command === 'string' ? p.args.command : ''
        const known = task.password?.approval_id === p.approval_id ? task.password : null
        tasks[p.task_id] = {
          ...task,
          status: 'waiting_for_password',
          approval: null,
          password: known ?? {
            approval_id: p.approval_id,
            task_id: p.task_id,
            conversation_id: p.conversation_id,
            tool: p.tool,
            command,
            attempts_left: null,
            error: null
          }
        }
      } else {
        tasks[p.task_id] = {
          ...task,
          status: 'waiting_for_approval',
          password: null,
          approval: {
            approval_id: p.approval_id,
            task_id: p.task_id,
            conversation_id: p.conversation_id,
            tool: p.tool,
            args: p.args,
            reason: p.reason,
            risk_level: p.risk_level,
            action_type: p.action_type,
            outside_workspace: p.outside_workspace,
            rule_preview: p.rule_preview
          }
        }
      }
    }
    return { tasks }
  })
  if (reopenSheets && nativePasswordSheet()) {
    for (const p of fresh) if (p.kind === 'password' && !s.tasks[p.task_id]?.live) reopenPasswordSheet(p.task_id)
  }
  const first = fresh[0]
  if (!first) return
  const state = useDuck.getState()
  if (!bringIntoView || fresh.some((p) => p.conversation_id === state.activeConversationId)) {
    if (state.activeConversationId) void loadThread(state.activeConversationId)
    return
  }
  await openConversation(first.conversation_id)
}
