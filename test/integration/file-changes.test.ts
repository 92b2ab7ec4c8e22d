/**
 * File tools over the HTTP API: the approval carries the diff, the write happens only after
 * Allow once, each change is a `file_changed` event and a row of the task's changes, and the
 * task can be undone (and the undo undone) — a file changed by someone else since is a
 * conflict, left as it is.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FileChange, PendingApproval, UndoResult } from '../../src/shared/dto'
import { startHarness, type Harness } from '../support/harness'
import { MODELS, directive, hasObservations } from '../support/scripting'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
  h.fake.script(MODELS.thinker, { content: 'Done.' })
})
afterAll(async () => {
  await h.stop()
})

async function json<T>(path: string, init?: RequestInit): Promise<T> {
  return (await (await h.api(path, init)).json()) as T
}

/** One task that proposes `call`, is approved once, and finishes. */
async function approvedTask(workspace: string, call: { tool: string; args: Record<string, unknown> }) {
  h.fake.script(MODELS.action, (body) => ({
    content: hasObservations(body) ? directive([], 'none') : directive([{ ...call, reason: 'asked to' }], 'low')
  }))
  const first = await h.stream('/v1/chat/stream', { message: 'change the file', workspace })
  const taskId = first.events[0]?.data.task_id as string
  const requested = first.events.find((e) => e.event === 'tool_approval_requested')
  const pending = (await json<PendingApproval[]>('/v1/approvals/pending')).find((a) => a.task_id === taskId)
  expect(pending).toBeDefined()
  await h.api(`/v1/approvals/${pending?.approval_id}/allow_once`, { method: 'POST' })
  const cont = await h.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: pending?.approval_id })
  expect(cont.events.at(-1)?.data.status).toBe('completed')
  return { taskId, requested, pending, events: cont.events }
}

it('writes, edits, lists the changes, undoes and redoes a task, and never overwrites a conflict', async () => {
  const workspace = h.workspace()
  const notes = join(workspace, 'notes.md')

  // Task A creates the file: the approval shows the diff, nothing exists before Allow once.
  const a = await approvedTask(workspace, { tool: 'file_write', args: { path: 'notes.md', content: 'one\ntwo\n' } })
  expect(a.requested?.data.preview).toMatchObject({ path: notes, added: 2, removed: 0, created: true })
  expect(a.pending?.preview?.diff).toContain('+two')
  expect(readFileSync(notes, 'utf8')).toBe('one\ntwo\n')
  expect(a.events.find((e) => e.event === 'file_changed')?.data).toMatchObject({ path: notes, kind: 'created' })

  // Task B edits it.
  const b = await approvedTask(workspace, {
    tool: 'file_edit',
    args: { path: 'notes.md', edits: [{ old_text: 'two', new_text: 'TWO' }] }
  })
  expect(readFileSync(notes, 'utf8')).toBe('one\nTWO\n')
  const changes = await json<FileChange[]>(`/v1/tasks/${b.taskId}/changes`)
  expect(changes).toHaveLength(1)
  expect(changes[0]).toMatchObject({ path: notes, kind: 'modified', added: 1, removed: 1, undone: false })
  expect(changes[0]?.diff).toContain('-two')

  // Undo B, then undo the undo.
  const undo = await json<UndoResult>(`/v1/tasks/${b.taskId}/undo`, { method: 'POST' })
  expect(undo).toMatchObject({ action: 'undo', restored: [notes], conflicts: [] })
  expect(readFileSync(notes, 'utf8')).toBe('one\ntwo\n')
  expect((await json<FileChange[]>(`/v1/tasks/${b.taskId}/changes`))[0]?.undone).toBe(true)
  const redo = await json<UndoResult>(`/v1/tasks/${b.taskId}/undo`, { method: 'POST' })
  expect(redo).toMatchObject({ action: 'redo', restored: [notes], conflicts: [] })
  expect(readFileSync(notes, 'utf8')).toBe('one\nTWO\n')

  // Someone else changes the file: undo leaves it alone and says so.
  writeFileSync(notes, 'hand edited\n')
  const conflict = await json<UndoResult>(`/v1/tasks/${b.taskId}/undo`, { method: 'POST' })
  expect(conflict.restored).toEqual([])
  expect(conflict.conflicts).toEqual([{ path: notes, reason: expect.stringMatching(/changed since this task/) }])
  expect(readFileSync(notes, 'utf8')).toBe('hand edited\n')

  // Undoing the task that created a file removes it, when it is as the task left it.
  writeFileSync(notes, 'one\ntwo\n')
  const removed = await json<UndoResult>(`/v1/tasks/${a.taskId}/undo`, { method: 'POST' })
  expect(removed).toMatchObject({ restored: [notes], conflicts: [] })
  expect(existsSync(notes)).toBe(false)

  // Every file change, and every undo, is an audit row.
  const audit = await json<{ payload: Record<string, unknown> }[]>('/v1/audit/commands')
  const rows = audit.map((r) => r.payload).filter((p) => p.task_id === a.taskId || p.task_id === b.taskId)
  expect(rows).toContainEqual(
    expect.objectContaining({
      tool: 'file_write',
      command: 'notes.md',
      bytes: 8,
      decision: 'allowed_once',
      task_id: a.taskId
    })
  )
  expect(rows).toContainEqual(
    expect.objectContaining({
      tool: 'file_edit',
      command: 'notes.md',
      bytes: 8,
      decision: 'allowed_once',
      task_id: b.taskId
    })
  )
  expect(rows.filter((p) => p.tool === 'task_undo' && p.task_id === b.taskId)).toHaveLength(2)
  expect(rows).toContainEqual(
    expect.objectContaining({ tool: 'task_redo', task_id: b.taskId, command: expect.stringMatching(/1 restored/) })
  )
})

it('refuses an undo with nothing to undo, and an unknown task', async () => {
  h.fake.script(MODELS.action, { content: directive([], 'none') })
  const plain = await h.stream('/v1/chat/stream', { message: 'hi', workspace: h.workspace() })
  const taskId = plain.events[0]?.data.task_id as string
  const none = await h.api(`/v1/tasks/${taskId}/undo`, { method: 'POST' })
  expect(none.status).toBe(409)
  expect(await none.json()).toMatchObject({
    error: { code: 'conflict', message: expect.stringMatching(/changed no files/) }
  })
  expect((await h.api('/v1/tasks/task_missing/undo', { method: 'POST' })).status).toBe(404)
})

it('the kept copies stay under their bound: the oldest task stops being undoable, and says why', async () => {
  const small = await startHarness({ changeStoreMaxBytes: 3000 })
  small.fake.script(MODELS.thinker, { content: 'Done.' })
  try {
    const workspace = small.workspace()
    const write = async (name: string) => {
      small.fake.script(MODELS.action, (body) => ({
        content: hasObservations(body)
          ? directive([], 'none')
          : directive(
              [{ tool: 'file_write', args: { path: name, content: 'x'.repeat(1000) + '\n' }, reason: 'asked' }],
              'low'
            )
      }))
      const first = await small.stream('/v1/chat/stream', { message: 'write', workspace })
      const taskId = first.events[0]?.data.task_id as string
      const pending = ((await (await small.api('/v1/approvals/pending')).json()) as PendingApproval[]).find(
        (a) => a.task_id === taskId
      )
      await small.api(`/v1/approvals/${pending?.approval_id}/allow_once`, { method: 'POST' })
      await small.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: pending?.approval_id })
      return taskId
    }
    const first = await write('one.txt')
    const second = await write('two.txt')
    const third = await write('three.txt')
    const changesOf = async (taskId: string) =>
      (await (await small.api(`/v1/tasks/${taskId}/changes`)).json()) as FileChange[]
    expect((await changesOf(first))[0]).toMatchObject({
      undoable: false,
      not_undoable_reason: expect.stringMatching(/removed to keep the change store under/)
    })
    expect((await changesOf(second))[0]?.undoable).toBe(true)
    expect((await changesOf(third))[0]?.undoable).toBe(true)
    const undo = (await (await small.api(`/v1/tasks/${first}/undo`, { method: 'POST' })).json()) as UndoResult
    expect(undo.restored).toEqual([])
    expect(undo.not_undoable?.[0]?.reason).toMatch(/change store/)
    expect(existsSync(join(workspace, 'one.txt'))).toBe(true)
  } finally {
    await small.stop()
  }
})
