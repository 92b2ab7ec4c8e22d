import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from '../../fixtures/duck'
import { messagesText, planOnce, thinkAndAnswer } from '../../fixtures/model'
import { dataFolder, desktopOnly, factsOf, launch, snapWindow } from './desktop'
import { windowShowing } from '../../fixtures/electron'
import type { LaunchedDuck } from '../../fixtures/electron'
import type { FakeModelServer } from '../../../test/support/fake-model-server'

const WRONG = 'not-it-91b2'

test.beforeEach(({ host }, testInfo) => desktopOnly(host, testInfo, 'the native password sheet'))

async function sudoUntilSheet(duck: LaunchedDuck, fakeModel: FakeModelServer) {
  planOnce(
    fakeModel,
    [{ tool: 'shell_exec_safe', args: { command: 'sudo apt update' }, reason: 'Refresh the package lists' }],
    'medium'
  )
  thinkAndAnswer(fakeModel, (body) => ({
    content: messagesText(body).some((t) => t.includes('sudo updated'))
      ? 'The package lists are up to date.'
      : 'sudo did not run.'
  }))
  const page = duck.page
  await page.getByRole('textbox', { name: 'Message Duck' }).fill('Update the package lists')
  await page.keyboard.press('Enter')
  await page
    .getByRole('dialog', { name: 'Run a command as administrator' })
    .getByRole('button', { name: 'Allow once' })
    .click()
  return windowShowing(duck.app, 'password-sheet.html')
}

test('sudo asks in a native sheet: a wrong password shows its error, the right one closes it, the window never sees it', async ({
  duckEnv,
  workspace,
  fakeModel,
  sudoPassword
}, testInfo) => {
  const data = dataFolder()
  const duck = await launch(data.dir, duckEnv, workspace)
  try {
    const sheet = await sudoUntilSheet(duck, fakeModel)
    await expect(sheet.getByRole('heading', { name: 'Administrator password required' })).toBeVisible()
    await expect(sheet.getByLabel('Command')).toHaveText('sudo apt update')
    const field = sheet.getByLabel('Your password (for sudo)')
    await expect(field).toBeFocused()
    // A modal child of the main window (a sheet on macOS); the window shows no password field of its own.
    expect(await factsOf(duck.app, 'password-sheet.html')).toMatchObject({
      modal: true,
      visible: true,
      parentUrl: expect.stringContaining('/index.html')
    })
    await expect(duck.page.getByRole('dialog', { name: 'Administrator password required' })).toHaveCount(0)
    await expect(duck.page.locator('input[type="password"]')).toHaveCount(0)
    await snapWindow(sheet, 'native-password-sheet', testInfo)

    await field.fill(WRONG)
    await sheet.getByRole('button', { name: 'Run' }).click()
    await expect(sheet.locator('#message')).toHaveText('Wrong password — 2 tries left.')
    await expect(field).toHaveValue('')
    await snapWindow(sheet, 'native-password-sheet-wrong', testInfo)

    await field.fill(sudoPassword)
    const closed = sheet.waitForEvent('close')
    await field.press('Enter')
    await closed
    await expect(duck.page.locator('.markdown')).toHaveText('The package lists are up to date.')

    // The password went sheet → main → sudo's stdin: no trace in the main window, its storage and
    // store, the database or the logs.
    const traces = await duck.page.evaluate<string>(`JSON.stringify({
      html: document.documentElement.outerHTML,
      local: { ...localStorage },
      session: { ...sessionStorage },
      store: window.__duckTest ? window.__duckTest.state() : null
    })`)
    for (const secret of [sudoPassword, WRONG]) expect(traces).not.toContain(secret)
    await duck.app.close()
    // Duck's own files: the database (and its WAL), secrets.json, the logs. The data folder is
    // also Electron's userData, full of Chromium's folders (Local Storage, GPUCache…): only
    // regular files are read.
    const files = [data.dir, join(data.dir, 'logs')].flatMap((dir) =>
      readdirSync(dir, { withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => join(dir, entry.name))
    )
    expect(files.some((f) => f.endsWith('duck.sqlite3'))).toBe(true)
    for (const file of files) {
      const bytes = readFileSync(file).toString('latin1')
      for (const secret of [sudoPassword, WRONG]) expect(bytes, file).not.toContain(secret)
    }
  } finally {
    await duck.app.close().catch(() => undefined)
    data.remove()
  }
})

test('Cancel closes the sheet and cancels the task', async ({ duckEnv, workspace, fakeModel }) => {
  const data = dataFolder()
  const duck = await launch(data.dir, duckEnv, workspace)
  try {
    const sheet = await sudoUntilSheet(duck, fakeModel)
    const closed = sheet.waitForEvent('close')
    await sheet.getByRole('button', { name: 'Cancel' }).click()
    await closed
    const status = await duck.page.evaluate<string>(`(async () => {
      const list = await window.duck.conversations.list()
      const detail = await window.duck.conversations.get(list[0].conversation_id)
      const last = detail.messages[detail.messages.length - 1]
      return (await window.duck.tasks.get(last.task_id)).status
    })()`)
    expect(status).toBe('cancelled')
  } finally {
    await duck.app.close()
    data.remove()
  }
})
