import { errorMessage } from '../../lib/format'
import { duck } from '../api'
import { NEW_CHAT, useDuck } from '..'
import { refreshConversations } from './conversations'
import { patchTask, runStream } from './stream'
import { effectiveReasoning } from './ui'

/** Sends the composer's text: a new task in the open conversation (or a new one). */
export async function sendMessage(text: string): Promise<void> {
  const message = text.trim()
  if (!message) return
  const s = useDuck.getState()
  const conversationId = s.activeConversationId
  const key = conversationId ?? NEW_CHAT
  const workspace = conversationId ? (s.threads[conversationId]?.workspace ?? s.workspace) : s.workspace
  if (!workspace) {
    useDuck.setState((st) => ({
      sending: {
        ...st.sending,
        [key]: { request: message, workspace, error: 'Choose a workspace folder first (top bar).' }
      }
    }))
    return
  }
  useDuck.setState((st) => ({
    sending: { ...st.sending, [key]: { request: message, workspace, error: null } },
    drafts: { ...st.drafts, [key]: '' }
  }))
  await runStream(
    (onEvent) =>
      duck().chat.send(
        {
          message,
          workspace,
          reasoning: effectiveReasoning(),
          ...(conversationId ? { conversation_id: conversationId } : {})
        },
        onEvent
      ),
    { origin: { request: message, workspace, sendKey: key } }
  )
}

/** Sends a request that failed to start again (its text is also back in the composer). */
export async function retrySend(key: string): Promise<void> {
  const pending = useDuck.getState().sending[key]
  if (!pending) return
  await sendMessage(pending.request)
}

/** Sends a failed task's request again, as a new task in the same conversation. */
export async function retryTask(taskId: string): Promise<void> {
  const task = useDuck.getState().tasks[taskId]
  if (!task) return
  useDuck.setState({ activeConversationId: task.conversation_id })
  await sendMessage(task.request)
}

/**
 * Stop, and Cancel on the password sheet: cancels the task on the server. A task streaming here
 * ends with its stream's cancelled done; one waiting for a person is marked at once. A failure
 * shows where the person asked: on the password sheet, or in the message.
 */
export async function cancelTask(taskId: string): Promise<void> {
  try {
    const result = await duck().tasks.cancel(taskId)
    const task = useDuck.getState().tasks[taskId]
    if (task && !task.live) {
      patchTask(taskId, { status: result.status, approval: null, password: null, stage: null })
      // No stream ends to refresh the sidebar (its "Waiting" badge): do it here.
      void refreshConversations()
    }
  } catch (error) {
    const message = `Could not stop the task: ${errorMessage(error)}`
    patchTask(taskId, (t) =>
      t.password && t.status === 'waiting_for_password'
        ? { password: { ...t.password, error: message } }
        : { error: { code: 'cancel_failed', message } }
    )
  }
}
