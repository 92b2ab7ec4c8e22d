/**
 * Pure event reducer: applies a task's stream events (live or re-read from its log) to its
 * view. Events at or below the last seq seen are ignored; a skipped seq marks a gap.
 */
import type { MessageRecord, TaskEventRecord } from '../../../shared/dto'
import type { StreamEvent } from '../../../shared/events'
import type { TaskView, ToolCallView } from './types'

export function blankTask(task_id: string, conversation_id: string, request = ''): TaskView {
  return {
    task_id,
    conversation_id,
    request,
    content: '',
    reasoning: '',
    status: 'running',
    stage: null,
    stage_tool: null,
    tools: [],
    approval: null,
    password: null,
    error: null,
    stats: null,
    last_seq: 0,
    gap: false,
    think_started: null,
    think_ended: null,
    live: false
  }
}

/** Applies one event to a draft (a shallow copy the caller owns); returns whether it applied. */
export function applyEvent(draft: TaskView, event: StreamEvent, at: number): boolean {
  if (event.seq <= draft.last_seq) return false
  if (draft.last_seq > 0 && event.seq > draft.last_seq + 1) draft.gap = true
  draft.last_seq = event.seq
  switch (event.type) {
    case 'runtime_status':
      draft.stage = event.stage
      draft.stage_tool = event.tool ?? null
      if (event.stage === 'planning' || event.stage === 'running_tool' || event.stage === 'thinking') {
        draft.status = 'running'
        // Past the password: the sheet closes.
        if (event.stage !== 'running_tool') draft.password = null
      }
      break
    case 'reasoning_delta':
      draft.reasoning += event.delta
      if (draft.think_started === null) draft.think_started = at
      break
    case 'content_delta':
      draft.content += event.delta
      if (draft.think_started !== null && draft.think_ended === null) draft.think_ended = at
      break
    case 'tool_call_started': {
      const call: ToolCallView = {
        call_id: event.call_id,
        tool: event.tool,
        args: event.args,
        reason: event.reason,
        risk_level: event.risk_level,
        action_type: event.action_type,
        running: true,
        ok: null,
        output: null,
        exit_code: undefined,
        duration_ms: null
      }
      const index = draft.tools.findIndex((t) => t.call_id === event.call_id)
      draft.tools = index === -1 ? [...draft.tools, call] : draft.tools.map((t, i) => (i === index ? call : t))
      break
    }
    case 'tool_call_finished': {
      const finish = (t: ToolCallView): ToolCallView => ({
        ...t,
        running: false,
        ok: event.ok,
        output: event.output,
        exit_code: event.exit_code,
        duration_ms: event.duration_ms
      })
      const index = draft.tools.findIndex((t) => t.call_id === event.call_id)
      if (index === -1) {
        draft.tools = [
          ...draft.tools,
          finish({
            call_id: event.call_id,
            tool: event.tool,
            args: {},
            reason: '',
            risk_level: 'none',
            action_type: 'unknown',
            running: false,
            ok: null,
            output: null,
            exit_code: undefined,
            duration_ms: null
          })
        ]
      } else {
        draft.tools = draft.tools.map((t, i) => (i === index ? finish(t) : t))
      }
      if (event.ok && draft.password) draft.password = null
      break
    }
    case 'tool_approval_requested':
      draft.status = 'waiting_for_approval'
      draft.password = null
      draft.approval = {
        approval_id: event.approval_id,
        task_id: event.task_id,
        conversation_id: event.conversation_id,
        tool: event.tool,
        args: event.args,
        reason: event.reason,
        risk_level: event.risk_level,
        action_type: event.action_type,
        outside_workspace: event.outside_workspace,
        rule_preview: event.rule_preview ?? null
      }
      break
    case 'tool_password_requested':
      draft.status = 'waiting_for_password'
      draft.approval = null
      draft.password = {
        approval_id: event.approval_id,
        task_id: event.task_id,
        conversation_id: event.conversation_id,
        tool: event.tool,
        command: event.command,
        attempts_left: typeof event.attempts_left === 'number' ? event.attempts_left : null,
        error: event.error ?? null
      }
      break
    case 'error':
      draft.error = { code: event.code, message: event.message }
      break
    case 'done':
      draft.status = event.status
      draft.stage = null
      draft.stage_tool = null
      if (event.status === 'completed') draft.stats = event.generation_stats
      if (draft.think_started !== null && draft.think_ended === null) draft.think_ended = at
      if (event.status !== 'waiting_for_approval') draft.approval = null
      if (event.status !== 'waiting_for_password') draft.password = null
      break
  }
  return true
}

const STREAM_TYPES = new Set<string>([
  'runtime_status',
  'tool_call_started',
  'tool_call_finished',
  'tool_approval_requested',
  'tool_password_requested',
  'error',
  'done'
])

/** A persisted event as a stream event (or null for log-only events like command_audit). */
export function fromRecord(record: TaskEventRecord): StreamEvent | null {
  if (!STREAM_TYPES.has(record.event_type)) return null
  return { ...record.payload, seq: record.seq, type: record.event_type } as unknown as StreamEvent
}

/** Rebuilds a task's view from its messages and its event log (after a reload or a gap). */
export function taskFromHistory(
  taskId: string,
  conversationId: string,
  user: MessageRecord | undefined,
  assistant: MessageRecord | undefined,
  events: TaskEventRecord[]
): TaskView {
  const draft = blankTask(taskId, conversationId, user?.content ?? '')
  const sorted = [...events].sort((a, b) => a.seq - b.seq)
  for (const record of sorted) {
    const event = fromRecord(record)
    if (event) applyEvent(draft, event, 0)
  }
  draft.gap = false
  draft.think_started = null
  draft.think_ended = null
  if (assistant) {
    draft.content = assistant.content
    draft.reasoning = assistant.reasoning
    draft.status = assistant.status
  }
  if (draft.status !== 'waiting_for_approval') draft.approval = null
  if (draft.status !== 'waiting_for_password') draft.password = null
  if (draft.status !== 'running') {
    draft.stage = null
    draft.stage_tool = null
  }
  return draft
}
