import type { IpcMainInvokeEvent } from 'electron'
import { ipcMain } from 'electron'
import { DuckApiError } from '../../shared/api'
import type { DuckService } from '../core/service'
import { IPC_CHANNELS, type IpcResult } from '../../shared/ipc'

/** The sender must be the main frame of one of our own windows showing our own page. */
export function isTrustedSender(event: IpcMainInvokeEvent, isAppUrl: (url: string) => boolean): boolean {
  const frame = event.senderFrame
  if (!frame || frame !== event.sender.mainFrame) return false
  return isAppUrl(frame.url)
}

function wrap<T>(
  isAppUrl: (url: string) => boolean,
  handler: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<T> | T
) {
  return async (event: IpcMainInvokeEvent, ...args: unknown[]): Promise<IpcResult<T>> => {
    if (!isTrustedSender(event, isAppUrl)) {
      return { ok: false, error: { code: 'forbidden', message: 'This window may not call Duck.' } }
    }
    try {
      return { ok: true, value: await handler(event, ...args) }
    } catch (error) {
      if (error instanceof DuckApiError) return { ok: false, error: { code: error.code, message: error.message } }
      console.error('[duck] IPC handler failed:', error)
      return { ok: false, error: { code: 'internal', message: 'Something went wrong inside Duck.' } }
    }
  }
}

export function registerIpcHandlers(service: DuckService, isAppUrl: (url: string) => boolean): void {
  ipcMain.handle(IPC_CHANNELS.health, wrap(isAppUrl, () => service.health()))
}
