import { ScissorsLineDashed } from 'lucide-react'
import { memo } from 'react'
import { statsLine, TRUNCATED_NOTE, wasTruncated } from '../lib/format'
import { useDuck, type TaskView } from '../store'
import { retryTask } from '../store/actions/chat'
import { showView } from '../store/actions/ui'
import { ChangesPanel } from './ChangesPanel'
import { ErrorNotice } from './ErrorNotice'
import { Markdown } from './Markdown'
import { StageLine, stageText } from './StageLine'
import { ThinkingPane } from './ThinkingPane'
import { ToolCard } from './ToolCard'

export function UserMessage({ text }: { text: string }) {
  return (
    <div className="message message--user">
      <div className="message__bubble">{text}</div>
    </div>
  )
}

const STATUS_NOTES: Partial<Record<TaskView['status'], string>> = {
  cancelled: 'Stopped.',
  failed: 'This task failed.'
}

/** The assistant's side of a task: tool cards, reasoning, the answer, its state and stats. */
export const AssistantMessage = memo(function AssistantMessage({ task, last }: { task: TaskView; last: boolean }) {
  const thinkingLive = task.live && task.status === 'running' && task.content === '' && task.reasoning !== ''
  // While the thinking pane streams, its own header says "Thinking…".
  const stage = thinkingLive ? null : stageText(task)
  const stats = task.status === 'completed' ? statsLine(task.stats) : null
  const truncated = task.status === 'completed' && wasTruncated(task.stats)
  // What this window did about the task (it says why it stopped) comes before the bare status.
  const note = task.error
    ? undefined
    : task.notice
      ? task.notice
      : task.status === 'cancelled'
        ? STATUS_NOTES.cancelled
        : task.content === ''
          ? STATUS_NOTES[task.status]
          : undefined
  return (
    <div className="message message--assistant" data-task-id={task.task_id} data-status={task.status}>
      {task.tools.length > 0 && (
        <div className="tool-list">
          {task.tools.map((call) => (
            <ToolCard key={call.call_id} call={call} />
          ))}
        </div>
      )}
      {task.changes.length > 0 && task.status !== 'running' && (
        <ChangesPanel taskId={task.task_id} changes={task.changes} />
      )}
      {task.reasoning !== '' && (
        <ThinkingPane
          taskId={task.task_id}
          reasoning={task.reasoning}
          streaming={thinkingLive}
          startedAt={task.think_started}
          endedAt={task.think_ended}
        />
      )}
      {task.content !== '' && <Markdown text={task.content} streaming={task.live && task.status === 'running'} />}
      {note && (
        <p className="message__note" role={task.notice ? 'status' : undefined}>
          {note}
        </p>
      )}
      {task.error && (
        <ErrorNotice
          code={task.error.code}
          message={task.error.message}
          {...(last && task.status !== 'running' ? { onRetry: () => void retryTask(task.task_id) } : {})}
          onSettings={() => showView('settings')}
        />
      )}
      {stage && <StageLine text={stage} spinning={task.status === 'running'} />}
      {truncated && (
        <p className="message__cutoff" role="note">
          <ScissorsLineDashed width={14} height={14} aria-hidden="true" />
          {TRUNCATED_NOTE}
        </p>
      )}
      {stats && <p className="stats-line">{stats}</p>}
    </div>
  )
})

/** One task of a conversation, read from the store by id (only a changed task re-renders). */
export const Turn = memo(function Turn({ taskId, last }: { taskId: string; last: boolean }) {
  const task = useDuck((s) => s.tasks[taskId])
  if (!task) return null
  return (
    <>
      {task.request && <UserMessage text={task.request} />}
      <AssistantMessage task={task} last={last} />
    </>
  )
})
