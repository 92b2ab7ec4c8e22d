import type { ConversationDetail, MessageRecord, TaskEventRecord } from '../../../../shared/dto'
import { errorMessage } from '../../lib/format'
import { duck, hasApi } from '../api'
import { forgetLive, liveSinceGap } from '../pump'
import { resumeLive, taskFromHistory } from '../reduce'
import { useDuck, type TaskView, type ThreadItem, type ThreadView } from '..'
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

/**
 * Reads a conversation and its tasks' logs. Tasks streaming in this window keep their live
 * state, except one whose stream arrived past a gap: it is rebuilt from history, then the live
 * events since the gap are replayed over it.
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
    detail = await duck().conversations.get(conversationId)
  } catch (error) {
    useDuck.setState((s) => {
      const thread = s.threads[conversationId]
      if (!thread) return {}
      return { threads: { ...s.threads, [conversationId]: { ...thread, status: 'error', error: errorMessage(error) } } }
    })
    return
  }
  const byTask = new Map<string, { user?: MessageRecord; assistant?: MessageRecord }>()
  const items: ThreadItem[] = []
  for (const message of detail.messages) {
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
  const live = useDuck.getState().tasks
  const rebuilt = await Promise.all(
    [...byTask].map(async ([taskId, entry]): Promise<TaskView | null> => {
      if (live[taskId]?.live && !live[taskId]?.gap) return null
      let events: TaskEventRecord[] = []
      try {
        events = await duck().tasks.events(taskId)
      } catch {
        // the messages alone still show the conversation
      }
      return taskFromHistory(taskId, conversationId, entry.user, entry.assistant, events)
    })
  )
  useDuck.setState((s) => {
    const tasks = { ...s.tasks }
    for (const task of rebuilt) {
      if (!task) continue
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
    // Tasks this window started that the server has not listed yet stay at the end.
    const extra = (s.threads[conversationId]?.items ?? []).filter(
      (item) => item.kind === 'task' && !byTask.has(item.task_id) && s.tasks[item.task_id]?.live
    )
    const thread: ThreadView = {
      conversation_id: conversationId,
      title: detail.title,
      workspace: detail.workspace,
      items: [...items, ...extra],
      status: 'ready',
      error: null
    }
    return { tasks, threads: { ...s.threads, [conversationId]: thread } }
  })
  watchRunning(conversationId)
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
