import { describe, expect, it } from 'vitest'
import type { StreamEvent } from '../../../shared/events'
import { applyEvent, blankTask, fromRecord, taskFromHistory } from './reduce'

const base = { task_id: 'task_1', conversation_id: 'conv_1' }
let seq = 0
const ev = (event: Record<string, unknown>): StreamEvent =>
  ({ ...base, seq: ++seq, ...event }) as unknown as StreamEvent

describe('applyEvent', () => {
  it('builds a task from its stream: stage, tools, reasoning timing, content, stats', () => {
    seq = 0
    const task = blankTask('task_1', 'conv_1', 'hi')
    applyEvent(task, ev({ type: 'runtime_status', stage: 'planning' }), 0)
    expect(task.stage).toBe('planning')
    applyEvent(
      task,
      ev({
        type: 'tool_call_started',
        call_id: 'c1',
        tool: 'file_read',
        args: { path: 'a' },
        reason: 'r',
        risk_level: 'low',
        action_type: 'file_read'
      }),
      1
    )
    expect(task.tools).toHaveLength(1)
    expect(task.tools[0]?.running).toBe(true)
    applyEvent(
      task,
      ev({ type: 'tool_call_finished', call_id: 'c1', tool: 'file_read', ok: true, output: 'x\ny', duration_ms: 5 }),
      2
    )
    expect(task.tools[0]).toMatchObject({ running: false, ok: true, output: 'x\ny', duration_ms: 5 })
    applyEvent(task, ev({ type: 'reasoning_delta', delta: 'think' }), 100)
    applyEvent(task, ev({ type: 'reasoning_delta', delta: 'ing' }), 150)
    applyEvent(task, ev({ type: 'content_delta', delta: 'Hello' }), 4300)
    expect(task).toMatchObject({ reasoning: 'thinking', content: 'Hello', think_started: 100, think_ended: 4300 })
    const stats = {
      output_tokens: 3,
      ttft_ms: 410,
      duration_ms: 900,
      min_tokens_per_second: 21,
      avg_tokens_per_second: 38.2,
      max_tokens_per_second: 44
    }
    applyEvent(task, ev({ type: 'done', status: 'completed', generation_stats: stats }), 5000)
    expect(task).toMatchObject({ status: 'completed', stage: null, stats, gap: false })
  })

  it('ignores events at or below the last seq and marks a gap when one is skipped', () => {
    const task = blankTask('task_1', 'conv_1')
    const at = (n: number, delta: string) => ({ ...base, seq: n, type: 'content_delta', delta }) as StreamEvent
    expect(applyEvent(task, at(1, 'a'), 0)).toBe(true)
    expect(applyEvent(task, at(1, 'a'), 0)).toBe(false)
    expect(applyEvent(task, at(2, 'b'), 0)).toBe(true)
    expect(task.gap).toBe(false)
    expect(applyEvent(task, at(5, 'c'), 0)).toBe(true)
    expect(task).toMatchObject({ content: 'abc', gap: true, last_seq: 5 })
  })

  it('keeps the password sheet through a wrong try and closes it once sudo ran', () => {
    seq = 0
    const task = blankTask('task_1', 'conv_1')
    applyEvent(
      task,
      ev({
        type: 'tool_password_requested',
        approval_id: 'a1',
        tool: 'shell_exec_safe',
        command: 'sudo x',
        attempts_left: 3,
        status: 'waiting_for_password'
      }),
      0
    )
    expect(task.password).toMatchObject({ attempts_left: 3, error: null })
    applyEvent(task, ev({ type: 'runtime_status', stage: 'running_tool', tool: 'shell_exec_safe' }), 0)
    applyEvent(
      task,
      ev({
        type: 'tool_call_finished',
        call_id: 'c',
        tool: 'shell_exec_safe',
        ok: false,
        output: 'Sorry',
        duration_ms: 1
      }),
      0
    )
    applyEvent(
      task,
      ev({
        type: 'tool_password_requested',
        approval_id: 'a1',
        tool: 'shell_exec_safe',
        command: 'sudo x',
        attempts_left: 2,
        error: 'Wrong password — 2 tries left.',
        status: 'waiting_for_password'
      }),
      0
    )
    expect(task.password).toMatchObject({ attempts_left: 2, error: 'Wrong password — 2 tries left.' })
    applyEvent(task, ev({ type: 'runtime_status', stage: 'running_tool', tool: 'shell_exec_safe' }), 0)
    applyEvent(
      task,
      ev({ type: 'tool_call_finished', call_id: 'c', tool: 'shell_exec_safe', ok: true, output: 'ok', duration_ms: 1 }),
      0
    )
    expect(task.password).toBeNull()
  })

  it('clears a pending approval when the task ends otherwise', () => {
    seq = 0
    const task = blankTask('task_1', 'conv_1')
    applyEvent(
      task,
      ev({
        type: 'tool_approval_requested',
        approval_id: 'a',
        tool: 't',
        args: {},
        reason: '',
        risk_level: 'low',
        action_type: 'unknown',
        outside_workspace: [],
        rule_preview: null,
        status: 'waiting_for_approval'
      }),
      0
    )
    expect(task.status).toBe('waiting_for_approval')
    applyEvent(
      task,
      ev({
        type: 'done',
        status: 'cancelled',
        generation_stats: {
          output_tokens: 0,
          ttft_ms: null,
          duration_ms: 0,
          min_tokens_per_second: null,
          avg_tokens_per_second: null,
          max_tokens_per_second: null
        }
      }),
      0
    )
    expect(task).toMatchObject({ status: 'cancelled', approval: null })
  })
})

describe('taskFromHistory', () => {
  it('rebuilds tools and stats from the log and text from the messages', () => {
    const events = [
      {
        seq: 1,
        event_type: 'runtime_status' as const,
        payload: { ...base, seq: 1, stage: 'planning' },
        created_at: ''
      },
      { seq: 2, event_type: 'command_audit' as const, payload: { ...base, seq: 2, command: 'ls' }, created_at: '' },
      {
        seq: 3,
        event_type: 'tool_call_started' as const,
        payload: {
          ...base,
          seq: 3,
          call_id: 'c',
          tool: 'shell_exec_safe',
          args: { command: 'ls' },
          reason: '',
          risk_level: 'none',
          action_type: 'file_read'
        },
        created_at: ''
      },
      {
        seq: 4,
        event_type: 'tool_call_finished' as const,
        payload: {
          ...base,
          seq: 4,
          call_id: 'c',
          tool: 'shell_exec_safe',
          ok: true,
          output: 'a',
          exit_code: 0,
          duration_ms: 3
        },
        created_at: ''
      },
      {
        seq: 9,
        event_type: 'done' as const,
        payload: {
          ...base,
          seq: 9,
          status: 'completed',
          generation_stats: {
            output_tokens: 2,
            ttft_ms: 1,
            duration_ms: 2,
            min_tokens_per_second: 1,
            avg_tokens_per_second: 1,
            max_tokens_per_second: 1
          }
        },
        created_at: ''
      }
    ]
    expect(fromRecord(events[1] as (typeof events)[number])).toBeNull()
    const message = (role: 'user' | 'assistant', content: string) => ({
      message_id: role,
      role,
      content,
      reasoning: role === 'assistant' ? 'r' : '',
      status: 'completed' as const,
      task_id: 'task_1',
      created_at: ''
    })
    const task = taskFromHistory('task_1', 'conv_1', message('user', 'list'), message('assistant', 'Listed.'), events)
    expect(task).toMatchObject({
      request: 'list',
      content: 'Listed.',
      reasoning: 'r',
      status: 'completed',
      gap: false,
      last_seq: 9,
      live: false
    })
    expect(task.tools[0]).toMatchObject({ exit_code: 0, ok: true })
    expect(task.stats?.output_tokens).toBe(2)
  })
})
