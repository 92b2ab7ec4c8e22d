// The preload of the native password sheet: window.duckSheet and nothing else.
import { contextBridge, ipcRenderer } from 'electron'
import { createSheetApi } from './sheet-api'

contextBridge.exposeInMainWorld('duckSheet', createSheetApi(ipcRenderer))
