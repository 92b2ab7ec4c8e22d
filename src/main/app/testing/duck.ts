/**
 * The shell's IPC tables wired to a real DuckService (temp database, fake model server) through
 * a fake ipcMain — everything main.ts does for IPC, minus Electron.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { invokeChannel, type InvokeMethod } from '../../../shared/ipc'
import { directive, fakeSudo, MODELS, startHarness, type Harness } from '../../../../test/support/harness'
import { registerHandlers, type CallContext } from '../ipc'
import { createApiHandlers } from '../ipc-api'
import { createSheetHandlers } from '../ipc-desktop'
import { PasswordSheetController, type SheetWindowLike } from '../password-sheet'
import { createTaskStreams } from '../task-streams'
import {
  eventFrom,
  fakeIpcMain,
  fakePolicy,
  fakeSender,
  MAIN_URL,
  QUICK_ASK_URL,
  SHEET_URL,
  type FakeSender
} from './fakes'

export const SUDO_PASSWORD = 'correct horse 42'

export interface FakeSheetWindow extends SheetWindowLike {
  readonly webContents: FakeSender
  closed: boolean
  focused: number
  fireClosed(): void
}

export interface ShellUnderTest {
  h: Harness
  main: FakeSender
  quickAsk: FakeSender
  sheets: PasswordSheetController
  /** Sheet windows the controller opened, newest last. */
  sheetWindows: FakeSheetWindow[]
  paused: { value: boolean }
  errors: unknown[]
  call(sender: FakeSender, method: InvokeMethod, ...args: unknown[]): Promise<unknown>
  stop(): Promise<void>
}

export async function startShell(): Promise<ShellUnderTest> {
  const sudoDir = mkdtempSync(join(tmpdir(), 'duck-shell-sudo-'))
  const h = await startHarness({ tools: { sudoPath: fakeSudo(sudoDir, SUDO_PASSWORD) } })
  const ipcMain = fakeIpcMain()
  const main = fakeSender(1, MAIN_URL)
  const quickAsk = fakeSender(2, QUICK_ASK_URL)
  const kinds: Record<number, 'main' | 'quick-ask' | 'password-sheet'> = { 1: 'main', 2: 'quick-ask' }
  const policy = fakePolicy(kinds)
  const errors: unknown[] = []
  const log = (_message: string, error: unknown): void => void errors.push(error)
  const sheetWindows: FakeSheetWindow[] = []
  const paused = { value: false }
  let nextId = 100

  const observers: ((...args: Parameters<PasswordSheetController['observe']>) => void)[] = []
  const streams = createTaskStreams(observers, log)
  const sheets = new PasswordSheetController({
    service: h.duck,
    streams,
    log,
    fallbackOwner: () => main,
    openWindow: () => {
      const contents = fakeSender(nextId++, SHEET_URL)
      kinds[contents.id] = 'password-sheet'
      let onClosed = (): void => undefined
      const win: FakeSheetWindow = {
        webContents: contents,
        closed: false,
        focused: 0,
        isDestroyed: () => win.closed,
        close: () => win.fireClosed(),
        focus: () => void win.focused++,
        on: (_event, listener) => void (onClosed = listener),
        fireClosed: () => {
          if (win.closed) return
          win.closed = true
          contents.destroyed = true
          onClosed()
        }
      }
      sheetWindows.push(win)
      return win
    }
  })
  observers.push(sheets.observe)

  registerHandlers(
    ipcMain,
    createApiHandlers({
      service: h.duck,
      streamTo: (ctx, streamId) => streams.listener(ctx.sender, streamId),
      passwordSheet: true,
      mayStartTask: (ctx: CallContext) => {
        if (ctx.page === 'quick-ask' && paused.value) throw new Error('paused')
      }
    }),
    { pages: ['main', 'quick-ask'], policy, log }
  )
  registerHandlers(ipcMain, createSheetHandlers(sheets), { pages: ['password-sheet'], policy, log })

  return {
    h,
    main,
    quickAsk,
    sheets,
    sheetWindows,
    paused,
    errors,
    call: (sender, method, ...args) => ipcMain.call(invokeChannel(method), eventFrom(sender), ...args),
    stop: async () => {
      await h.stop()
      rmSync(sudoDir, { recursive: true, force: true })
    }
  }
}

/** Scripts the planner to run `sudo apt update` once, then answer. */
export function scriptSudoTask(h: Harness, answer = 'Updated.'): void {
  h.fake.script(MODELS.action, (body) => ({
    content: JSON.stringify(body).includes('tool_observations')
      ? directive([], 'medium')
      : directive(
          [{ tool: 'shell_exec_safe', args: { command: 'sudo apt update' }, reason: 'Refresh the package lists' }],
          'medium'
        )
  }))
  h.fake.script(MODELS.thinker, { chunks: [{ content: answer }] })
}
