/**
 * An approval this window tried to decide was already decided (another window, the API, a crash
 * before the task continued). What was recorded decides what happens next: the task continues
 * only when it matches the button the person clicked here.
 */
import { DuckApiError } from '../../../../shared/api'
import type { TaskStatus } from '../../../../shared/events'
import type { ApprovalDecision } from '../../../../shared/schemas'
import { duck } from '../api'
import type { ApprovalRequest } from '..'

export type Outcome = 'allow' | 'deny'

export interface Recorded {
  /** What was recorded, or null when Duck could not tell. */
  outcome: Outcome | null
  /** The task's status now: `waiting_for_approval` while nothing has continued it yet. */
  status: TaskStatus | null
}

export function isAlreadyDecided(error: unknown): error is DuckApiError {
  return error instanceof DuckApiError && error.code === 'conflict' && /already decided/.test(error.message)
}

export function outcomeOf(decision: ApprovalDecision): Outcome {
  return decision === 'deny' ? 'deny' : 'allow'
}

/** An approval or audit status as an outcome (pending and unknown ones as null). */
export function outcomeOfStatus(status: string | undefined): Outcome | null {
  if (status === 'allowed_once' || status === 'allowed_always' || status === 'password_pending') return 'allow'
  if (status === 'denied') return 'deny'
  return null
}

/**
 * Reads the recorded decision: a waiting password means it was allowed; a shell command's
 * audit row holds the decision itself; for other tools, the conflict names the approval's status.
 */
export async function readRecorded(approval: ApprovalRequest, conflict: DuckApiError): Promise<Recorded> {
  const api = duck()
  const [pending, audit, task] = await Promise.all([
    api.approvals.pending().catch(() => []),
    typeof approval.args.command === 'string' && approval.tool === 'shell_exec_safe'
      ? api.audit.commands({ limit: 200 }).catch(() => [])
      : Promise.resolve([]),
    api.tasks.get(approval.task_id).catch(() => null)
  ])
  let outcome: Outcome | null = null
  if (pending.some((p) => p.approval_id === approval.approval_id && p.kind === 'password')) outcome = 'allow'
  // Newest first: the row of this command in this task.
  const row = audit.find((r) => r.payload.task_id === approval.task_id && r.payload.command === approval.args.command)
  outcome ??= outcomeOfStatus(row?.payload.decision)
  outcome ??= outcomeOfStatus(/already decided \((\w+)\)/.exec(conflict.message)?.[1])
  return { outcome, status: task?.status ?? null }
}

/** What the window says after stopping (or failing to stop) a task decided differently elsewhere. */
export function conflictNotice(clicked: Outcome, recorded: Outcome | null, stopped: boolean): string {
  if (clicked === 'deny') {
    const what =
      recorded === 'allow'
        ? 'This request was already allowed in another window'
        : 'This request was already decided elsewhere'
    return stopped
      ? `${what}; Duck stopped it because you denied it here.`
      : `${what}, and it ran before Duck could stop it.`
  }
  if (recorded === 'deny') {
    return stopped
      ? 'This request was already denied in another window, so it did not run; Duck stopped the task.'
      : 'This request was already denied in another window, so it did not run.'
  }
  return stopped
    ? 'This request was already decided elsewhere; Duck stopped the task rather than guess what you wanted.'
    : 'This request was already decided elsewhere.'
}
