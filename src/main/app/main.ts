/**
 * The Electron composition root: the one place that wires Electron's modules to Duck's shell
 * pieces (each of which takes its Electron parts as dependencies and is tested without them).
 */
import {
  app,
  BrowserWindow,
  dialog,
  globalShortcut,
  ipcMain,
  Menu,
  Notification,
  protocol,
  utilityProcess,
  safeStorage,
  screen,
  session,
  shell,
  webContents
} from 'electron'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readEnvConfig } from '../core/config/env'
import { openKeytarStore } from '../core/config/keytar-store'
import { DuckService } from '../core/service'
import { getSetting, setSetting } from '../core/store/settings-repo'
import type { IpcMainLike } from './ipc'
import { registerHandlers, type CallContext, type SenderPolicy } from './ipc'
import { APP_SCHEME_PRIVILEGED, createAppProtocolHandler } from './app-protocol'
import { applyUserDataDir } from './data-dir'
import { enableWaylandShortcuts, isWayland } from './display-server'
import { utilityEngineProcessFactory } from './engine-process'
import { createApiHandlers } from './ipc-api'
import { createDesktopHandlers, createSheetHandlers } from './ipc-desktop'
import { captureConsole, createRotatingLogger } from './logger'
import { MainWindow } from './main-window'
import { appMenuTemplate, trayMenuTemplate } from './menus'
import { resolveSqliteBinding } from './native'
import { createNotifier } from './notifications'
import { APP_SCHEME, createPageLocator } from './pages'
import { PasswordSheetController, type SheetWindowLike } from './password-sheet'
import { QuickAskController, quickAskPosition } from './quick-ask'
import { chooseSecretStore } from './secret-store'
import { hardenSession } from './security'
import { QUICK_ASK_SHORTCUT_KEY } from './shortcut'
import { createTaskStreams, type TaskObserver } from './task-streams'
import { installTestHooks } from './test-hooks'
import { DuckTray, trayImage } from './tray'
import { WINDOW_STATE_KEY } from './window-state'
import { createWindowFactory } from './windows'

const here = fileURLToPath(new URL('.', import.meta.url)) // out/main/
const root = join(here, '..', '..') // the checkout, or app.asar when packaged
const isDev = !app.isPackaged
const resourcesDir = app.isPackaged ? process.resourcesPath : join(root, 'resources')
const devServerUrl = isDev ? process.env.ELECTRON_RENDERER_URL : undefined

// Before anything reads it (the single-instance lock lives in userData too): DUCK_DATA_DIR, else
// the folder the headless server uses. Created first; a failure gets the error dialog.
const dataDir = applyUserDataDir({
  env: process.env,
  platform: process.platform,
  mkdir: (path) => mkdirSync(path, { recursive: true }),
  setPath: (name, path) => app.setPath(name, path)
})
const wayland = isWayland(process.platform, process.env, process.argv)
// Before ready: the scheme the built pages load from, and (Wayland) the global shortcuts portal.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGED])
enableWaylandShortcuts(app.commandLine, wayland)

let service: DuckService | null = null
let stopQuickAsk: (() => void) | null = null

if (!dataDir.ok) {
  console.error(`[duck] ${dataDir.message}`)
  // showErrorBox is the one dialog that works before ready.
  dialog.showErrorBox('Duck could not start', dataDir.message)
  app.exit(1)
} else if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('web-contents-created', (_event, contents) => {
    // Defaults for any webContents at all; the window factory adds each window's own rules.
    contents.on('will-attach-webview', (event) => event.preventDefault())
    contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  })
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      console.error('[duck] Duck could not start:', error)
      dialog.showErrorBox('Duck could not start', error instanceof Error ? error.message : String(error))
      app.exit(1)
    })
  let closing = false
  app.on('will-quit', (event) => {
    globalShortcut.unregisterAll()
    stopQuickAsk?.()
    const core = service
    if (!core || closing) return
    // Let the core finish (post-task learning, WAL checkpoint) before the process ends.
    closing = true
    event.preventDefault()
    void core.close().finally(() => {
      service = null
      app.quit()
    })
  })
}

async function start(): Promise<void> {
  const userDataDir = app.getPath('userData')
  const logger = createRotatingLogger({ dir: join(userDataDir, 'logs') })
  captureConsole(logger)
  const log = (message: string, error?: unknown): void =>
    error === undefined ? logger.warn(message) : logger.error(message, error)
  logger.info(
    `Duck ${app.getVersion()} starting: Electron ${process.versions.electron}, ${process.platform}, data in ${userDataDir}`
  )

  const secrets = await chooseSecretStore({
    env: process.env,
    platform: process.platform,
    openKeychain: () => openKeytarStore(),
    safeStorage,
    safeStorageFile: join(userDataDir, 'secrets.json')
  })
  const storeLine = `model API key store: ${secrets.info.kind} (${secrets.reason})`
  if (secrets.info.kind === 'session') logger.warn(storeLine)
  else logger.info(storeLine)

  const env = readEnvConfig(userDataDir)
  const nativeBinding = resolveSqliteBinding({
    env: process.env,
    isPackaged: app.isPackaged,
    resourcesPath: process.resourcesPath,
    appPath: root,
    electronVersion: process.versions.electron,
    exists: existsSync
  })
  const duck = new DuckService({
    env,
    userDataDir,
    secrets: secrets.store,
    ...(nativeBinding ? { nativeBinding } : {}),
    ...(env.sudoPath ? { tools: { sudoPath: env.sudoPath } } : {}),
    // The built-in engine runs in a utility process, off the main process's event loop.
    engineProcess: utilityEngineProcessFactory({
      utilityProcess,
      onOutput: (line) => logger.info(`engine: ${line}`)
    })
  })
  service = duck

  // The built pages: duck://app/… from out/renderer only, each page with its CSP header.
  protocol.handle(APP_SCHEME, createAppProtocolHandler({ rendererDir: join(here, '..', 'renderer') }))
  const testHooks = process.env.DUCK_TEST_HOOKS === '1'
  const pages = createPageLocator({
    devServerUrl,
    // The renderer's own test hooks (window.__duckTest) follow the same flag.
    baseQuery: testHooks ? { testHooks: '1' } : undefined
  })
  const factory = createWindowFactory({
    BrowserWindow,
    pages,
    env: {
      isDev,
      preloadDir: join(here, '..', 'preload'),
      platform: process.platform,
      secretStore: secrets.info.kind,
      icon: join(resourcesDir, 'icons', '512x512.png')
    },
    openExternal: (url) => void shell.openExternal(url),
    log
  })
  // Only the factory's windows get the one permission they use (clipboard writes); no spellchecker.
  hardenSession(session.defaultSession, (contents) => factory.owns(contents))
  const mainWindow = new MainWindow({
    factory,
    readState: () => getSetting(duck.db, WINDOW_STATE_KEY),
    saveState: (state) => setSetting(duck.db, WINDOW_STATE_KEY, JSON.stringify(state)),
    workAreas: () => screen.getAllDisplays().map((display) => display.workArea)
  })

  // -- task streams and who watches them ------------------------------------------------------
  const observers: TaskObserver[] = []
  const streams = createTaskStreams(observers, log)
  const sheets = new PasswordSheetController({
    service: duck,
    streams,
    log,
    fallbackOwner: () => mainWindow.window?.webContents ?? null,
    openWindow: () => openSheetWindow()
  })
  const notifications = new Set<Notification>()
  const notifier = createNotifier({
    windowHasFocus: () => mainWindow.hasFocus(),
    isSupported: () => Notification.isSupported(),
    show: (attention, onClick) => {
      const note = new Notification({ title: attention.title, body: attention.body })
      notifications.add(note)
      note.on('click', () => {
        notifications.delete(note)
        onClick()
      })
      note.on('close', () => notifications.delete(note))
      note.show()
    },
    reveal: (conversationId) => mainWindow.showConversation(conversationId)
  })
  observers.push(sheets.observe, (event) => notifier(event))

  function openSheetWindow(): SheetWindowLike {
    const parent = mainWindow.ensure()
    const sheet = factory.create('password-sheet', { parent })
    sheet.removeMenu()
    const present = (): void => {
      if (sheet.isDestroyed()) return
      sheet.show()
      sheet.focus()
    }
    sheet.once('ready-to-show', () => {
      // Over a hidden window the sheet waits; the notification brings both forward.
      if (parent.isVisible() && !parent.isMinimized()) present()
      else {
        parent.once('show', present)
        parent.once('restore', present)
      }
    })
    return sheet
  }

  // -- quick ask, tray, menu -----------------------------------------------------------------
  const quickAsk = new QuickAskController({
    createWindow: () => factory.create('quick-ask'),
    place: (win) => {
      const [width = 680] = win.getSize()
      // Wayland tells apps nothing about the pointer: the primary display then.
      const { x, y } = quickAskPosition(screen, width, !wayland)
      win.setPosition(x, y)
    },
    globalShortcut,
    wayland,
    readShortcut: () => getSetting(duck.db, QUICK_ASK_SHORTCUT_KEY),
    writeShortcut: (accelerator) => setSetting(duck.db, QUICK_ASK_SHORTCUT_KEY, accelerator),
    onChange: () => refreshMenus(),
    log
  })
  stopQuickAsk = () => quickAsk.stop()

  const trayTemplate = () =>
    trayMenuTemplate(
      { paused: quickAsk.isPaused, quickAskAccelerator: quickAsk.info().accelerator },
      {
        quickAsk: () => quickAsk.show(),
        openDuck: () => mainWindow.show(),
        setPaused: (paused) => quickAsk.setPaused(paused),
        quit: () => app.quit()
      }
    )
  const tray = new DuckTray(trayTemplate, () => mainWindow.show())

  function refreshMenus(): void {
    const info = quickAsk.info()
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        appMenuTemplate(
          {
            isMac: process.platform === 'darwin',
            isDev,
            quickAskAccelerator: info.accelerator,
            quickAskPaused: info.paused
          },
          {
            newChat: () => mainWindow.command({ type: 'new-chat' }),
            quickAsk: () => quickAsk.show(),
            openLogs: () => void shell.openPath(logger.dir)
          }
        )
      )
    )
    tray.refresh()
  }

  // -- IPC -------------------------------------------------------------------------------------
  const policy: SenderPolicy = { kindOf: (id) => factory.kindOf(id), pageOf: (url) => pages.pageOf(url) }
  const ipc = ipcMain as unknown as IpcMainLike
  const appPages = ['main', 'quick-ask'] as const
  registerHandlers(
    ipc,
    createApiHandlers({
      service: duck,
      streamTo: (ctx, streamId) => streams.listener(ctx.sender, streamId),
      passwordSheet: true,
      mayStartTask: (ctx) => quickAsk.mayStartTask(ctx)
    }),
    { pages: appPages, policy, log }
  )
  registerHandlers(
    ipc,
    createDesktopHandlers({
      pickFolder: (ctx) => pickFolder(ctx),
      openConversation: (conversationId) => {
        const conversation = duck.getConversation(conversationId, { limit: 1 })
        quickAsk.hide()
        mainWindow.showConversation(conversation.conversation_id)
      },
      openPasswordSheet: (ctx, taskId) => sheets.openFor(taskId, ctx.sender),
      quickAskShortcut: () => quickAsk.info(),
      setQuickAskShortcut: (accelerator) => quickAsk.setShortcut(accelerator)
    }),
    { pages: appPages, policy, log }
  )
  registerHandlers(ipc, createSheetHandlers(sheets), { pages: ['password-sheet'], policy, log })

  async function pickFolder(ctx: CallContext): Promise<string | null> {
    const contents = webContents.fromId(ctx.sender.id)
    const owner = contents ? BrowserWindow.fromWebContents(contents) : null
    const release = ctx.page === 'quick-ask' ? quickAsk.hold() : () => undefined
    try {
      const options: Electron.OpenDialogOptions = {
        title: 'Choose a workspace folder',
        properties: ['openDirectory', 'createDirectory']
      }
      const result = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options)
      return result.canceled ? null : (result.filePaths[0] ?? null)
    } finally {
      release()
    }
  }

  // -- start -----------------------------------------------------------------------------------
  const shortcut = quickAsk.start()
  if (!shortcut.registered) logger.warn(`quick ask shortcut not registered: ${shortcut.error ?? 'unknown reason'}`)
  const hasTray = tray.create(trayImage(resourcesDir, process.platform))
  refreshMenus()
  mainWindow.show()

  app.on('second-instance', () => mainWindow.show())
  app.on('activate', () => mainWindow.show())
  app.on('window-all-closed', () => {
    // With a tray icon Duck stays (quick ask, notifications); without one, closing the window quits.
    if (process.platform !== 'darwin' && !hasTray) app.quit()
  })
  app.on('before-quit', () => tray.destroy())

  installTestHooks(process.env, {
    toggleQuickAsk: () => quickAsk.toggle(),
    clickTray: (label) => tray.click(label),
    trayLabels: () => tray.labels(),
    quickAskPaused: () => quickAsk.isPaused,
    secretStoreKind: () => secrets.info.kind,
    webPreferences: () =>
      factory.preferences().map(({ kind, webPreferences }) => ({ kind, webPreferences: { ...webPreferences } }))
  })
}
