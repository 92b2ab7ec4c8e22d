import { describe, expect, it } from 'vitest'
import type { TaskEventRecord } from '../../../shared/dto'
import type { StreamEvent } from '../../../shared/events'
import { applyEvent, blankTask, fromRecord, resumeLive, taskFromHistory } from './reduce'

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

describe('seq gaps', () => {
  const stats = {
    output_tokens: 1,
    ttft_ms: 1,
    duration_ms: 1,
    min_tokens_per_second: 1,
    avg_tokens_per_second: 1,
    max_tokens_per_second: 1
  }
  const audit = (decision: string, exit_code: number | null) => ({
    type: 'command_audit',
    audit_id: 'aud_1',
    command: 'touch a.txt',
    risk_level: 'medium',
    action_type: 'file_write',
    approved: decision !== 'pending',
    decision,
    exit_code,
    workspace: '/w'
  })

  it('a shell task whose stream carries command_audit events has no gap', () => {
    seq = 0
    const task = blankTask('task_1', 'conv_1', 'touch a')
    // The first stream: proposed, audited, paused for approval.
    const first = [
      ev({ type: 'runtime_status', stage: 'planning' }),
      ev(audit('pending', null)),
      ev({
        type: 'tool_approval_requested',
        approval_id: 'appr_1',
        tool: 'shell_exec_safe',
        args: { command: 'touch a.txt' },
        reason: '',
        risk_level: 'medium',
        action_type: 'file_write',
        outside_workspace: [],
        rule_preview: null,
        status: 'waiting_for_approval'
      }),
      ev({ type: 'runtime_status', stage: 'waiting_for_approval' }),
      ev({ type: 'done', status: 'waiting_for_approval', generation_stats: stats })
    ]
    // The continue stream: the decision and the exit code are audited, then the answer.
    const second = [
      ev(audit('allowed_once', null)),
      ev({
        type: 'tool_call_started',
        call_id: 'c1',
        tool: 'shell_exec_safe',
        args: { command: 'touch a.txt' },
        reason: '',
        risk_level: 'medium',
        action_type: 'file_write'
      }),
      ev({ type: 'tool_call_finished', call_id: 'c1', tool: 'shell_exec_safe', ok: true, output: '', duration_ms: 2 }),
      ev(audit('allowed_once', 0)),
      ev({ type: 'runtime_status', stage: 'thinking' }),
      ev({ type: 'content_delta', delta: 'Made a.txt.' }),
      ev({ type: 'done', status: 'completed', generation_stats: stats })
    ]
    for (const event of first) expect(applyEvent(task, event, 0)).toBe(true)
    expect(task).toMatchObject({ status: 'waiting_for_approval', gap: false })
    for (const event of second) expect(applyEvent(task, event, 0)).toBe(true)
    expect(task).toMatchObject({ status: 'completed', content: 'Made a.txt.', gap: false, last_seq: seq })
    expect(task.tools).toHaveLength(1)
  })

  it('a task first seen past seq 1 (a stream attached after a reload) has a gap', () => {
    const task = blankTask('task_1', 'conv_1')
    applyEvent(task, { ...base, seq: 14, type: 'content_delta', delta: 'later' } as StreamEvent, 0)
    expect(task).toMatchObject({ gap: true, last_seq: 14, content: 'later' })
    const fresh = blankTask('task_2', 'conv_1')
    applyEvent(fresh, { ...base, seq: 1, type: 'runtime_status', stage: 'planning' } as StreamEvent, 0)
    expect(fresh.gap).toBe(false)
  })

  it('rebuilds from history, then replays the live events with a higher seq (deltas always)', () => {
    const record = (n: number, event_type: string, payload: Record<string, unknown>) =>
      ({ seq: n, event_type, payload: { ...base, seq: n, ...payload }, created_at: '' }) as TaskEventRecord
    const history = [
      record(1, 'runtime_status', { stage: 'planning' }),
      record(2, 'tool_call_started', {
        call_id: 'c1',
        tool: 'file_read',
        args: { path: 'a' },
        reason: '',
        risk_level: 'none',
        action_type: 'file_read'
      }),
      record(3, 'tool_call_finished', { call_id: 'c1', tool: 'file_read', ok: true, output: 'x', duration_ms: 1 }),
      record(4, 'runtime_status', { stage: 'thinking' }),
      record(5, 'command_audit', { command: 'ls' })
    ]
    const user = {
      message_id: 'm1',
      role: 'user' as const,
      content: 'read a',
      reasoning: '',
      status: 'completed' as const,
      task_id: 'task_1',
      created_at: ''
    }
    const assistant = { ...user, message_id: 'm2', role: 'assistant' as const, content: '', status: 'running' as const }
    const rebuilt = taskFromHistory('task_1', 'conv_1', user, assistant, history)
    expect(rebuilt.last_seq).toBe(5)
    const at = (n: number, event: Record<string, unknown>) => ({
      event: { ...base, seq: n, ...event } as StreamEvent,
      at: n
    })
    const live = [
      at(4, { type: 'runtime_status', stage: 'thinking' }),
      at(6, { type: 'content_delta', delta: 'It says ' }),
      at(7, { type: 'content_delta', delta: 'x.' })
    ]
    const task = resumeLive(rebuilt, live)
    expect(task).toMatchObject({
      request: 'read a',
      content: 'It says x.',
      status: 'running',
      live: true,
      last_seq: 7,
      gap: true
    })
    expect(task.tools).toHaveLength(1)
    // A history that already ended the task is the whole story.
    const ended = taskFromHistory(
      'task_1',
      'conv_1',
      user,
      { ...assistant, content: 'It says x.', status: 'completed' },
      history
    )
    expect(resumeLive(ended, live)).toMatchObject({ content: 'It says x.', status: 'completed', live: true })
  })
})
