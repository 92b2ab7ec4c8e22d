/**
 * Hooks for the desktop end-to-end specs, installed only when `DUCK_TEST_HOOKS=1`: Playwright
 * reaches them with `electronApp.evaluate(() => globalThis.duckTestHooks…)` in the main process.
 * Without the flag nothing here exists, so a packaged app has no such door.
 */
export interface DuckTestHooks {
  toggleQuickAsk(): boolean
  /** Clicks a tray menu item by its label. */
  clickTray(label: string): boolean
  trayLabels(): string[]
  quickAskPaused(): boolean
  secretStoreKind(): string
  /** The webPreferences every open window was created with. */
  webPreferences(): { kind: string; webPreferences: Record<string, unknown> }[]
}

declare global {
  var duckTestHooks: DuckTestHooks | undefined
}

export function installTestHooks(env: Record<string, string | undefined>, hooks: DuckTestHooks): boolean {
  if (env.DUCK_TEST_HOOKS !== '1') return false
  globalThis.duckTestHooks = hooks
  return true
}
