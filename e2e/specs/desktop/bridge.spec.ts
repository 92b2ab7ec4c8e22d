import { expect, test } from '../../fixtures/duck'
import { dataFolder, desktopOnly, launch } from './desktop'

test.beforeEach(({ host }, testInfo) => desktopOnly(host, testInfo, 'the Electron bridge and hardening'))

test('the window gets exactly DuckApi and duckDesktop: no Node, no generic invoke', async ({ duckEnv, workspace }) => {
  const data = dataFolder()
  const duck = await launch(data.dir, duckEnv, workspace)
  try {
    const seen = await duck.page.evaluate<{
      groups: string[]
      methods: string[]
      desktop: string[]
      nodeGlobals: string[]
      secretStore: unknown
      health: unknown
    }>(`(async () => ({
      groups: Object.keys(window.duck).sort(),
      methods: Object.entries(window.duck).flatMap(([g, v]) => Object.keys(v).map((m) => g + '.' + m)).sort(),
      desktop: Object.keys(window.duckDesktop).sort(),
      nodeGlobals: ['require', 'process', 'module', 'Buffer', 'global', 'ipcRenderer'].filter((name) => typeof window[name] !== 'undefined'),
      secretStore: window.duckDesktop.secretStore,
      health: await window.duck.system.health()
    }))()`)
    expect(seen.groups).toEqual([
      'approvals',
      'audit',
      'chat',
      'conversations',
      'memory',
      'settings',
      'skills',
      'system',
      'tasks'
    ])
    expect(seen.methods).toContain('chat.send')
    expect(seen.methods.some((m) => /invoke|send$|on$/.test(m.split('.')[1] ?? '') && m !== 'chat.send')).toBe(false)
    expect(seen.desktop).toContain('nativePasswordSheet')
    expect(seen.nodeGlobals).toEqual([])
    expect(seen.secretStore).toEqual({ kind: 'memory', persistent: false })
    expect(seen.health).toMatchObject({ status: 'ok' })

    // Every window is sandboxed and isolated, with devtools only when not packaged (Playwright runs
    // the unpackaged electron binary on out/main, where they are on).
    const prefs = await duck.app.evaluate(() => globalThis.duckTestHooks?.webPreferences() ?? [])
    const packaged = await duck.app.evaluate(({ app }) => app.isPackaged)
    expect(prefs.map((p) => p.kind)).toEqual(['main'])
    for (const { webPreferences } of prefs) {
      expect(webPreferences).toMatchObject({
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        webviewTag: false,
        spellcheck: false,
        devTools: !packaged
      })
    }
    // The page comes from duck://app/, not from file:// (where 'self' would be the whole disk).
    expect(duck.page.url()).toMatch(/^duck:\/\/app\/index\.html/)

    // Navigation away from the app and window.open are refused.
    const before = duck.page.url()
    await duck.page.evaluate(`window.location.href = 'https://example.com/'`).catch(() => undefined)
    await duck.page.waitForTimeout(300)
    expect(duck.page.url()).toBe(before)
    expect(await duck.page.evaluate(`window.open('https://example.com/') === null`)).toBe(true)
    expect(duck.app.windows()).toHaveLength(1)
  } finally {
    await duck.app.close()
    data.remove()
  }
})
