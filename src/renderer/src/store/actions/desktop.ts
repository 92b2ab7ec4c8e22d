/**
 * The desktop app's extras (window.duckDesktop): events of task streams this page did not start
 * (after the native password sheet, or after a reload), commands from the menu, tray and quick
 * ask, and the password sheet's open/closed notices.
 */
import type { DuckEvent } from '../../../../shared/events'
import { desktop } from '../../bridge'
import { focusComposer } from '../../lib/composerFocus'
import { flushEvents, forgetLive, pushEvent } from '../pump'
import { useDuck } from '..'
import { loadThread, newChat, openConversation, refreshConversations } from './conversations'
import { patchTask } from './stream'

/** Tasks whose conversation is being re-read because their stream arrived past a gap. */
const resyncing = new Set<string>()

function externalEvent(event: DuckEvent): void {
  const task = useDuck.getState().tasks[event.task_id]
  if (task && !task.live) patchTask(event.task_id, { live: true })
  pushEvent(event)
  if (event.type !== 'done') {
    // First seen past seq 1 (a reload while it ran): rebuild the turn from history now, then the
    // live events with a higher seq apply over it (see resumeLive).
    if (!task && event.seq > 1 && !resyncing.has(event.task_id)) {
      resyncing.add(event.task_id)
      flushEvents()
      void loadThread(event.conversation_id).finally(() => resyncing.delete(event.task_id))
    }
    return
  }
  flushEvents()
  const after = useDuck.getState().tasks[event.task_id]
  patchTask(event.task_id, { live: false })
  forgetLive(event.task_id)
  if (after?.gap) void loadThread(event.conversation_id)
  void refreshConversations()
}

export function connectDesktop(window: 'main' | 'quick'): void {
  const d = desktop()
  if (!d) return
  d.onTaskEvent(externalEvent)
  if (window !== 'main') return
  d.onCommand((command) => {
    if (command.type === 'new-chat') newChat()
    else void openConversation(command.conversation_id)
  })
  d.onPasswordSheet((notice) => {
    if (notice.open) return
    // Like the window's own sheet: once it closes, typing goes to the composer again.
    focusComposer()
    const task = useDuck.getState().tasks[notice.task_id]
    if (task && notice.outcome === 'cancelled') void loadThread(task.conversation_id)
  })
}

/** A task found waiting for a password (after a reload or a restart): reopen the native sheet. */
export function reopenPasswordSheet(taskId: string): void {
  void desktop()
    ?.openPasswordSheet(taskId)
    .catch(() => undefined)
}
