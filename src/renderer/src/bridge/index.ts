import type { DuckApi } from '../../../shared/api'
import { wrapIpcApi, type DuckDesktop } from '../../../shared/ipc'
import { createHttpApi } from './http'

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser. */
    duck?: DuckApi
    /** What only the desktop app has (native folder picker and password sheet, commands from main). */
    duckDesktop?: DuckDesktop
  }
}

const TOKEN_KEY = 'duck.token'

/** Takes `?token=` from the address (then removes it) or the one this tab already had. */
export function takeToken(): string | null {
  const url = new URL(window.location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl)
    url.searchParams.delete('token')
    window.history.replaceState(null, '', url.pathname + url.search + url.hash)
    return fromUrl
  }
  return sessionStorage.getItem(TOKEN_KEY)
}

export type Transport = 'ipc' | 'http'

export interface Bridge {
  api: DuckApi
  transport: Transport
}

/** IPC when the preload exposed `window.duck` (Electron), HTTP + SSE otherwise (browser). */
export function createBridge(): Bridge | null {
  if (window.duck) return { api: wrapIpcApi(window.duck), transport: 'ipc' }
  const token = takeToken()
  if (!token) return null
  return { api: createHttpApi(window.location.origin, token), transport: 'http' }
}

/** The desktop app's extras, or null in a browser. */
export function desktop(): DuckDesktop | null {
  return window.duckDesktop ?? null
}

/** In the desktop app sudo passwords go to a native sheet; the window shows no field of its own. */
export function nativePasswordSheet(): boolean {
  return window.duckDesktop?.nativePasswordSheet === true
}
