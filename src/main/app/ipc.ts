/**
 * The IPC adapter: registers a table of handlers on an `ipcMain`-like object. Every call is
 * checked first — the sender must be the main frame of one of our windows, showing the page
 * that window kind shows, and that page must be allowed to call the table — then the handler
 * runs, and its result or error travels as `{ok: true, value} | {ok: false, error}`.
 * No electron import: the tests drive it with fakes.
 */
import { DuckApiError } from '../../shared/api'
import { invokeChannel, type InvokeMethod, type IpcResult } from '../../shared/ipc'
import type { PageName } from './pages'

/** What a handler may use of the calling webContents. */
export interface SenderLike {
  readonly id: number
  readonly mainFrame: unknown
  isDestroyed(): boolean
  send(channel: string, ...args: unknown[]): void
}

/** The parts of IpcMainInvokeEvent the checks read. */
export interface InvokeEventLike {
  readonly sender: SenderLike
  readonly senderFrame: { readonly url: string } | null
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void
  removeHandler(channel: string): void
}

/** Who is calling: which of our pages, through which webContents. */
export interface CallContext {
  page: PageName
  sender: SenderLike
}

export type IpcHandler = (ctx: CallContext, ...args: unknown[]) => unknown
export type HandlerTable<M extends InvokeMethod> = Record<M, IpcHandler>

export interface SenderPolicy {
  /** The window kind a webContents was created as (the window factory's registry). */
  kindOf(webContentsId: number): PageName | undefined
  /** Which of our pages a URL is. */
  pageOf(url: string): PageName | null
}

interface FrameIds {
  readonly processId?: number
  readonly routingId?: number
}

/** The same frame: Electron hands out one WebFrameMain per frame, and ids settle any doubt. */
function isMainFrame(frame: object, mainFrame: unknown): boolean {
  if (frame === mainFrame) return true
  const a = frame as FrameIds
  const b = (mainFrame ?? {}) as FrameIds
  return (
    a.processId !== undefined && a.routingId !== undefined && a.processId === b.processId && a.routingId === b.routingId
  )
}

/** The caller, when it is the main frame of one of our windows showing its own page; else null. */
export function identifySender(event: InvokeEventLike, policy: SenderPolicy): CallContext | null {
  const frame = event.senderFrame
  if (!frame || !isMainFrame(frame, event.sender.mainFrame)) return null
  const kind = policy.kindOf(event.sender.id)
  if (!kind || policy.pageOf(frame.url) !== kind) return null
  return { page: kind, sender: event.sender }
}

export type ErrorLog = (message: string, error: unknown) => void

export function toIpcError(error: unknown, method: string, log: ErrorLog): Extract<IpcResult<never>, { ok: false }> {
  if (error instanceof DuckApiError) return { ok: false, error: { code: error.code, message: error.message } }
  // Only the method name and the error are logged, never the arguments (a password, an API key).
  log(`IPC ${method} failed`, error)
  return { ok: false, error: { code: 'internal', message: 'Something went wrong inside Duck.' } }
}

const FORBIDDEN: IpcResult<never> = {
  ok: false,
  error: { code: 'forbidden', message: 'This window may not call Duck.' }
}

/** Registers every handler of `table`; returns a function that removes them again. */
export function registerHandlers<M extends InvokeMethod>(
  ipcMain: IpcMainLike,
  table: HandlerTable<M>,
  options: { pages: readonly PageName[]; policy: SenderPolicy; log: ErrorLog }
): () => void {
  const channels: string[] = []
  for (const [method, handler] of Object.entries(table) as [M, IpcHandler][]) {
    const channel = invokeChannel(method)
    ipcMain.handle(channel, async (event, ...args): Promise<IpcResult<unknown>> => {
      const ctx = identifySender(event, options.policy)
      if (!ctx || !options.pages.includes(ctx.page)) return FORBIDDEN
      try {
        return { ok: true, value: await handler(ctx, ...args) }
      } catch (error) {
        return toIpcError(error, method, options.log)
      }
    })
    channels.push(channel)
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel)
  }
}
