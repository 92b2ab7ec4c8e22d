/**
 * Pure event reducer: applies a task's stream events (live or re-read from its log) to its
 * view. Events at or below the last seq seen are ignored; a skipped seq marks a gap. Every
 * event consumes its seq, including those the window does not show (command_audit).
 */
import type { MessageRecord, TaskEventRecord } from '../../../shared/dto'
import type { DuckEvent, StreamEvent } from '../../../shared/events'
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
    changes: [],
    approval: null,
    password: null,
    error: null,
    notice: null,
    stats: null,
    last_seq: 0,
    gap: false,
    think_started: null,
    think_ended: null,
    live: false
  }
}

/**
 * Applies one event to a draft (a shallow copy the caller owns); returns whether it applied.
 * A task first seen past seq 1 (a stream attached mid-way, e.g. after a reload) has a gap too.
 */
export function applyEvent(draft: TaskView, event: DuckEvent, at: number): boolean {
  if (event.seq <= draft.last_seq) return false
  if (event.seq > draft.last_seq + 1) draft.gap = true
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
        ...(event.sandbox ? { sandbox: event.sandbox } : {}),
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
        rule_preview: event.rule_preview ?? null,
        ...(event.rule_preview_arguments ? { rule_preview_arguments: event.rule_preview_arguments } : {}),
        ...(event.preview ? { preview: event.preview } : {}),
        ...(event.command_preview ? { command_preview: event.command_preview } : {})
      }
      break
    case 'file_changed':
      if (!draft.changes.some((c) => c.change_id === event.change_id)) {
        draft.changes = [
          ...draft.changes,
          {
            change_id: event.change_id,
            path: event.path,
            kind: event.kind,
            ...(event.entry ? { entry: event.entry } : {}),
            ...(event.undoable === false ? { undoable: false } : {}),
            added: event.added,
            removed: event.removed
          }
        ]
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
  'file_changed',
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
  // Log-only events (command_audit, post-task) still took their seq: live events at or below it are old.
  draft.last_seq = Math.max(draft.last_seq, sorted[sorted.length - 1]?.seq ?? 0)
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

/** A live event as the pump applied it: the event and performance.now() when it arrived. */
export interface LiveEntry {
  event: DuckEvent
  at: number
}

/**
 * A task with a gap whose stream is still attached, rebuilt from its history (`rebuilt`) and
 * then brought up to date with the live events received since the gap (`live`, in order).
 * Persisted events apply only past the history's last seq; deltas always do, because the log
 * never holds them and the answer saved in history is the one of the previous stream. The gap
 * stays marked: text streamed before the window attached is only known once the task is re-read
 * after its done.
 */
export function resumeLive(rebuilt: TaskView, live: LiveEntry[]): TaskView {
  const draft: TaskView = { ...rebuilt, live: true, gap: true }
  // An ended task gets no new stream: history that ended it is complete, whatever is in flight.
  const ended = rebuilt.status === 'completed' || rebuilt.status === 'failed' || rebuilt.status === 'cancelled'
  if (live.length === 0 || ended) return draft
  if (!live.some((entry) => entry.event.type === 'done')) {
    // A stream is attached and has not ended: the task runs, past any earlier wait.
    draft.status = 'running'
    draft.approval = null
    draft.password = null
  }
  let last = rebuilt.last_seq
  for (const { event, at } of live) {
    last = Math.max(last, event.seq)
    const delta = event.type === 'content_delta' || event.type === 'reasoning_delta'
    if (!delta && event.seq <= rebuilt.last_seq) continue
    draft.last_seq = event.seq - 1
    applyEvent(draft, event, at)
  }
  draft.last_seq = last
  draft.gap = true
  return draft
}
