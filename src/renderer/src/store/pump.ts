/**
 * Stream events are buffered outside React state and applied in one store update per
 * animation frame (or after 100 ms when frames are throttled, e.g. in a background tab).
 */
import type { DuckEvent } from '../../../shared/events'
import { applyEvent, blankTask, type LiveEntry } from './reduce'
import { useDuck } from '.'
import type { DuckState, TaskView, ThreadView } from './types'

type Entry = LiveEntry

/** The request text and send key of a task this window started, known at its first event. */
export interface TaskOrigin {
  request: string
  workspace: string
  sendKey: string
}

const queue: Entry[] = []
const origins = new Map<string, TaskOrigin>()
/** The live events applied to a task since it had a gap, to replay over its history once re-read. */
const sinceGap = new Map<string, Entry[]>()
let frame = 0
let timer = 0
const listeners = new Set<(tasks: string[]) => void>()

export function registerOrigin(taskId: string, origin: TaskOrigin): void {
  origins.set(taskId, origin)
}

/** The live events a task with a gap received since the gap (in the order they applied). */
export function liveSinceGap(taskId: string): Entry[] {
  return sinceGap.get(taskId) ?? []
}

/** Its stream ended (and the task is re-read): the events kept for the replay are not needed. */
export function forgetLive(taskId: string): void {
  sinceGap.delete(taskId)
}

export function pushEvent(event: DuckEvent): void {
  queue.push({ event, at: performance.now() })
  if (frame === 0 && timer === 0) {
    frame = requestAnimationFrame(flushEvents)
    timer = window.setTimeout(flushEvents, 100)
  }
}

/** Called after each flush with the task ids that changed. */
export function onFlush(listener: (tasks: string[]) => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function flushEvents(): void {
  if (frame !== 0) cancelAnimationFrame(frame)
  if (timer !== 0) window.clearTimeout(timer)
  frame = 0
  timer = 0
  if (queue.length === 0) return
  const batch = queue.splice(0)
  const changed = new Set<string>()
  useDuck.setState((state) => applyBatch(state, batch, changed))
  const ids = [...changed]
  for (const listener of listeners) listener(ids)
}

function applyBatch(state: DuckState, batch: Entry[], changed: Set<string>): Partial<DuckState> {
  const drafts = new Map<string, TaskView>()
  let threads = state.threads
  let sending = state.sending
  let active = state.activeConversationId
  for (const { event, at } of batch) {
    let draft = drafts.get(event.task_id)
    if (!draft) {
      const existing = state.tasks[event.task_id]
      if (existing) {
        draft = { ...existing }
      } else {
        const origin = origins.get(event.task_id)
        draft = { ...blankTask(event.task_id, event.conversation_id, origin?.request ?? ''), live: true }
        const update = placeNewTask(threads, sending, active, draft, origin)
        threads = update.threads
        sending = update.sending
        active = update.active
      }
      drafts.set(event.task_id, draft)
    }
    if (applyEvent(draft, event, at)) {
      changed.add(event.task_id)
      if (draft.gap && draft.live) {
        const kept = sinceGap.get(event.task_id)
        if (kept) kept.push({ event, at })
        else sinceGap.set(event.task_id, [{ event, at }])
      }
    }
  }
  const tasks = { ...state.tasks }
  for (const [id, draft] of drafts) tasks[id] = draft
  return { tasks, threads, sending, activeConversationId: active }
}

/** A task seen for the first time joins its conversation's thread (created if new). */
function placeNewTask(
  threads: Record<string, ThreadView>,
  sending: DuckState['sending'],
  active: string | null,
  task: TaskView,
  origin: TaskOrigin | undefined
): { threads: Record<string, ThreadView>; sending: DuckState['sending']; active: string | null } {
  const id = task.conversation_id
  const thread: ThreadView = threads[id] ?? {
    conversation_id: id,
    title: titleFor(task.request),
    workspace: origin?.workspace ?? '',
    items: [],
    status: 'ready',
    error: null
  }
  const known = thread.items.some((item) => item.kind === 'task' && item.task_id === task.task_id)
  const next = known
    ? thread
    : { ...thread, items: [...thread.items, { kind: 'task' as const, task_id: task.task_id }] }
  let nextSending = sending
  let nextActive = active
  if (origin && sending[origin.sendKey]) {
    nextSending = { ...sending }
    delete nextSending[origin.sendKey]
    // A new chat becomes its conversation once the core named it.
    if (origin.sendKey === 'new' && active === null) nextActive = id
  }
  return { threads: { ...threads, [id]: next }, sending: nextSending, active: nextActive }
}

function titleFor(message: string): string {
  const line = message.trim().split('\n')[0]?.trim() ?? ''
  return line.length > 60 ? `${line.slice(0, 57)}…` : line || 'New chat'
}
