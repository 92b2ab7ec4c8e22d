/**
 * A finished task, told briefly: what the memory policy and the critic read. Bounded, and
 * built only from what the task's log already holds (a sudo password is never there).
 */
import type { Observation } from '../agent/prompts'
import type { TaskOptions, TaskState } from '../agent/state'
import * as conversations from '../store/conversations-repo'
import type { Db } from '../store/database'
import * as tasks from '../store/tasks-repo'

const REQUEST_CHARS = 4000
const ANSWER_CHARS = 4000
const OUTPUT_CHARS = 600
const ACTIONS = 12

export interface TaskDigest {
  taskId: string
  conversationId: string
  workspace: string
  request: string
  answer: string
  actions: Observation[]
}

/** The digest of a completed task; null when the task is gone or did not complete. */
export function loadTaskDigest(db: Db, taskId: string): TaskDigest | null {
  const task = tasks.getTask<TaskState, TaskOptions>(db, taskId)
  if (!task || task.status !== 'completed') return null
  const answer = conversations.getMessage(db, task.state.assistantMessageId)?.content ?? ''
  return {
    taskId,
    conversationId: task.conversationId,
    workspace: task.workspace,
    request: task.request,
    answer,
    actions: task.state.observations
  }
}

function bounded(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… [${text.length - max} more characters]` : text
}

/** The task as one user message. */
export function describeTask(digest: TaskDigest): string {
  const actions = digest.actions.slice(0, ACTIONS).map((a) => {
    const status = a.skipped ? `not run (${a.skipped})` : a.ok ? 'ok' : 'failed'
    const output = bounded(a.output.trim(), OUTPUT_CHARS).replace(/\n/g, '\n    ')
    return `- ${a.tool} ${JSON.stringify(a.args)} → ${status}${output ? `\n    ${output}` : ''}`
  })
  if (digest.actions.length > ACTIONS) actions.push(`- … and ${digest.actions.length - ACTIONS} more`)
  return [
    `Workspace: ${digest.workspace}`,
    '',
    'Request:',
    bounded(digest.request.trim(), REQUEST_CHARS),
    '',
    'Actions taken:',
    actions.length > 0 ? actions.join('\n') : '(none)',
    '',
    'Answer given:',
    bounded(digest.answer.trim(), ANSWER_CHARS) || '(empty)'
  ].join('\n')
}
