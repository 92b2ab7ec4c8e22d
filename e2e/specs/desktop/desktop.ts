/** Shared by the desktop-only specs: they run on the `electron` project and skip, with the reason, elsewhere. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ElectronApplication, Page, TestInfo } from '@playwright/test'
import { electronUnavailable, launchDuck, type LaunchedDuck } from '../../fixtures/electron'
import type { Host } from '../../fixtures/duck'
import { ARTIFACTS } from '../../fixtures/paths'

export function desktopOnly(host: Host, testInfo: TestInfo, what: string): void {
  testInfo.skip(host === 'web', `Desktop only (${what}): it runs on the electron project; a browser has no such thing.`)
  const missing = electronUnavailable()
  testInfo.skip(missing !== null, `Electron host skipped: ${missing}.`)
}

/** A temp data folder that outlives one launch (window state is restored from it). */
export function dataFolder(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'duck-desktop-'))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

export async function launch(dataDir: string, env: Record<string, string>, workspace?: string): Promise<LaunchedDuck> {
  return launchDuck({ dataDir, env, ...(workspace ? { workspace } : {}) })
}

/** A kept screenshot of any window (e2e-artifacts/electron/<name>.png). */
export async function snapWindow(page: Page, name: string, testInfo: TestInfo): Promise<void> {
  const dir = join(ARTIFACTS, 'electron')
  mkdirSync(dir, { recursive: true })
  const path = join(dir, `${name}.png`)
  await page.screenshot({ path })
  await testInfo.attach(name, { path, contentType: 'image/png' })
}

export interface WindowFacts {
  url: string
  visible: boolean
  focused: boolean
  modal: boolean
  alwaysOnTop: boolean
  parentUrl: string | null
  bounds: { x: number; y: number; width: number; height: number }
}

/** What main knows about every window, read in the main process. */
export function windowFacts(app: ElectronApplication): Promise<WindowFacts[]> {
  return app.evaluate(({ BrowserWindow }) =>
    BrowserWindow.getAllWindows().map((w) => ({
      url: w.webContents.getURL(),
      visible: w.isVisible(),
      focused: w.isFocused(),
      modal: w.isModal(),
      alwaysOnTop: w.isAlwaysOnTop(),
      parentUrl: w.getParentWindow()?.webContents.getURL() ?? null,
      bounds: w.getBounds()
    }))
  )
}

export async function factsOf(app: ElectronApplication, file: string): Promise<WindowFacts | undefined> {
  return (await windowFacts(app)).find((w) => w.url.includes(`/${file}`))
}
