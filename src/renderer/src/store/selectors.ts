import type { ApprovalRequest, DuckState, PasswordRequestView, TaskView } from './types'

export type Attention =
  { kind: 'approval'; approval: ApprovalRequest } | { kind: 'password'; password: PasswordRequestView; busy: boolean }

/**
 * What needs the person now: an approval (hidden while this window decides it) or a sudo
 * password (kept open, busy, while it is being checked). The open conversation comes first.
 */
export function selectAttention(s: DuckState): Attention | null {
  let found: Attention | null = null
  for (const task of Object.values(s.tasks)) {
    const item = attentionOf(task, s)
    if (!item) continue
    if (task.conversation_id === s.activeConversationId) return item
    found ??= item
  }
  return found
}

/** What one task needs from the person now (see selectAttention); approvals settled elsewhere need nothing. */
export function attentionOf(task: TaskView, s: Pick<DuckState, 'deciding' | 'settled'>): Attention | null {
  const password = task.password
  if (password && !s.settled[password.approval_id]) {
    const busy = s.deciding[password.approval_id] === true
    if (task.status === 'waiting_for_password' || busy) return { kind: 'password', password, busy }
  }
  const approval = task.approval
  if (approval && task.status === 'waiting_for_approval' && !s.deciding[approval.approval_id]) {
    if (!s.settled[approval.approval_id]) return { kind: 'approval', approval }
  }
  return null
}

/** The task of the open conversation that is running in this window, if any. */
export function selectRunningTask(s: DuckState): TaskView | null {
  const thread = s.activeConversationId ? s.threads[s.activeConversationId] : undefined
  if (!thread) return null
  for (let i = thread.items.length - 1; i >= 0; i--) {
    const item = thread.items[i]
    if (item?.kind !== 'task') continue
    const task = s.tasks[item.task_id]
    if (task && (task.status === 'running' || task.live)) return task
  }
  return null
}
