/** What the password sheet says, from the view main sends (pure: tested without a DOM). */
import type { PasswordSheetView } from '../../shared/ipc'

export function triesLeft(count: number): string {
  return `${count} ${count === 1 ? 'try' : 'tries'} left`
}

export interface SheetText {
  command: string
  message: string
  isError: boolean
  runLabel: string
  busy: boolean
}

export function sheetText(view: PasswordSheetView, localError: string | null = null): SheetText {
  const error = localError ?? view.error
  return {
    command: view.command,
    message: view.busy
      ? 'Checking the password…'
      : (error ?? (view.attempts_left < 3 ? triesLeft(view.attempts_left) : '')),
    isError: !view.busy && error !== null,
    runLabel: view.busy ? 'Running…' : 'Run',
    busy: view.busy
  }
}

/** The message of a rejection from window.duckSheet (a plain object, see IpcErrorShape). */
export function rejectionMessage(reason: unknown): string {
  if (typeof reason === 'object' && reason !== null && typeof (reason as { message?: unknown }).message === 'string') {
    return (reason as { message: string }).message
  }
  return 'Duck could not take the password.'
}
