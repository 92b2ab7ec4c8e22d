/**
 * The IPC contract between Electron's main process and its preloads: channel names, the
 * result envelope, the pushed messages, and the two small desktop-only surfaces
 * (`window.duckDesktop` in the app's windows, `window.duckSheet` in the password sheet).
 * `window.duck` itself is exactly `DuckApi` (./api).
 */
import { DuckApiError, type DuckApi, type Unsubscribe } from './api'
import type { ErrorCode } from './dto'
import type { StreamEvent } from './events'

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: { code: ErrorCode; message: string } }

// -- window.duck: DuckApi -----------------------------------------------------------------

/** `"group.method"` for every method of DuckApi. */
export type ApiMethod = {
  [G in keyof DuckApi & string]: `${G}.${keyof DuckApi[G] & string}`
}[keyof DuckApi & string]

/** Every DuckApi method. Main has one handler per entry and the preload one function (tested). */
export const API_METHODS = [
  'system.health',
  'chat.send',
  'tasks.get',
  'tasks.events',
  'tasks.changes',
  'tasks.undo',
  'tasks.continue',
  'tasks.password',
  'tasks.cancel',
  'approvals.pending',
  'approvals.decide',
  'approvals.preview',
  'approvals.applyPreview',
  'approvals.discardPreview',
  'approvals.rules',
  'approvals.deleteRule',
  'conversations.list',
  'conversations.get',
  'conversations.rename',
  'conversations.delete',
  'audit.commands',
  'audit.page',
  'audit.export',
  'memory.list',
  'memory.delete',
  'memory.forget',
  'memory.experience',
  'skills.list',
  'settings.get',
  'settings.update',
  'settings.models',
  'engine.status',
  'engine.catalog',
  'engine.models',
  'engine.importModel',
  'engine.deleteModel',
  'engine.downloads',
  'engine.download',
  'engine.downloadAction',
  'mcp.servers',
  'mcp.replace',
  'mcp.put',
  'mcp.delete',
  'mcp.confirm',
  'mcp.restart',
  'mcp.stop',
  'mcp.setTool',
  'mcp.importConfig'
] as const satisfies readonly ApiMethod[]

type SameSet<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
/** Fails to compile when DuckApi gains a method that API_METHODS does not list. */
export const API_METHODS_COMPLETE: SameSet<ApiMethod, (typeof API_METHODS)[number]> = true

/**
 * Methods that start a task stream. Over IPC their last argument is a stream id the preload
 * picked; main pushes each event of that stream as a `TaskEventMessage` on `IPC_EVENTS.taskEvent`
 * to the window that called, and the call itself resolves with the `done` event.
 */
export const STREAM_METHODS = ['chat.send', 'tasks.continue', 'tasks.password'] as const satisfies readonly ApiMethod[]
export type StreamMethod = (typeof STREAM_METHODS)[number]

/** How many arguments a stream method takes before `onEvent`. */
export const STREAM_ARITY: Record<StreamMethod, number> = { 'chat.send': 1, 'tasks.continue': 2, 'tasks.password': 2 }

export function isStreamMethod(method: string): method is StreamMethod {
  return (STREAM_METHODS as readonly string[]).includes(method)
}

/** Stream ids are chosen by the preload and scoped to its window. */
export const STREAM_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

// -- window.duckDesktop: what only the desktop app has ----------------------------------

export const DESKTOP_METHODS = [
  'desktop.pickFolder',
  'desktop.openConversation',
  'desktop.openPasswordSheet',
  'desktop.quickAskShortcut',
  'desktop.setQuickAskShortcut'
] as const
export type DesktopMethod = (typeof DESKTOP_METHODS)[number]

/** Where the model API key is kept (chosen once at start; see docs/architecture.md). */
export type SecretStoreKind = 'keychain' | 'safe-storage' | 'session' | 'memory'

export interface SecretStoreInfo {
  kind: SecretStoreKind
  /** False when the key lasts only until Duck quits (no keychain and no safe encryption). */
  persistent: boolean
}

export interface ShortcutInfo {
  /** An Electron accelerator, e.g. `CommandOrControl+Shift+Space`. */
  accelerator: string
  /** False when the OS refused it (another app holds it) or quick ask is paused. */
  registered: boolean
  paused: boolean
  /** Why it is not registered, in words for the user. */
  error?: string
}

/** Commands main sends to the main window (menu items, tray, quick ask's "Open in Duck"). */
export type DesktopCommand = { type: 'new-chat' } | { type: 'open-conversation'; conversation_id: string }

/** Told to the window that started a task while the native password sheet is open for it. */
export interface PasswordSheetNotice {
  task_id: string
  approval_id: string
  open: boolean
  /** Set when it closed: the password was taken, or the person cancelled (the task is cancelled). */
  outcome?: 'submitted' | 'cancelled'
}

/** `window.duckDesktop`: present only in the Electron app, beside `window.duck`. */
export interface DuckDesktop {
  /** Sudo passwords are asked in a native sheet; the window shows no password field of its own. */
  readonly nativePasswordSheet: true
  readonly secretStore: SecretStoreInfo
  readonly platform: string
  /** The native folder picker; null when the person cancels. */
  pickFolder(): Promise<string | null>
  /** Shows the main window with that conversation (quick ask's "Open in Duck"). */
  openConversation(conversationId: string): Promise<void>
  /** Opens the password sheet for a task that waits for one (e.g. after a restart or reload). */
  openPasswordSheet(taskId: string): Promise<void>
  quickAskShortcut(): Promise<ShortcutInfo>
  setQuickAskShortcut(accelerator: string): Promise<ShortcutInfo>
  /**
   * Events of task streams this page did not start itself: a stream the password sheet started,
   * or one that was running when the page reloaded (re-read `tasks.events` first, then merge by
   * seq).
   */
  onTaskEvent(listener: (event: StreamEvent) => void): Unsubscribe
  onPasswordSheet(listener: (notice: PasswordSheetNotice) => void): Unsubscribe
  onCommand(listener: (command: DesktopCommand) => void): Unsubscribe
}

// -- window.duckSheet: the password sheet's whole world -------------------------------------

export const SHEET_METHODS = ['sheet.view', 'sheet.submit', 'sheet.cancel'] as const
export type SheetMethod = (typeof SHEET_METHODS)[number]

/** What the sheet shows. It never contains the password. */
export interface PasswordSheetView {
  tool: string
  command: string
  attempts_left: number
  /** The error of the last try ("Wrong password — 2 tries left."), or null. */
  error: string | null
  /** True from a submit until sudo's answer. */
  busy: boolean
}

/** `window.duckSheet`: it can only submit a password for, or cancel, its one request. */
export interface DuckSheet {
  view(): Promise<PasswordSheetView>
  submit(password: string): Promise<void>
  cancel(): Promise<void>
  onView(listener: (view: PasswordSheetView) => void): Unsubscribe
}

// -- channels -------------------------------------------------------------------------------

export type InvokeMethod = ApiMethod | DesktopMethod | SheetMethod

/** The `ipcMain.handle` channel of a method. */
export function invokeChannel(method: InvokeMethod): string {
  return `duck:${method}`
}

/** Channels main pushes on with `webContents.send`. */
export const IPC_EVENTS = {
  taskEvent: 'duck:task-event',
  passwordSheet: 'duck:password-sheet',
  command: 'duck:command',
  sheetView: 'duck:sheet-view'
} as const

/** One pushed task event; `stream_id` is the id the caller picked, null for main's own streams. */
export interface TaskEventMessage {
  stream_id: string | null
  event: StreamEvent
}

// -- errors and aborts across the context bridge -------------------------------------------

/**
 * How the preload rejects. Electron's contextBridge keeps only `message` of an Error thrown
 * across it, so the preload rejects with this plain object instead; `reviveIpcError` (below)
 * turns it back into a DuckApiError on the page's side.
 */
export interface IpcErrorShape {
  name: 'DuckApiError' | 'AbortError'
  code: ErrorCode
  message: string
}

export function isIpcErrorShape(value: unknown): value is IpcErrorShape {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return (
    (v.name === 'DuckApiError' || v.name === 'AbortError') &&
    typeof v.code === 'string' &&
    typeof v.message === 'string'
  )
}

/** A rejection from `window.duck` as a DuckApiError (or the AbortError it was). */
export function reviveIpcError(reason: unknown): unknown {
  if (!isIpcErrorShape(reason)) return reason
  if (reason.name === 'AbortError') return abortError()
  return new DuckApiError(reason.code, reason.message)
}

export function abortError(): Error {
  const error = new Error('The stream was aborted.')
  error.name = 'AbortError'
  return error
}

function abortable<T>(run: () => Promise<T>, signal: AbortSignal | undefined, onAbort: () => void): Promise<T> {
  if (!signal) return run().catch((reason: unknown) => Promise.reject(reviveIpcError(reason)))
  if (signal.aborted) return Promise.reject(abortError())
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      onAbort()
      reject(abortError())
    }
    signal.addEventListener('abort', abort, { once: true })
    run().then(
      (value) => {
        signal.removeEventListener('abort', abort)
        resolve(value)
      },
      (reason: unknown) => {
        signal.removeEventListener('abort', abort)
        reject(reviveIpcError(reason))
      }
    )
  })
}

/**
 * The page-side wrapper of `window.duck`: rejections become DuckApiErrors again, and a stream's
 * `signal` (an AbortSignal cannot cross the context bridge) stops delivery on this side. The
 * renderer's bridge uses `wrapIpcApi(window.duck)`.
 */
export function wrapIpcApi(api: DuckApi): DuckApi {
  const wrapped = {} as Record<string, Record<string, unknown>>
  for (const method of API_METHODS) {
    const [group, name] = method.split('.') as [keyof DuckApi, string]
    const target = api[group] as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>
    const fn = target[name]
    if (!fn) continue
    wrapped[group] ??= {}
    wrapped[group][name] = isStreamMethod(method)
      ? (...args: unknown[]) => {
          const arity = STREAM_ARITY[method]
          const onEvent = args[arity] as (event: StreamEvent) => void
          const options = args[arity + 1] as { signal?: AbortSignal } | undefined
          let stopped = false
          const forward = (event: StreamEvent): void => {
            if (!stopped) onEvent(event)
          }
          return abortable(
            () => fn.call(target, ...args.slice(0, arity), forward),
            options?.signal,
            () => (stopped = true)
          )
        }
      : (...args: unknown[]) =>
          abortable(
            () => fn.call(target, ...args),
            undefined,
            () => undefined
          )
  }
  return wrapped as unknown as DuckApi
}
