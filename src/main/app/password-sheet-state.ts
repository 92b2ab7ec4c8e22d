/**
 * What the native password sheet does with each task event — pure, so it is tested without
 * Electron. The sheet opens on `tool_password_requested`, shows the error of the next one after a
 * wrong password, and closes once the task moved on (or ended).
 */
import type { StreamEvent, ToolPasswordRequestedEvent } from '../../shared/events'
import type { PasswordSheetView } from '../../shared/ipc'

export interface SheetRequest {
  taskId: string
  conversationId: string
  approvalId: string
  tool: string
  command: string
  attemptsLeft: number
  error: string | null
  /** A password was submitted and sudo has not answered yet. */
  busy: boolean
  /** At least one password was submitted. */
  submitted: boolean
}

export type SheetReaction =
  | { type: 'none' }
  /** Open a sheet for it, or queue it behind the open one (another task). */
  | { type: 'open'; request: SheetRequest }
  | { type: 'update'; request: SheetRequest }
  | { type: 'close'; outcome: 'submitted' | 'cancelled' }

export function requestFrom(event: ToolPasswordRequestedEvent): SheetRequest {
  return {
    taskId: event.task_id,
    conversationId: event.conversation_id,
    approvalId: event.approval_id,
    tool: event.tool,
    command: event.command,
    attemptsLeft: event.attempts_left,
    error: event.error ?? null,
    busy: false,
    submitted: false
  }
}

/** Stages after which the password was accepted (or finally refused) and the task went on. */
const MOVED_ON = new Set(['planning', 'thinking', 'waiting_for_approval'])

export function reactTo(current: SheetRequest | null, event: StreamEvent): SheetReaction {
  if (event.type === 'tool_password_requested') {
    if (current?.taskId !== event.task_id) return { type: 'open', request: requestFrom(event) }
    return {
      type: 'update',
      request: {
        ...current,
        approvalId: event.approval_id,
        attemptsLeft: event.attempts_left,
        error: event.error ?? null,
        busy: false
      }
    }
  }
  if (!current || event.task_id !== current.taskId) return { type: 'none' }
  if (event.type === 'done') {
    if (event.status === 'waiting_for_password')
      return current.busy ? { type: 'update', request: { ...current, busy: false } } : { type: 'none' }
    return { type: 'close', outcome: current.submitted && event.status !== 'cancelled' ? 'submitted' : 'cancelled' }
  }
  if (event.type === 'runtime_status' && current.busy && MOVED_ON.has(event.stage))
    return { type: 'close', outcome: 'submitted' }
  return { type: 'none' }
}

/**
 * A queued request no longer waits for its password: its task ended (or stopped for something
 * else), or asked again under another approval.
 */
export function outdates(queued: SheetRequest, event: StreamEvent): boolean {
  if (event.task_id !== queued.taskId) return false
  if (event.type === 'done') return event.status !== 'waiting_for_password'
  return event.type === 'tool_password_requested' && event.approval_id !== queued.approvalId
}

export function submitted(request: SheetRequest): SheetRequest {
  return { ...request, busy: true, submitted: true, error: null }
}

export function viewOf(request: SheetRequest): PasswordSheetView {
  return {
    tool: request.tool,
    command: request.command,
    attempts_left: request.attemptsLeft,
    error: request.error,
    busy: request.busy
  }
}

/** The last password request in a task's persisted log, to reopen the sheet after a restart. */
export function lastPasswordRequest(
  taskId: string,
  conversationId: string,
  events: readonly { event_type: string; payload: Record<string, unknown> }[]
): SheetRequest | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const record = events[i]
    if (record?.event_type !== 'tool_password_requested') continue
    const p = record.payload
    if (typeof p.approval_id !== 'string') return null
    return {
      taskId,
      conversationId,
      approvalId: p.approval_id,
      tool: typeof p.tool === 'string' ? p.tool : 'shell_exec_safe',
      command: typeof p.command === 'string' ? p.command : '',
      attemptsLeft: typeof p.attempts_left === 'number' ? p.attempts_left : 1,
      error: typeof p.error === 'string' ? p.error : null,
      busy: false,
      submitted: false
    }
  }
  return null
}
