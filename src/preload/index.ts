// The preload of Duck's main and quick-ask windows: window.duck (exactly DuckApi) and window.duckDesktop.
import { contextBridge, ipcRenderer } from 'electron'
import { createDesktopApi } from './desktop-api'
import { createDuckApi } from './duck-api'
import { createStreamRouter } from './ipc-client'

const streams = createStreamRouter(ipcRenderer)
contextBridge.exposeInMainWorld('duck', createDuckApi(ipcRenderer, streams))
contextBridge.exposeInMainWorld(
  'duckDesktop',
  createDesktopApi(ipcRenderer, streams, { argv: process.argv, platform: process.platform })
)
