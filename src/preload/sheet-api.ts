import { IPC_EVENTS, type DuckSheet, type PasswordSheetView, type SheetMethod } from '../shared/ipc'
import { invoke, ipcError, pushChannel, type IpcRendererLike } from './ipc-client'

function isView(value: unknown): value is PasswordSheetView {
  const v = value as Partial<PasswordSheetView> | null
  return typeof v === 'object' && v !== null && typeof v.command === 'string' && typeof v.busy === 'boolean'
}

/**
 * `window.duckSheet`: the password sheet can read what to show, submit a password or cancel —
 * for the one request main opened it for (main holds the task and approval ids, not the page).
 */
export function createSheetApi(ipc: IpcRendererLike): DuckSheet {
  const call = <T>(method: SheetMethod, ...args: unknown[]): Promise<T> => invoke<T>(ipc, method, args)
  return {
    view: () => call('sheet.view'),
    submit: (password) =>
      typeof password === 'string'
        ? call('sheet.submit', password)
        : Promise.reject(ipcError('invalid_input', 'password: must be text.')),
    cancel: () => call('sheet.cancel'),
    onView: pushChannel(ipc, IPC_EVENTS.sheetView, isView)
  }
}
