import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DoneEvent, StreamEvent } from '../../shared/events'
import {
  IPC_EVENTS,
  type IpcResult,
  type PasswordSheetNotice,
  type PasswordSheetView,
  type TaskEventMessage
} from '../../shared/ipc'
import type { StreamListener } from '../core/agent/emitter'
import { PasswordSheetController, type PasswordSheetDeps, type SheetWindowLike } from './password-sheet'
import { lastPasswordRequest, outdates, reactTo, requestFrom, submitted } from './password-sheet-state'
import { createTaskStreams, type TaskObserver } from './task-streams'
import { scriptSudoTask, startShell, SUDO_PASSWORD, type ShellUnderTest } from './testing/duck'
import { fakeSender, MAIN_URL, QUICK_ASK_URL, SHEET_URL, type FakeSender } from './testing/fakes'

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

const done = (status: DoneEvent['status'], taskId = 'task_1'): StreamEvent => ({
  ...base,
  task_id: taskId,
  type: 'done',
  status,
  generation_stats: {
    output_tokens: 0,
    ttft_ms: null,
    duration_ms: 0,
    truncated: false,
    min_tokens_per_second: null,
    avg_tokens_per_second: null,
    max_tokens_per_second: null
  }
})
const askedFor = (taskId: string, approvalId = `appr_${taskId}`): StreamEvent => ({
  ...asked,
  task_id: taskId,
  approval_id: approvalId
})

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
    expect(reactTo(request, done('completed'))).toEqual({ type: 'close', outcome: 'submitted' })
    expect(reactTo(request, done('cancelled'))).toEqual({ type: 'close', outcome: 'cancelled' })
    expect(reactTo({ ...request, busy: false, submitted: false }, done('failed'))).toEqual({
      type: 'close',
      outcome: 'cancelled'
    })
    expect(reactTo(request, { ...done('completed'), task_id: 'task_other' })).toEqual({ type: 'none' })
  })

  it('outdates a queued request once its task ended or asked again under another approval', () => {
    const queued = requestFrom(asked as Extract<StreamEvent, { type: 'tool_password_requested' }>)
    for (const status of ['completed', 'failed', 'cancelled'] as const)
      expect(outdates(queued, done(status))).toBe(true)
    expect(outdates(queued, done('waiting_for_password'))).toBe(false)
    expect(outdates(queued, askedFor('task_1', 'appr_2'))).toBe(true)
    expect(outdates(queued, askedFor('task_1', 'appr_1'))).toBe(false)
    expect(outdates(queued, done('completed', 'task_other'))).toBe(false)
    expect(outdates(queued, { ...base, type: 'runtime_status', stage: 'thinking' })).toBe(false)
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

describe('the password sheet controller, with fake windows and a fake service', () => {
  function setup() {
    const main = fakeSender(1, MAIN_URL)
    const quickAsk = fakeSender(2, QUICK_ASK_URL)
    const windows: (SheetWindowLike & { webContents: FakeSender; closed: boolean })[] = []
    const continuations: { taskId: unknown; listener: StreamListener }[] = []
    const cancelled: unknown[] = []
    const service = {
      checkStreamable: () => undefined,
      submitPassword: (taskId: unknown, _input: unknown, listener: StreamListener) => {
        continuations.push({ taskId, listener })
        return new Promise(() => undefined)
      },
      cancelTask: (taskId: unknown) => void cancelled.push(taskId),
      getTask: () => {
        throw new Error('not used')
      },
      taskEvents: () => []
    } as unknown as PasswordSheetDeps['service']
    const observers: TaskObserver[] = []
    const sheets = new PasswordSheetController({
      service,
      streams: createTaskStreams(observers, () => undefined),
      log: () => undefined,
      fallbackOwner: () => main,
      openWindow: () => {
        let onClosed = (): void => undefined
        const win = {
          webContents: fakeSender(100 + windows.length, SHEET_URL),
          closed: false,
          isDestroyed: () => win.closed,
          close: () => {
            if (win.closed) return
            win.closed = true
            win.webContents.destroyed = true
            onClosed()
          },
          focus: () => undefined,
          on: (_event: 'closed', listener: () => void) => void (onClosed = listener)
        }
        windows.push(win)
        return win
      }
    })
    observers.push(sheets.observe)
    return { sheets, main, quickAsk, windows, continuations, cancelled }
  }

  it('drops queued requests whose task ended or asked again, and opens the rest in turn', () => {
    const { sheets, main, windows } = setup()
    sheets.observe(askedFor('task_1'), main)
    for (const task of ['task_2', 'task_3', 'task_4']) sheets.observe(askedFor(task), main)
    expect(windows).toHaveLength(1)

    sheets.observe(done('failed', 'task_2'), main)
    sheets.observe(done('cancelled', 'task_4'), main)
    sheets.observe(done('waiting_for_password', 'task_3'), main)
    sheets.observe(askedFor('task_3', 'appr_newer'), main)

    const opened: (string | undefined)[] = [sheets.current?.taskId]
    for (;;) {
      const win = windows.at(-1)
      if (!win || win.closed) break
      sheets.cancel(win.webContents.id)
      opened.push(sheets.current?.approvalId)
    }
    expect(opened).toEqual(['task_1', 'appr_newer', undefined])
    expect(windows).toHaveLength(2)
  })

  it('tells the main window too when another page owned the task, and streams the continuation to both', () => {
    const { sheets, main, quickAsk, windows, continuations } = setup()
    sheets.observe(askedFor('task_1'), quickAsk)
    const notices = (sender: FakeSender): unknown[] => pushed(sender, IPC_EVENTS.passwordSheet)
    const open = { task_id: 'task_1', approval_id: 'appr_task_1', open: true }
    expect(notices(quickAsk)).toEqual([open])
    expect(notices(main)).toEqual([open])

    sheets.submit(windows[0]?.webContents.id ?? -1, SUDO_PASSWORD)
    expect(continuations.map((c) => c.taskId)).toEqual(['task_1'])
    const thinking: StreamEvent = { ...base, seq: 5, type: 'runtime_status', stage: 'thinking' }
    continuations[0]?.listener(thinking)
    for (const sender of [quickAsk, main]) {
      expect(pushed(sender, IPC_EVENTS.taskEvent)).toEqual([{ stream_id: null, event: thinking }])
      expect(notices(sender).at(-1)).toEqual({ ...open, open: false, outcome: 'submitted' })
    }
    expect(windows[0]?.closed).toBe(true)

    // Once the owner is gone, the main window is told once, not twice.
    quickAsk.destroyed = true
    main.sent.length = 0
    sheets.observe(askedFor('task_2'), quickAsk)
    expect(notices(main)).toEqual([{ task_id: 'task_2', approval_id: 'appr_task_2', open: true }])
    sheets.submit(windows[1]?.webContents.id ?? -1, SUDO_PASSWORD)
    continuations[1]?.listener({ ...thinking, task_id: 'task_2' })
    expect(pushed(main, IPC_EVENTS.taskEvent)).toHaveLength(1)
    expect(notices(main)).toHaveLength(2)
  })
})
