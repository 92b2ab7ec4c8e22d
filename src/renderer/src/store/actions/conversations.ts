import type { ConversationDetail, MessageRecord, TaskEventRecord } from '../../../../shared/dto'
import { errorMessage } from '../../lib/format'
import { duck, hasApi } from '../api'
import { forgetLive, liveSinceGap } from '../pump'
import { resumeLive, taskFromHistory } from '../reduce'
import {
  threadItemKey,
  useDuck,
  type DuckState,
  type OlderMessages,
  type TaskView,
  type ThreadItem,
  type ThreadView
} from '..'
import { syncAddress } from './ui'

let listRequest = 0

export async function refreshConversations(query = useDuck.getState().conversationQuery): Promise<void> {
  if (!hasApi()) return
  const id = ++listRequest
  useDuck.setState((s) => ({ conversationsStatus: s.conversations.length ? s.conversationsStatus : 'loading' }))
  try {
    const list = await duck().conversations.list({ ...(query.trim() ? { q: query.trim() } : {}), limit: 200 })
    if (id !== listRequest) return
    useDuck.setState({ conversations: list, conversationsStatus: 'ready', conversationsError: null })
  } catch (error) {
    if (id !== listRequest) return
    useDuck.setState({ conversationsStatus: 'error', conversationsError: errorMessage(error) })
  }
}

let searchTimer = 0
export function searchConversations(query: string): void {
  useDuck.setState({ conversationQuery: query })
  window.clearTimeout(searchTimer)
  searchTimer = window.setTimeout(() => void refreshConversations(query), 180)
}

export function newChat(): void {
  useDuck.setState({ activeConversationId: null, view: 'chat' })
  syncAddress()
}

/** Shows a conversation and (re)reads it from the server. */
export async function openConversation(conversationId: string): Promise<void> {
  useDuck.setState({ activeConversationId: conversationId, view: 'chat' })
  syncAddress()
  await loadThread(conversationId)
}

/** Messages read per request: the newest when a conversation opens, then older ones on demand. */
export const THREAD_PAGE = 50

interface Page {
  items: ThreadItem[]
  byTask: Map<string, { user?: MessageRecord; assistant?: MessageRecord }>
  older: OlderMessages | undefined
}

/**
 * A page of messages as thread items. A task whose first message lies before the page is left
 * for the older page (the cursor moves past it), so every task is built whole.
 */
function toPage(detail: ConversationDetail): Page {
  let messages = detail.messages
  let cursor = detail.has_more ? (detail.next_before ?? null) : null
  if (cursor !== null) {
    const first = messages[0]
    const split = first?.task_id && first.role === 'assistant' ? first.task_id : null
    if (split) {
      messages = messages.filter((m) => m.task_id !== split)
      cursor = messages[0]?.message_id ?? cursor
    }
  }
  const byTask = new Map<string, { user?: MessageRecord; assistant?: MessageRecord }>()
  const items: ThreadItem[] = []
  for (const message of messages) {
    if (!message.task_id) {
      items.push({ kind: 'message', message })
      continue
    }
    let entry = byTask.get(message.task_id)
    if (!entry) {
      entry = {}
      byTask.set(message.task_id, entry)
      items.push({ kind: 'task', task_id: message.task_id })
    }
    entry[message.role] = message
  }
  return { items, byTask, older: cursor === null ? undefined : { cursor, status: 'idle', error: null } }
}

/** Rebuilds the page's tasks from their logs, except those this window streams without a gap. */
function rebuildTasks(page: Page, detail: ConversationDetail, conversationId: string): TaskView[] {
  const live = useDuck.getState().tasks
  const rebuilt: TaskView[] = []
  for (const [taskId, entry] of page.byTask) {
    if (live[taskId]?.live && !live[taskId]?.gap) continue
    const events: TaskEventRecord[] = detail.task_events?.[taskId] ?? []
    rebuilt.push(taskFromHistory(taskId, conversationId, entry.user, entry.assistant, events))
  }
  return rebuilt
}

/** Puts rebuilt tasks into the store: a live task past a gap is resumed, others replaced. */
function mergeTasks(s: DuckState, rebuilt: TaskView[]): DuckState['tasks'] {
  const tasks = { ...s.tasks }
  for (const task of rebuilt) {
    const before = s.tasks[task.task_id]
    if (before?.live) {
      if (before.gap) tasks[task.task_id] = resumeLive(task, liveSinceGap(task.task_id))
      continue
    }
    forgetLive(task.task_id)
    tasks[task.task_id] = before
      ? { ...task, think_started: before.think_started, think_ended: before.think_ended, notice: before.notice }
      : task
  }
  return tasks
}

/**
 * Reads the newest page of a conversation with its tasks' logs, in one request. Tasks
 * streaming in this window keep their live state, except one whose stream arrived past a gap:
 * it is rebuilt from history, then the live events since the gap are replayed over it. Older
 * pages already shown stay in front of the new one.
 */
export async function loadThread(conversationId: string): Promise<void> {
  if (!hasApi()) return
  useDuck.setState((s) => {
    const existing = s.threads[conversationId]
    const thread: ThreadView = existing
      ? { ...existing, status: existing.items.length ? existing.status : 'loading' }
      : { conversation_id: conversationId, title: '', workspace: '', items: [], status: 'loading', error: null }
    return { threads: { ...s.threads, [conversationId]: thread } }
  })
  let detail: ConversationDetail
  try {
    detail = await duck().conversations.get(conversationId, { limit: THREAD_PAGE, include: 'events' })
  } catch (error) {
    useDuck.setState((s) => {
      const thread = s.threads[conversationId]
      if (!thread) return {}
      return { threads: { ...s.threads, [conversationId]: { ...thread, status: 'error', error: errorMessage(error) } } }
    })
    return
  }
  const page = toPage(detail)
  const rebuilt = rebuildTasks(page, detail, conversationId)
  useDuck.setState((s) => {
    const previous = s.threads[conversationId]
    const shown = previous?.items ?? []
    // The older pages the person already read stay, when the new page joins onto them.
    const first = page.items[0]
    const join = first ? shown.findIndex((item) => threadItemKey(item) === threadItemKey(first)) : -1
    const kept = join > 0 ? shown.slice(0, join) : []
    const older = join > 0 ? previous?.older : page.older
    const listed = new Set(page.items.map(threadItemKey))
    // Tasks this window started that the server has not listed yet stay at the end.
    const extra = shown.filter(
      (item) => item.kind === 'task' && !listed.has(threadItemKey(item)) && s.tasks[item.task_id]?.live
    )
    const thread: ThreadView = {
      conversation_id: conversationId,
      title: detail.title,
      workspace: detail.workspace,
      items: [...kept, ...page.items, ...extra.filter((item) => !kept.includes(item))],
      status: 'ready',
      error: null,
      older
    }
    return { tasks: mergeTasks(s, rebuilt), threads: { ...s.threads, [conversationId]: thread } }
  })
  watchRunning(conversationId)
}

/** Reads the page before the first message shown (the person scrolled to the top). */
export async function loadOlderMessages(conversationId: string): Promise<void> {
  if (!hasApi()) return
  const thread = useDuck.getState().threads[conversationId]
  const older = thread?.older
  if (!thread || !older || older.status === 'loading') return
  const setOlder = (next: OlderMessages): void =>
    useDuck.setState((s) => {
      const current = s.threads[conversationId]
      if (!current || current.older?.cursor !== older.cursor) return {}
      return { threads: { ...s.threads, [conversationId]: { ...current, older: next } } }
    })
  setOlder({ ...older, status: 'loading', error: null })
  let detail: ConversationDetail
  try {
    detail = await duck().conversations.get(conversationId, {
      before: older.cursor,
      limit: THREAD_PAGE,
      include: 'events'
    })
  } catch (error) {
    setOlder({ ...older, status: 'error', error: errorMessage(error) })
    return
  }
  const page = toPage(detail)
  const rebuilt = rebuildTasks(page, detail, conversationId)
  useDuck.setState((s) => {
    const current = s.threads[conversationId]
    if (!current || current.older?.cursor !== older.cursor) return {}
    const shown = new Set(current.items.map(threadItemKey))
    const thread: ThreadView = {
      ...current,
      items: [...page.items.filter((item) => !shown.has(threadItemKey(item))), ...current.items],
      older: page.older
    }
    return { tasks: mergeTasks(s, rebuilt), threads: { ...s.threads, [conversationId]: thread } }
  })
}

const watched = new Set<string>()

/** A task running elsewhere (another window, before a reload) is followed by re-reading it. */
function watchRunning(conversationId: string): void {
  const running = (): boolean => {
    const s = useDuck.getState()
    const thread = s.threads[conversationId]
    return (thread?.items ?? []).some((item) => {
      if (item.kind !== 'task') return false
      const task = s.tasks[item.task_id]
      return task !== undefined && task.status === 'running' && !task.live
    })
  }
  if (watched.has(conversationId) || !running()) return
  watched.add(conversationId)
  window.setTimeout(() => {
    watched.delete(conversationId)
    if (useDuck.getState().activeConversationId === conversationId) void loadThread(conversationId)
  }, 1000)
}

export async function renameConversation(conversationId: string, title: string): Promise<string | null> {
  try {
    const summary = await duck().conversations.rename(conversationId, title)
    useDuck.setState((s) => ({
      conversations: s.conversations.map((c) =>
        c.conversation_id === conversationId ? { ...c, title: summary.title } : c
      ),
      threads: s.threads[conversationId]
        ? { ...s.threads, [conversationId]: { ...(s.threads[conversationId] as ThreadView), title: summary.title } }
        : s.threads
    }))
    return null
  } catch (error) {
    return errorMessage(error)
  }
}

export async function deleteConversation(conversationId: string): Promise<string | null> {
  try {
    await duck().conversations.delete(conversationId)
  } catch (error) {
    return errorMessage(error)
  }
  useDuck.setState((s) => {
    const threads = { ...s.threads }
    delete threads[conversationId]
    return {
      threads,
      conversations: s.conversations.filter((c) => c.conversation_id !== conversationId),
      activeConversationId: s.activeConversationId === conversationId ? null : s.activeConversationId
    }
  })
  syncAddress()
  return null
}
