import { DuckApiError, type EventListener } from '../../../../shared/api'
import type { DoneEvent } from '../../../../shared/events'
import { errorMessage } from '../../lib/format'
import { flushEvents, forgetLive, pushEvent, registerOrigin, type TaskOrigin } from '../pump'
import { useDuck, type TaskView } from '..'
import { loadThread, refreshConversations } from './conversations'

export function patchTask(taskId: string, patch: Partial<TaskView> | ((task: TaskView) => Partial<TaskView>)): void {
  useDuck.setState((s) => {
    const task = s.tasks[taskId]
    if (!task) return {}
    const change = typeof patch === 'function' ? patch(task) : patch
    return { tasks: { ...s.tasks, [taskId]: { ...task, ...change } } }
  })
}

export interface StreamContext {
  /** The task when it is known (continue, password). */
  taskId?: string
  /** For a new task: what to show as the person's message, and where the send waits. */
  origin?: Omit<TaskOrigin, never>
}

/**
 * Runs one task stream: events go through the per-frame pump; at the end the task is marked
 * not live and, after a seq gap, re-read from the server. Resolves with the done event or
 * null when the transport failed (the failure is shown where it belongs).
 */
export async function runStream(
  start: (onEvent: EventListener) => Promise<DoneEvent>,
  context: StreamContext
): Promise<DoneEvent | null> {
  let taskId = context.taskId ?? null
  if (taskId) patchTask(taskId, { live: true })
  const onEvent: EventListener = (event) => {
    if (taskId === null) {
      taskId = event.task_id
      if (context.origin) {
        registerOrigin(taskId, context.origin)
        // A new conversation shows in the sidebar as soon as the core created it.
        window.setTimeout(() => void refreshConversations(), 0)
      }
    }
    pushEvent(event)
  }
  let done: DoneEvent | null = null
  let failure: string | null = null
  let answered = false
  try {
    done = await start(onEvent)
  } catch (error) {
    failure = errorMessage(error)
    // Duck answered with an error (a 409, a 400): say what it said, not that the line dropped.
    answered = error instanceof DuckApiError && error.status > 0
  }
  flushEvents()
  if (taskId === null) {
    // Nothing arrived: the request itself was refused (bad workspace, server down).
    const key = context.origin?.sendKey
    if (key) {
      useDuck.setState((s) => {
        const pending = s.sending[key]
        if (!pending) return {}
        const draft = s.drafts[key] ? s.drafts[key] : pending.request
        return {
          sending: { ...s.sending, [key]: { ...pending, error: failure ?? 'Duck did not start the task.' } },
          drafts: { ...s.drafts, [key]: draft }
        }
      })
    }
    return null
  }
  const id = taskId
  const task = useDuck.getState().tasks[id]
  patchTask(id, (t) => ({
    live: false,
    ...(failure && !done
      ? {
          error:
            t.error ??
            (answered
              ? { code: 'refused', message: failure }
              : { code: 'stream_lost', message: `The connection to Duck dropped: ${failure}` })
        }
      : {})
  }))
  forgetLive(id)
  if (task && (task.gap || failure)) await loadThread(task.conversation_id)
  void refreshConversations()
  return done
}
