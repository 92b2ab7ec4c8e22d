/**
 * The desktop-only handlers: `window.duckDesktop` (main and quick-ask windows) and
 * `window.duckSheet` (the password sheet). Thin, like ./ipc-api: the work is in the controllers.
 */
import { DuckApiError } from '../../shared/api'
import type { DesktopMethod, PasswordSheetView, SheetMethod, ShortcutInfo } from '../../shared/ipc'
import type { CallContext, HandlerTable } from './ipc'

export interface DesktopHandlerDeps {
  /** The native folder picker, attached to the calling window; null when cancelled. */
  pickFolder(ctx: CallContext): Promise<string | null>
  /** Checks the conversation exists (DuckService.getConversation) and shows it in the main window. */
  openConversation(conversationId: unknown): void
  /** Opens the sheet for a task waiting for a password, on behalf of the calling page. */
  openPasswordSheet(ctx: CallContext, taskId: unknown): void
  quickAskShortcut(): ShortcutInfo
  setQuickAskShortcut(accelerator: string): ShortcutInfo
}

export function createDesktopHandlers(deps: DesktopHandlerDeps): HandlerTable<DesktopMethod> {
  return {
    'desktop.pickFolder': (ctx) => deps.pickFolder(ctx),
    'desktop.openConversation': (_ctx, conversationId) => deps.openConversation(conversationId),
    'desktop.openPasswordSheet': (ctx, taskId) => deps.openPasswordSheet(ctx, taskId),
    'desktop.quickAskShortcut': () => deps.quickAskShortcut(),
    'desktop.setQuickAskShortcut': (_ctx, accelerator) => {
      if (typeof accelerator !== 'string') throw new DuckApiError('invalid_input', 'accelerator: must be text.')
      return deps.setQuickAskShortcut(accelerator)
    }
  }
}

/** What the password sheet controller offers its page; keyed by the sheet's webContents id. */
export interface SheetPort {
  view(sheetContentsId: number): PasswordSheetView
  submit(sheetContentsId: number, password: string): void
  cancel(sheetContentsId: number): void
}

export const PASSWORD_MAX_CHARS = 1024

export function createSheetHandlers(sheets: SheetPort): HandlerTable<SheetMethod> {
  return {
    'sheet.view': (ctx) => sheets.view(ctx.sender.id),
    'sheet.submit': (ctx, password) => {
      if (typeof password !== 'string' || password.length === 0 || password.length > PASSWORD_MAX_CHARS) {
        throw new DuckApiError('invalid_input', 'password: must be 1 to 1024 characters.')
      }
      sheets.submit(ctx.sender.id, password)
    },
    'sheet.cancel': (ctx) => sheets.cancel(ctx.sender.id)
  }
}
