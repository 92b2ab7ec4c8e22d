import Database from 'better-sqlite3'
import { join } from 'node:path'
import { expect, test } from '../../fixtures/duck'
import { dataFolder, desktopOnly, factsOf, launch } from './desktop'

test.beforeEach(({ host }, testInfo) => desktopOnly(host, testInfo, 'window size and place'))

test('the main window comes back where it was, unless that place is off every display', async ({
  duckEnv,
  workspace
}) => {
  const data = dataFolder()
  let duck = await launch(data.dir, duckEnv, workspace)
  try {
    const wanted = { x: 140, y: 110, width: 980, height: 680 }
    await duck.app.evaluate(({ BrowserWindow }, bounds) => BrowserWindow.getAllWindows()[0]?.setBounds(bounds), wanted)
    await expect.poll(async () => (await factsOf(duck.app, 'index.html'))?.bounds.width).toBe(wanted.width)
    const placed = (await factsOf(duck.app, 'index.html'))?.bounds
    await duck.app.close()

    duck = await launch(data.dir, duckEnv, workspace)
    const restored = (await factsOf(duck.app, 'index.html'))?.bounds
    // The window manager may nudge the place by its decorations; the size is kept.
    expect(restored?.width).toBe(placed?.width)
    expect(restored?.height).toBe(placed?.height)
    expect(Math.abs((restored?.x ?? 0) - (placed?.x ?? 0))).toBeLessThanOrEqual(40)
    expect(Math.abs((restored?.y ?? 0) - (placed?.y ?? 0))).toBeLessThanOrEqual(40)
    await duck.app.close()

    // A place on a display that is gone (a detached monitor) is not restored.
    const db = new Database(join(data.dir, 'duck.sqlite3'))
    db.prepare(`UPDATE settings SET value = ? WHERE key = 'window_state'`).run(
      JSON.stringify({ x: -9000, y: -9000, width: 900, height: 600, maximized: false })
    )
    db.close()
    duck = await launch(data.dir, duckEnv, workspace)
    const bounds = (await factsOf(duck.app, 'index.html'))?.bounds
    const area = await duck.app.evaluate(({ screen }) => screen.getPrimaryDisplay().workArea)
    expect(bounds && bounds.x + bounds.width > area.x && bounds.x < area.x + area.width).toBe(true)
    expect(bounds && bounds.y + bounds.height > area.y && bounds.y < area.y + area.height).toBe(true)
  } finally {
    await duck.app.close().catch(() => undefined)
    data.remove()
  }
})
