import type { DuckApi } from '../../../shared/api'

let api: DuckApi | null = null

export function setApi(next: DuckApi | null): void {
  api = next
}

/** The bridge's DuckApi; actions only run once the window is signed in. */
export function duck(): DuckApi {
  if (!api) throw new Error('Duck is not connected: open the address the Duck server printed.')
  return api
}

export function hasApi(): boolean {
  return api !== null
}
