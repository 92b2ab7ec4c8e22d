/** Fakes of Electron's IPC objects for the shell's unit tests (no electron import). */
import type { InvokeEventLike, IpcMainLike, SenderLike, SenderPolicy } from '../ipc'
import { createPageLocator, type PageName } from '../pages'

/** The built app's pages (duck://app/…). */
export const pages = createPageLocator({})

export interface FakeIpcMain extends IpcMainLike {
  channels(): string[]
  call(channel: string, event: InvokeEventLike, ...args: unknown[]): Promise<unknown>
}

export function fakeIpcMain(): FakeIpcMain {
  const handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>>()
  return {
    handle(channel, listener) {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`)
      handlers.set(channel, listener)
    },
    removeHandler(channel) {
      handlers.delete(channel)
    },
    channels: () => [...handlers.keys()],
    call(channel, event, ...args) {
      const handler = handlers.get(channel)
      if (!handler) throw new Error(`no handler for ${channel}`)
      return handler(event, ...args)
    }
  }
}

export interface FakeSender extends SenderLike {
  sent: { channel: string; payload: unknown }[]
  destroyed: boolean
}

export function fakeSender(id: number, url: string): FakeSender {
  const sender: FakeSender = {
    id,
    mainFrame: { url },
    sent: [],
    destroyed: false,
    isDestroyed: () => sender.destroyed,
    send(channel, payload) {
      sender.sent.push({ channel, payload })
    }
  }
  return sender
}

/** An invoke event from a window's main frame (or from `frameUrl` in a subframe). */
export function eventFrom(sender: FakeSender, options: { subframeUrl?: string } = {}): InvokeEventLike {
  const main = sender.mainFrame as { url: string }
  return { sender, senderFrame: options.subframeUrl !== undefined ? { url: options.subframeUrl } : main }
}

/** Window kinds by webContents id, as the window factory would have registered them. */
export function fakePolicy(kinds: Record<number, PageName>): SenderPolicy {
  return { kindOf: (id) => kinds[id], pageOf: (url) => pages.pageOf(url) }
}

export const MAIN_URL = pages.url('main')
export const QUICK_ASK_URL = pages.url('quick-ask')
export const SHEET_URL = pages.url('password-sheet')
