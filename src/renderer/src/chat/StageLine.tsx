import { Hourglass } from 'lucide-react'
import type { TaskView } from '../store'
import { Spinner } from '../ui/Spinner'

/** The one-line "what is Duck doing" under the last message; null when nothing is happening. */
export function stageText(task: Pick<TaskView, 'status' | 'stage' | 'stage_tool' | 'content' | 'live'>): string | null {
  if (task.status === 'waiting_for_approval') return 'Waiting for your approval'
  if (task.status === 'waiting_for_password') return 'Waiting for the administrator password'
  if (task.status !== 'running') return null
  switch (task.stage) {
    case 'planning':
      return 'Planning…'
    case 'running_tool':
      return task.stage_tool ? `Running \`${task.stage_tool}\`…` : 'Running a tool…'
    case 'thinking':
      return task.content ? 'Writing…' : 'Thinking…'
    case 'waiting_for_approval':
      return 'Waiting for your approval'
    case 'waiting_for_password':
      return 'Waiting for the administrator password'
    default:
      return task.live ? 'Starting…' : 'Working…'
  }
}

export function StageLine({ text, spinning = true }: { text: string; spinning?: boolean }) {
  const parts = text.split('`')
  return (
    <div className="stage-line" data-testid="stage-line">
      {spinning ? <Spinner /> : <Hourglass width={14} height={14} aria-hidden="true" />}
      <span>{parts.map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : <span key={i}>{part}</span>))}</span>
    </div>
  )
}
