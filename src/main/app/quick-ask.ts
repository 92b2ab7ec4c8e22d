/**
 * Quick ask: a frameless, always-on-top window toggled by a global shortcut (and the tray),
 * hidden on blur and on Esc. Pausing it (tray) unregisters the shortcut and refuses new tasks
 * from the quick-ask page. Electron is reached only through `deps`.
 */
import { DuckApiError } from '../../shared/api'
import type { ShortcutInfo } from '../../shared/ipc'
import type { CallContext, SenderLike } from './ipc'
import { checkAccelerator, DEFAULT_QUICK_ASK_SHORTCUT } from './shortcut'

export interface QuickAskWindowLike {
  readonly webContents: SenderLike & {
    on(
      event: 'before-input-event',
      listener: (event: { preventDefault(): void }, input: { type: string; key: string }) => void
    ): unknown
  }
  isDestroyed(): boolean
  isVisible(): boolean
  show(): void
  hide(): void
  focus(): void
  on(event: 'blur' | 'closed', listener: () => void): unknown
}

export interface GlobalShortcutLike {
  register(accelerator: string, callback: () => void): boolean
  unregister(accelerator: string): void
}

export interface QuickAskDeps<W extends QuickAskWindowLike> {
  createWindow(): W
  /** Puts the window on the display the pointer is on (see `quickAskPosition`), before it shows. */
  place(win: W): void
  globalShortcut: GlobalShortcutLike
  /** A Wayland session: shortcuts go through the desktop portal, which may refuse them. */
  wayland?: boolean
  readShortcut(): string | undefined
  writeShortcut(accelerator: string): void
  /** Something the tray shows changed (paused, shortcut). */
  onChange(): void
  log(message: string, error?: unknown): void
}

/** Why a shortcut did not register, as far as anyone can tell. */
export function registrationFailure(accelerator: string, wayland: boolean): string {
  return wayland
    ? `${accelerator} could not be registered: on Wayland, global shortcuts go through the desktop's Global Shortcuts portal, which is missing or did not allow it. Allow Duck in the desktop's keyboard shortcut settings, or open Quick Ask from the tray.`
    : `${accelerator} could not be registered: another app may already use it, or the system refused it. Choose another shortcut.`
}

export interface Point {
  x: number
  y: number
}
export interface WorkArea extends Point {
  width: number
  height: number
}

/** The parts of Electron's `screen` that placing quick ask uses. */
export interface PlacementScreen {
  getCursorScreenPoint(): Point
  getDisplayNearestPoint(point: Point): { workArea: WorkArea }
  getPrimaryDisplay(): { workArea: WorkArea }
}

/**
 * Where quick ask goes: centred across the display under the pointer, a fifth of the way down.
 * Where the pointer is unknown to apps (Wayland: `getCursorScreenPoint` answers nothing useful,
 * and can crash before a window exists), the primary display.
 */
export function quickAskPosition(screen: PlacementScreen, width: number, pointerKnown: boolean): Point {
  const { workArea } = pointerKnown
    ? screen.getDisplayNearestPoint(screen.getCursorScreenPoint())
    : screen.getPrimaryDisplay()
  return {
    x: Math.round(workArea.x + (workArea.width - width) / 2),
    y: Math.round(workArea.y + workArea.height / 5)
  }
}

export class QuickAskController<W extends QuickAskWindowLike> {
  private win: W | null = null
  private paused = false
  private accelerator = DEFAULT_QUICK_ASK_SHORTCUT
  private registered = false
  private error: string | undefined
  /** While > 0 the window stays when it loses focus (a native dialog or sheet of its own is up). */
  private holds = 0

  constructor(private readonly deps: QuickAskDeps<W>) {}

  /** Reads the saved shortcut (falling back to the default when it is not valid) and registers it. */
  start(): ShortcutInfo {
    const saved = this.deps.readShortcut()
    const check = saved ? checkAccelerator(saved) : null
    if (check && !check.ok) this.deps.log(`the saved quick-ask shortcut "${saved}" is not valid: ${check.error}`)
    this.accelerator = check?.ok ? check.accelerator : DEFAULT_QUICK_ASK_SHORTCUT
    this.register()
    return this.info()
  }

  info(): ShortcutInfo {
    return {
      accelerator: this.accelerator,
      registered: this.registered,
      paused: this.paused,
      ...(this.error ? { error: this.error } : {})
    }
  }

  get isPaused(): boolean {
    return this.paused
  }

  get window(): W | null {
    return this.win && !this.win.isDestroyed() ? this.win : null
  }

  /** Shows the window, or hides it when it is showing. False while paused. */
  toggle(): boolean {
    if (this.paused) return false
    if (this.window?.isVisible()) {
      this.hide()
      return true
    }
    this.show()
    return true
  }

  show(): void {
    if (this.paused) return
    const win = this.window ?? this.create()
    this.deps.place(win)
    win.show()
    win.focus()
  }

  hide(): void {
    if (this.window?.isVisible()) this.window.hide()
  }

  /** Keeps the window up while something of its own has focus; call the returned release after. */
  hold(): () => void {
    this.holds++
    let released = false
    return () => {
      if (!released) this.holds--
      released = true
    }
  }

  setPaused(paused: boolean): void {
    if (this.paused === paused) return
    this.paused = paused
    if (paused) {
      this.unregister()
      this.hide()
    } else {
      this.register()
    }
    this.deps.onChange()
  }

  /** Validates, registers and saves a new shortcut; keeps the old one when the OS refuses it. */
  setShortcut(text: string): ShortcutInfo {
    const check = checkAccelerator(text)
    if (!check.ok) throw new DuckApiError('invalid_input', `accelerator: ${check.error}`)
    const previous = this.accelerator
    this.unregister()
    this.accelerator = check.accelerator
    if (!this.paused && !this.register()) {
      const error = this.error
      this.accelerator = previous
      this.register()
      throw new DuckApiError('conflict', error ?? `${check.accelerator} could not be registered.`)
    }
    this.deps.writeShortcut(check.accelerator)
    this.deps.onChange()
    return this.info()
  }

  /** The IPC check before a task starts: quick ask starts none while paused. */
  mayStartTask(ctx: CallContext): void {
    if (ctx.page === 'quick-ask' && this.paused) {
      throw new DuckApiError('conflict', 'Quick ask is paused. Resume it from the Duck icon in the tray.')
    }
  }

  /** Unregisters the shortcut (quit). */
  stop(): void {
    this.unregister()
  }

  private create(): W {
    const win = this.deps.createWindow()
    win.on('blur', () => {
      if (this.holds === 0) this.hide()
    })
    win.webContents.on('before-input-event', (event, input) => {
      if (input.type === 'keyDown' && input.key === 'Escape') {
        event.preventDefault()
        this.hide()
      }
    })
    win.on('closed', () => {
      if (this.win === win) this.win = null
    })
    this.win = win
    return win
  }

  private register(): boolean {
    this.error = undefined
    if (this.paused) {
      this.registered = false
      return false
    }
    try {
      this.registered = this.deps.globalShortcut.register(this.accelerator, () => this.toggle())
      // Electron says only "no": another app may hold the keys, or the system refused them.
      if (!this.registered) this.error = registrationFailure(this.accelerator, this.deps.wayland === true)
    } catch (error) {
      this.registered = false
      this.error = `${this.accelerator} is not a shortcut this system accepts.`
      this.deps.log('registering the quick-ask shortcut failed', error)
    }
    if (this.error) this.deps.log(this.error)
    return this.registered
  }

  private unregister(): void {
    if (this.registered) this.deps.globalShortcut.unregister(this.accelerator)
    this.registered = false
  }
}
