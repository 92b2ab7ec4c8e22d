import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DoneEvent, StreamEvent } from '../../shared/events'
import {
  IPC_EVENTS,
  type IpcResult,
  type PasswordSheetNotice,
  type PasswordSheetView,
  type TaskEventMessage
} from '../../shared/ipc'
import { lastPasswordRequest, reactTo, requestFrom, submitted } from './password-sheet-state'
import { scriptSudoTask, startShell, SUDO_PASSWORD, type ShellUnderTest } from './testing/duck'
import { fakeSender, SHEET_URL, type FakeSender } from './testing/fakes'

const base = { task_id: 'task_1', conversation_id: 'conv_1', seq: 1 }
const asked: StreamEvent = {
  ...base,
  type: 'tool_password_requested',
  approval_id: 'appr_1',
  tool: 'shell_exec_safe',
  command: 'sudo apt update',
  attempts_left: 3,
  status: 'waiting_for_password'
}

describe('the password sheet state', () => {
  it('opens on a password request and shows the error of the next one', () => {
    const open = reactTo(null, asked)
    expect(open).toEqual({
      type: 'open',
      request: expect.objectContaining({ taskId: 'task_1', approvalId: 'appr_1', attemptsLeft: 3, error: null })
    })
    const request = submitted(requestFrom(asked as Extract<StreamEvent, { type: 'tool_password_requested' }>))
    const again = reactTo(request, { ...asked, seq: 9, attempts_left: 2, error: 'Wrong password — 2 tries left.' })
    expect(again).toEqual({
      type: 'update',
      request: expect.objectContaining({ attemptsLeft: 2, error: 'Wrong password — 2 tries left.', busy: false })
    })
  })

  it('closes once the task moved on or ended, and ignores other tasks', () => {
    const request = submitted(requestFrom(asked as Extract<StreamEvent, { type: 'tool_password_requested' }>))
    expect(
      reactTo(request, { ...base, type: 'runtime_status', stage: 'running_tool', tool: 'shell_exec_safe' })
    ).toEqual({ type: 'none' })
    expect(reactTo(request, { ...base, type: 'runtime_status', stage: 'thinking' })).toEqual({
      type: 'close',
      outcome: 'submitted'
    })
    const done = (status: DoneEvent['status']): StreamEvent => ({
      ...base,
      type: 'done',
      status,
      generation_stats: {
        output_tokens: 0,
        ttft_ms: null,
        duration_ms: 0,
        min_tokens_per_second: null,
        avg_tokens_per_second: null,
        max_tokens_per_second: null
      }
    })
    expect(reactTo(request, done('completed'))).toEqual({ type: 'close', outcome: 'submitted' })
    expect(reactTo(request, done('cancelled'))).toEqual({ type: 'close', outcome: 'cancelled' })
    expect(reactTo({ ...request, busy: false, submitted: false }, done('failed'))).toEqual({
      type: 'close',
      outcome: 'cancelled'
    })
    expect(reactTo(request, { ...done('completed'), task_id: 'task_other' })).toEqual({ type: 'none' })
  })

  it('finds the last password request in a task log (reopening after a restart)', () => {
    const log = [
      {
        event_type: 'tool_password_requested',
        payload: { approval_id: 'appr_1', tool: 'shell_exec_safe', command: 'sudo ls', attempts_left: 3 }
      },
      {
        event_type: 'tool_password_requested',
        payload: {
          approval_id: 'appr_1',
          tool: 'shell_exec_safe',
          command: 'sudo ls',
          attempts_left: 2,
          error: 'Wrong password — 2 tries left.'
        }
      },
      { event_type: 'done', payload: { status: 'waiting_for_password' } }
    ]
    expect(lastPasswordRequest('task_1', 'conv_1', log)).toMatchObject({
      approvalId: 'appr_1',
      command: 'sudo ls',
      attemptsLeft: 2,
      error: 'Wrong password — 2 tries left.'
    })
    expect(lastPasswordRequest('task_1', 'conv_1', [])).toBeNull()
  })
})

async function until<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 8000): Promise<T> {
  const started = Date.now()
  for (;;) {
    const value = probe()
    if (value) return value
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

const pushed = (sender: FakeSender, channel: string): unknown[] =>
  sender.sent.filter((m) => m.channel === channel).map((m) => m.payload)

describe('the native password sheet over IPC, against a real DuckService and a fake sudo', () => {
  let shell: ShellUnderTest

  beforeAll(async () => {
    shell = await startShell()
  })
  afterAll(async () => {
    await shell.stop()
  })

  /** Runs a sudo task until it waits for the password; the sheet opens for it. */
  async function sudoTaskWaitingForPassword(): Promise<{ taskId: string; sheet: FakeSender }> {
    scriptSudoTask(shell.h)
    const opened = shell.sheetWindows.length
    const first = (await shell.call(
      shell.main,
      'chat.send',
      { message: 'update packages', workspace: shell.h.workspace() },
      'st1'
    )) as IpcResult<DoneEvent>
    if (!first.ok) throw new Error(first.error.message)
    expect(first.value.status).toBe('waiting_for_approval')
    const pending = (await shell.call(shell.main, 'approvals.pending')) as IpcResult<
      { approval_id: string; task_id: string }[]
    >
    const approval = pending.ok ? pending.value.find((a) => a.task_id === first.value.task_id) : undefined
    if (!approval) throw new Error('no approval')
    expect(await shell.call(shell.main, 'approvals.decide', approval.approval_id, 'allow_once')).toMatchObject({
      ok: true
    })
    const cont = (await shell.call(
      shell.main,
      'tasks.continue',
      first.value.task_id,
      { approval_id: approval.approval_id },
      'st2'
    )) as IpcResult<DoneEvent>
    expect(cont).toMatchObject({ ok: true, value: { status: 'waiting_for_password' } })
    expect(shell.sheetWindows.length).toBe(opened + 1)
    const sheet = shell.sheetWindows.at(-1)?.webContents as FakeSender
    return { taskId: first.value.task_id, sheet }
  }

  it('opens on the password request, shows the error of a wrong password, closes after the right one', async () => {
    shell.main.sent.length = 0
    const { taskId, sheet } = await sudoTaskWaitingForPassword()
    const notices = (): PasswordSheetNotice[] => pushed(shell.main, IPC_EVENTS.passwordSheet) as PasswordSheetNotice[]
    expect(notices()).toEqual([expect.objectContaining({ task_id: taskId, open: true })])

    expect(await shell.call(sheet, 'sheet.view')).toEqual({
      ok: true,
      value: { tool: 'shell_exec_safe', command: 'sudo apt update', attempts_left: 3, error: null, busy: false }
    })
    // Only the sheet may answer it: not the main window, not another page claiming the sheet's address.
    expect(await shell.call(shell.main, 'sheet.submit', SUDO_PASSWORD)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' }
    })
    expect(await shell.call(fakeSender(555, SHEET_URL), 'sheet.submit', SUDO_PASSWORD)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' }
    })
    expect(await shell.call(sheet, 'sheet.submit', 42)).toMatchObject({ ok: false, error: { code: 'invalid_input' } })

    expect(await shell.call(sheet, 'sheet.submit', 'wrong password')).toEqual({ ok: true })
    const views = (): PasswordSheetView[] => pushed(sheet, IPC_EVENTS.sheetView) as PasswordSheetView[]
    const wrong = await until('the wrong-password view', () => views().find((v) => v.error !== null))
    expect(wrong).toEqual({
      tool: 'shell_exec_safe',
      command: 'sudo apt update',
      attempts_left: 2,
      error: 'Wrong password — 2 tries left.',
      busy: false
    })
    expect(shell.sheetWindows.at(-1)?.closed).toBe(false)

    expect(await shell.call(sheet, 'sheet.submit', SUDO_PASSWORD)).toEqual({ ok: true })
    await until('the sheet to close', () => shell.sheetWindows.at(-1)?.closed)
    expect(notices().at(-1)).toEqual({
      task_id: taskId,
      approval_id: expect.any(String),
      open: false,
      outcome: 'submitted'
    })

    // The main window follows the continuation as events of a stream it did not start.
    await until('the task to complete', () =>
      (pushed(shell.main, IPC_EVENTS.taskEvent) as TaskEventMessage[]).some(
        (m) => m.stream_id === null && m.event.type === 'done' && m.event.status === 'completed'
      )
    )
    expect(await shell.call(shell.main, 'tasks.get', taskId)).toMatchObject({
      ok: true,
      value: { status: 'completed' }
    })

    // The password went to sudo's stdin only: no window was sent it, nothing logged it.
    for (const text of [
      JSON.stringify(shell.main.sent),
      JSON.stringify(sheet.sent),
      JSON.stringify(shell.errors.map(String))
    ]) {
      expect(text).not.toContain(SUDO_PASSWORD)
      expect(text).not.toContain('wrong password')
    }
  })

  it('cancels the task when the person cancels, or closes the sheet', async () => {
    for (const how of ['cancel button', 'window closed'] as const) {
      shell.main.sent.length = 0
      const { taskId, sheet } = await sudoTaskWaitingForPassword()
      if (how === 'cancel button') expect(await shell.call(sheet, 'sheet.cancel')).toEqual({ ok: true })
      else shell.sheetWindows.at(-1)?.fireClosed()
      expect(shell.sheetWindows.at(-1)?.closed).toBe(true)
      expect(await shell.call(shell.main, 'tasks.get', taskId)).toMatchObject({
        ok: true,
        value: { status: 'cancelled' }
      })
      expect((pushed(shell.main, IPC_EVENTS.passwordSheet) as PasswordSheetNotice[]).at(-1)).toMatchObject({
        open: false,
        outcome: 'cancelled'
      })
      expect(await shell.call(sheet, 'sheet.view')).toMatchObject({ ok: false })
    }
  })

  it('reopens for a task that waits for a password, and refuses one that does not', async () => {
    const { taskId } = await sudoTaskWaitingForPassword()
    const window = shell.sheetWindows.at(-1)
    shell.sheets.openFor(taskId, shell.main)
    expect(window?.focused).toBe(1)
    expect(shell.sheetWindows.at(-1)).toBe(window)
    await shell.call(window?.webContents as FakeSender, 'sheet.cancel')
    expect(() => shell.sheets.openFor(taskId, shell.main)).toThrow(/not waiting for a password/)
  })
})
