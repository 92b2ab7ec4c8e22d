import { contextBridge, ipcRenderer } from 'electron'
import type { Health } from '../shared/dto'
import { IPC_CHANNELS, type IpcResult } from '../shared/ipc'

async function call<T>(channel: string, ...args: unknown[]): Promise<T> {
  const result = (await ipcRenderer.invoke(channel, ...args)) as IpcResult<T>
  if (result.ok) return result.value
  const error = new Error(result.error.message)
  error.name = result.error.code
  throw error
}

/** Exactly the DuckApi, nothing else: no generic invoke, no process, no env. */
const duck = {
  system: {
    health: () => call<Health>(IPC_CHANNELS.health)
  }
}

contextBridge.exposeInMainWorld('duck', duck)
