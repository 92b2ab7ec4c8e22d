/**
 * Every Duck window is made here: the options builders are pure (the tests check each window
 * kind's webPreferences against the hardening list), and the factory takes the BrowserWindow
 * class as a dependency.
 */
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron'
import { join } from 'node:path'
import type { SecretStoreKind } from '../../shared/ipc'
import type { PageLocator, PageName } from './pages'
import { lockNavigation, type NavigableContents } from './security'

export type WindowKind = PageName

export interface WindowEnv {
  /** Not packaged: devtools and the View menu's reload exist only then. */
  isDev: boolean
  /** Folder of the built preloads (`out/preload`). */
  preloadDir: string
  platform: NodeJS.Platform
  secretStore: SecretStoreKind
  /** The window icon (Linux and Windows; macOS uses the bundle's). */
  icon?: string
}

export const PRELOAD_FILES: Record<WindowKind, string> = {
  main: 'index.cjs',
  'quick-ask': 'index.cjs',
  'password-sheet': 'password-sheet.cjs'
}

/** The webPreferences of a window kind: isolated, sandboxed, no Node, no webviews. */
export function hardenedWebPreferences(kind: WindowKind, env: WindowEnv): WebPreferences {
  return {
    preload: join(env.preloadDir, PRELOAD_FILES[kind]),
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    devTools: env.isDev,
    // Chromium's spellchecker downloads its dictionaries from a Google CDN (Linux, Windows).
    spellcheck: false,
    // Start-up facts for window.duckDesktop; the sheet's preload needs none.
    additionalArguments: kind === 'password-sheet' ? [] : [`--duck-secret-store=${env.secretStore}`]
  }
}

export interface WindowExtras {
  /** Restored bounds of the main window. */
  bounds?: { x?: number; y?: number; width: number; height: number }
  /** The password sheet's parent (the main window). */
  parent?: BrowserWindowConstructorOptions['parent']
}

const BACKGROUND = '#1c1b19'

/** The constructor options of a window kind. */
export function windowOptions(
  kind: WindowKind,
  env: WindowEnv,
  extras: WindowExtras = {}
): BrowserWindowConstructorOptions {
  const common: BrowserWindowConstructorOptions = {
    show: false,
    backgroundColor: BACKGROUND,
    ...(env.icon && env.platform !== 'darwin' ? { icon: env.icon } : {}),
    webPreferences: hardenedWebPreferences(kind, env)
  }
  switch (kind) {
    case 'main':
      return {
        ...common,
        title: 'Duck',
        width: 1200,
        height: 800,
        minWidth: 720,
        minHeight: 480,
        ...extras.bounds
      }
    case 'quick-ask':
      return {
        ...common,
        title: 'Quick ask',
        width: 680,
        height: 440,
        frame: false,
        resizable: false,
        movable: true,
        minimizable: false,
        maximizable: false,
        fullscreenable: false,
        alwaysOnTop: true,
        skipTaskbar: true,
        ...(env.platform === 'darwin' ? { type: 'panel', vibrancy: 'under-window' as const } : {})
      }
    case 'password-sheet':
      return {
        ...common,
        title: 'Administrator password',
        width: 440,
        height: 300,
        useContentSize: true,
        ...(extras.parent ? { parent: extras.parent } : {}),
        modal: true,
        resizable: false,
        minimizable: false,
        maximizable: false,
        fullscreenable: false,
        skipTaskbar: true,
        autoHideMenuBar: true
      }
  }
}

/** What the factory uses of a BrowserWindow. */
export interface BrowserWindowLike {
  readonly webContents: NavigableContents & { readonly id: number }
  loadURL(url: string): Promise<void>
  on(event: 'closed', listener: () => void): unknown
}

export interface WindowFactoryDeps<W extends BrowserWindowLike> {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => W
  pages: PageLocator
  env: WindowEnv
  openExternal(url: string): void
  log(message: string, error: unknown): void
}

/**
 * Creates and loads windows. It remembers each webContents' kind, which the IPC sender check
 * uses: a call counts only from the main frame of a window showing its own kind's page.
 */
export function createWindowFactory<W extends BrowserWindowLike>(deps: WindowFactoryDeps<W>) {
  const kinds = new Map<number, { kind: WindowKind; webPreferences: WebPreferences }>()
  return {
    create(kind: WindowKind, extras: WindowExtras = {}, query?: Record<string, string>): W {
      const options = windowOptions(kind, deps.env, extras)
      const win = new deps.BrowserWindow(options)
      const contentsId = win.webContents.id
      kinds.set(contentsId, { kind, webPreferences: options.webPreferences ?? {} })
      win.on('closed', () => kinds.delete(contentsId))
      lockNavigation(win.webContents, (url) => deps.pages.pageOf(url) === kind, deps.openExternal)
      this.load(win, kind, query)
      return win
    },
    load(win: W, kind: WindowKind, query?: Record<string, string>): void {
      win
        .loadURL(deps.pages.url(kind, query))
        .catch((error: unknown) => deps.log(`loading the ${kind} page failed`, error))
    },
    kindOf(webContentsId: number): WindowKind | undefined {
      return kinds.get(webContentsId)?.kind
    },
    /** Whether a webContents (as the permission handlers get it) belongs to a window made here. */
    owns(contents: unknown): boolean {
      const id = (contents as { id?: unknown } | null)?.id
      return typeof id === 'number' && kinds.has(id)
    },
    /** The webPreferences each open window was made with (test hooks). */
    preferences(): { kind: WindowKind; webPreferences: WebPreferences }[] {
      return [...kinds.values()]
    }
  }
}

export type WindowFactory<W extends BrowserWindowLike> = ReturnType<typeof createWindowFactory<W>>
