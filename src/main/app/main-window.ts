/**
 * The main window: created through the window factory with its remembered bounds, shown and
 * focused on demand. A conversation opens by the `open-conversation` command in a loaded page
 * (keeping its drafts and live streams), or by `?conversation=<id>` in a page still to load.
 */
import type { BrowserWindow, Rectangle } from 'electron'
import type { DesktopCommand } from '../../shared/ipc'
import { IPC_EVENTS } from '../../shared/ipc'
import type { WindowFactory } from './windows'
import { parseWindowState, restorableBounds, trackWindowState, type WindowState } from './window-state'

export interface MainWindowDeps {
  factory: WindowFactory<BrowserWindow>
  readState(): string | undefined
  saveState(state: WindowState): void
  workAreas(): Rectangle[]
}

export class MainWindow {
  private win: BrowserWindow | null = null
  /** Until its first paint a new window is shown by ready-to-show, not by show(). */
  private painted = false

  constructor(private readonly deps: MainWindowDeps) {}

  get window(): BrowserWindow | null {
    return this.win && !this.win.isDestroyed() ? this.win : null
  }

  /** The window, created (hidden until its page is ready) when there is none. */
  ensure(query?: Record<string, string>): BrowserWindow {
    const existing = this.window
    if (existing) return existing
    const restored = restorableBounds(parseWindowState(this.deps.readState()), this.deps.workAreas())
    const win = this.deps.factory.create('main', restored ? { bounds: restored } : {}, query)
    trackWindowState(win, (state) => this.deps.saveState(state))
    this.painted = false
    win.once('ready-to-show', () => {
      this.painted = true
      // Maximized only now: before the first paint, maximize() shows an empty window.
      if (restored?.maximized) win.maximize()
      win.show()
    })
    win.on('closed', () => {
      if (this.win === win) this.win = null
    })
    this.win = win
    return win
  }

  show(): BrowserWindow {
    const win = this.ensure()
    if (win.isMinimized()) win.restore()
    if (!win.isVisible() && this.painted) win.show()
    win.focus()
    return win
  }

  /** Opens that conversation in the main page and brings the window forward. */
  showConversation(conversationId: string): void {
    const existing = this.window
    if (existing && !existing.webContents.isLoading()) {
      // A loaded page opens it itself: a reload would lose its drafts and live streams.
      this.command({ type: 'open-conversation', conversation_id: conversationId })
      return
    }
    // A page still loading has nothing to lose; a new window opens on it.
    const query = { conversation: conversationId }
    if (existing) this.deps.factory.load(existing, 'main', query)
    else this.ensure(query)
    this.show()
  }

  command(command: DesktopCommand): void {
    const win = this.show()
    if (!win.webContents.isLoading()) win.webContents.send(IPC_EVENTS.command, command)
    else win.webContents.once('did-finish-load', () => win.webContents.send(IPC_EVENTS.command, command))
  }

  /** Shown and focused: nobody needs a notification. */
  hasFocus(): boolean {
    const win = this.window
    return !!win && win.isVisible() && !win.isMinimized() && win.isFocused()
  }
}
