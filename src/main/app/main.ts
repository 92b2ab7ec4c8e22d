import { app, BrowserWindow, session } from 'electron'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { readEnvConfig } from '../core/config/env'
import { DuckService } from '../core/service'
import { registerIpcHandlers } from './ipc'
import { denyPermissions, hardenedWebPreferences, lockNavigation } from './security'

const here = fileURLToPath(new URL('.', import.meta.url))
const rendererIndex = join(here, '../renderer/index.html')
const preloadPath = join(here, '../preload/index.cjs')
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined

function isAppUrl(url: string): boolean {
  if (devServerUrl && url.startsWith(devServerUrl)) return true
  return url.startsWith(pathToFileURL(rendererIndex).href)
}

let mainWindow: BrowserWindow | null = null
let service: DuckService | null = null

function createMainWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Duck',
    webPreferences: hardenedWebPreferences(preloadPath)
  })
  lockNavigation(win, isAppUrl)
  win.once('ready-to-show', () => win.show())
  if (devServerUrl) void win.loadURL(devServerUrl)
  else void win.loadFile(rendererIndex)
  return win
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.focus()
  })

  void app.whenReady().then(() => {
    const userDataDir = process.env.DUCK_DATA_DIR?.trim() || app.getPath('userData')
    if (process.env.DUCK_DATA_DIR) app.setPath('userData', userDataDir)
    const binding = process.env.DUCK_SQLITE_BINDING
    service = new DuckService({
      env: readEnvConfig(userDataDir),
      userDataDir,
      ...(binding ? { nativeBinding: binding } : {})
    })
    denyPermissions(session.defaultSession)
    registerIpcHandlers(service, isAppUrl)
    mainWindow = createMainWindow()
    mainWindow.on('closed', () => {
      mainWindow = null
    })
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) mainWindow = createMainWindow()
    })
  })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('will-quit', () => {
    void service?.close()
  })
}
