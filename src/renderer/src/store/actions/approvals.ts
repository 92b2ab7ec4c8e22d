import type { DuckApiError } from '../../../../shared/api'
import type { ApprovalDecision, RuleScope } from '../../../../shared/schemas'
import { errorMessage } from '../../lib/format'
import { nativePasswordSheet } from '../../bridge'
import { duck, hasApi } from '../api'
import { blankTask } from '../reduce'
import { useDuck, type ApprovalRequest, type PasswordRequestView } from '..'
import { loadThread, openConversation, refreshConversations } from './conversations'
import { conflictNotice, isAlreadyDecided, outcomeOf, readRecorded } from './decidedElsewhere'
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

/**
 * Allow once / always / deny, then continue the task: it streams on in the same message. When
 * the approval was already decided elsewhere, the task continues only if that decision matches
 * the button clicked here; a Deny here stops a task allowed elsewhere.
 */
export async function decideApproval(
  approval: ApprovalRequest,
  decision: ApprovalDecision,
  scope?: RuleScope
): Promise<void> {
  setDeciding(approval.approval_id, true)
  useDuck.setState({ approvalError: null })
  try {
    await duck().approvals.decide(approval.approval_id, decision, scope)
  } catch (error) {
    if (!isAlreadyDecided(error)) {
      useDuck.setState({ approvalError: errorMessage(error) })
      setDeciding(approval.approval_id, false)
      return
    }
    try {
      await decidedElsewhere(approval, decision, error)
    } finally {
      setDeciding(approval.approval_id, false)
    }
    return
  }
  await continueTask(approval)
}

/**
 * Apply on a command preview: the previewed changes are replayed onto the workspace (which also
 * allows the approval once), then the task continues with the preview's output. A conflict (a
 * file changed since the preview) rejects with the reason and leaves the approval open.
 */
export async function applyCommandPreview(approval: ApprovalRequest): Promise<void> {
  setDeciding(approval.approval_id, true)
  useDuck.setState({ approvalError: null })
  try {
    await duck().approvals.applyPreview(approval.approval_id)
  } catch (error) {
    setDeciding(approval.approval_id, false)
    throw error
  }
  await continueTask(approval)
}

async function continueTask(approval: ApprovalRequest): Promise<void> {
  patchTask(approval.task_id, { approval: null, status: 'running', stage: null })
  try {
    await runStream(
      (onEvent) => duck().tasks.continue(approval.task_id, { approval_id: approval.approval_id }, onEvent),
      { taskId: approval.task_id }
    )
  } finally {
    setDeciding(approval.approval_id, false)
  }
}

async function decidedElsewhere(
  approval: ApprovalRequest,
  decision: ApprovalDecision,
  conflict: DuckApiError
): Promise<void> {
  const clicked = outcomeOf(decision)
  const recorded = await readRecorded(approval, conflict)
  const waiting = recorded.status === 'waiting_for_approval'
  // The same decision: continue it here, unless something else already did.
  if (recorded.outcome === clicked && waiting) {
    await continueTask(approval)
    return
  }
  // Whatever happens next, this dialog does not come back (a re-read task may still wait on it).
  useDuck.setState((s) => ({ settled: { ...s.settled, [approval.approval_id]: true } }))
  if (recorded.outcome === clicked) {
    patchTask(approval.task_id, { approval: null })
    await loadThread(approval.conversation_id)
    return
  }
  // Not what the person chose here (or Duck cannot tell): never continue. A Deny here stops the
  // task even if another window already continued it; a denial elsewhere is left to finish.
  const stop = clicked === 'deny' || waiting
  let stopped = false
  if (stop) {
    try {
      stopped = (await duck().tasks.cancel(approval.task_id)).status === 'cancelled'
    } catch {
      stopped = false
    }
  }
  patchTask(approval.task_id, (t) => ({
    approval: null,
    notice: conflictNotice(clicked, recorded.outcome, stopped),
    ...(stopped && !t.live ? { status: 'cancelled' as const, stage: null, password: null } : {})
  }))
  void refreshConversations()
  await loadThread(approval.conversation_id)
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

/** The approvals and password requests this window shows, with their tasks and conversations. */
function shownRequests(): Map<string, { task_id: string; conversation_id: string }> {
  const shown = new Map<string, { task_id: string; conversation_id: string }>()
  const s = useDuck.getState()
  for (const task of Object.values(s.tasks)) {
    if (task.live) continue
    const request =
      task.status === 'waiting_for_approval'
        ? task.approval
        : task.status === 'waiting_for_password'
          ? task.password
          : null
    if (request && !s.deciding[request.approval_id]) shown.set(request.approval_id, request)
  }
  return shown
}

/**
 * Requests shown before `pending` was read that it no longer lists were decided elsewhere (or
 * their task ended): their dialogs close for good (a re-read task may still wait on one nobody
 * continued), and their conversations are re-read for what happened.
 */
function dropDecided(shown: ReturnType<typeof shownRequests>, pending: { approval_id: string }[]): void {
  const listed = new Set(pending.map((p) => p.approval_id))
  const gone = [...shown].filter(([id]) => !listed.has(id))
  if (gone.length === 0) return
  useDuck.setState((st) => {
    const settled = { ...st.settled }
    for (const [id] of gone) if (!st.deciding[id]) settled[id] = true
    return { settled }
  })
  for (const conversationId of new Set(gone.map(([, r]) => r.conversation_id))) void loadThread(conversationId)
  void refreshConversations()
}

/**
 * Approvals waiting in the core (from another window, or from before a restart or a reload):
 * their tasks get the request, and the first one's conversation comes into view. Requests shown
 * here that are no longer waiting close. On load, a desktop window reopens the native password
 * sheet of a task that waits for one.
 */
export async function loadPendingApprovals(bringIntoView = true, reopenSheets = false): Promise<void> {
  if (!hasApi()) return
  const shown = shownRequests()
  let pending
  try {
    pending = await duck().approvals.pending()
  } catch {
    return
  }
  dropDecided(shown, pending)
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
            rule_preview: p.rule_preview,
            ...(p.rule_preview_arguments ? { rule_preview_arguments: p.rule_preview_arguments } : {}),
            ...(p.preview ? { preview: p.preview } : {})
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
