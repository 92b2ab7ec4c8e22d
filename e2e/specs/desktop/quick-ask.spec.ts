import { expect, test } from '../../fixtures/duck'
import { planNothing, thinkAndAnswer } from '../../fixtures/model'
import { windowShowing } from '../../fixtures/electron'
import { dataFolder, desktopOnly, factsOf, launch, snapWindow } from './desktop'

test.beforeEach(({ host }, testInfo) => desktopOnly(host, testInfo, 'the tray and the quick-ask window'))

test('the quick-ask window toggles, hides on Esc and on blur, and hands its conversation to the main window', async ({
  duckEnv,
  workspace,
  fakeModel
}, testInfo) => {
  const data = dataFolder()
  const duck = await launch(data.dir, duckEnv, workspace)
  try {
    // The global shortcut is registered (the test hook presses it for us: no OS key events here).
    expect(await duck.page.evaluate(`window.duckDesktop.quickAskShortcut()`)).toMatchObject({
      accelerator: 'CommandOrControl+Shift+Space',
      paused: false
    })
    expect(await duck.app.evaluate(() => globalThis.duckTestHooks?.toggleQuickAsk())).toBe(true)
    const quick = await windowShowing(duck.app, 'quick-ask.html')
    await expect.poll(() => factsOf(duck.app, 'quick-ask.html')).toMatchObject({ visible: true, alwaysOnTop: true })

    await quick.keyboard.press('Escape')
    await expect.poll(async () => (await factsOf(duck.app, 'quick-ask.html'))?.visible).toBe(false)

    await duck.app.evaluate(() => globalThis.duckTestHooks?.toggleQuickAsk())
    await expect.poll(async () => (await factsOf(duck.app, 'quick-ask.html'))?.visible).toBe(true)
    await duck.app.evaluate(({ BrowserWindow }) =>
      BrowserWindow.getAllWindows()
        .find((w) => w.webContents.getURL().includes('/index.html'))
        ?.focus()
    )
    await expect.poll(async () => (await factsOf(duck.app, 'quick-ask.html'))?.visible).toBe(false)

    // Ask, then open the conversation in the main window.
    planNothing(fakeModel)
    thinkAndAnswer(fakeModel, { content: 'It is **demo**, version 1.0.0.' })
    await duck.app.evaluate(() => globalThis.duckTestHooks?.toggleQuickAsk())
    const input = quick.getByRole('textbox', { name: 'Ask Duck' })
    await expect(input).toBeEnabled()
    await input.fill('Which version is this project?')
    await input.press('Enter')
    await expect(quick.locator('.markdown')).toHaveText('It is demo, version 1.0.0.')
    await snapWindow(quick, 'quick-ask-window', testInfo)
    await quick.getByRole('link', { name: 'Open in Duck' }).click()
    await expect(duck.page).toHaveURL(/[?&]conversation=conv_/)
    await expect(duck.page.locator('.markdown')).toHaveText('It is demo, version 1.0.0.')
    await expect.poll(async () => (await factsOf(duck.app, 'quick-ask.html'))?.visible).toBe(false)
    expect(await factsOf(duck.app, 'index.html')).toMatchObject({ visible: true })
  } finally {
    await duck.app.close()
    data.remove()
  }
})

test('the tray pauses and resumes quick ask; a new shortcut is kept across restarts', async ({
  duckEnv,
  workspace
}) => {
  const data = dataFolder()
  let duck = await launch(data.dir, duckEnv, workspace)
  try {
    const labels = () => duck.app.evaluate(() => globalThis.duckTestHooks?.trayLabels() ?? [])
    expect(await labels()).toEqual(['Quick Ask', 'Open Duck', 'Pause Quick Ask', 'Quit Duck'])
    expect(await duck.app.evaluate(() => globalThis.duckTestHooks?.clickTray('Pause Quick Ask'))).toBe(true)
    expect(await labels()).toEqual(['Quick Ask', 'Open Duck', 'Resume Quick Ask', 'Quit Duck'])
    expect(await duck.app.evaluate(() => globalThis.duckTestHooks?.toggleQuickAsk())).toBe(false)
    expect(await duck.page.evaluate(`window.duckDesktop.quickAskShortcut()`)).toMatchObject({
      paused: true,
      registered: false
    })
    expect(await duck.app.evaluate(() => globalThis.duckTestHooks?.clickTray('Resume Quick Ask'))).toBe(true)
    expect(await duck.app.evaluate(() => globalThis.duckTestHooks?.quickAskPaused())).toBe(false)

    expect(await duck.page.evaluate(`window.duckDesktop.setQuickAskShortcut('Alt+Shift+K')`)).toMatchObject({
      accelerator: 'Alt+Shift+K'
    })
    const refused = await duck.page.evaluate<unknown>(
      `window.duckDesktop.setQuickAskShortcut('K').then(() => null, (e) => e)`
    )
    expect(refused).toMatchObject({ code: 'invalid_input' })
    await duck.app.close()
    duck = await launch(data.dir, duckEnv, workspace)
    expect(await duck.page.evaluate(`window.duckDesktop.quickAskShortcut()`)).toMatchObject({
      accelerator: 'Alt+Shift+K'
    })
  } finally {
    await duck.app.close()
    data.remove()
  }
})
