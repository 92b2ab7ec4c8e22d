import { useDuck } from '.'

const FLAG = 'duck.testHooks'

declare global {
  interface Window {
    /** Only with `?testHooks=1` (end-to-end tests): read-only access to the window's store. */
    __duckTest?: { state(): unknown }
  }
}

/**
 * End-to-end tests read the store through this hook to prove what it does not hold (the sudo
 * password). It exists only when the address carried `?testHooks=1` in this tab.
 */
export function installTestHooks(): void {
  const url = new URL(window.location.href)
  let on = false
  try {
    if (url.searchParams.get('testHooks') === '1') sessionStorage.setItem(FLAG, '1')
    on = sessionStorage.getItem(FLAG) === '1'
  } catch {
    on = false
  }
  if (!on) return
  window.__duckTest = { state: () => useDuck.getState() }
}
