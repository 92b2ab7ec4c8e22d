import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { expect, test } from '../fixtures/duck'
import { messagesText, planOnce, thinkAndAnswer } from '../fixtures/model'
import { CANARY_PASSWORD } from '../fixtures/sudo'

/** Serious and critical axe violations, described for the failure message. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze()
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact}: ${v.id} — ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`)
}

test('no serious or critical axe violations on the chat, approval, password, audit and settings screens', async ({
  duckPage: page,
  fakeModel
}) => {
  planOnce(
    fakeModel,
    [{ tool: 'shell_exec_safe', args: { command: 'sudo apt update' }, reason: 'Refresh the package lists' }],
    'medium'
  )
  thinkAndAnswer(fakeModel, (body) => ({
    reasoning: 'The lists were refreshed.',
    content: messagesText(body).some((t) => t.includes('sudo updated'))
      ? 'Done.\n\n| Step | Result |\n| --- | --- |\n| update | ok |\n\n```sh\napt list --upgradable\n```'
      : 'sudo did not run.'
  }))

  // Chat, empty.
  await expect(page.getByRole('textbox', { name: 'Message Duck' })).toBeEnabled()
  expect(await seriousViolations(page)).toEqual([])

  await page.getByRole('textbox', { name: 'Message Duck' }).fill('Update the package lists')
  await page.keyboard.press('Enter')

  // The approval dialog.
  const dialog = page.getByRole('dialog', { name: 'Run a command as administrator' })
  await expect(dialog).toBeVisible()
  expect(await seriousViolations(page)).toEqual([])
  await dialog.getByRole('button', { name: 'Allow once' }).click()

  // The password sheet, also with its inline error.
  const sheet = page.getByRole('dialog', { name: 'Administrator password required' })
  await expect(sheet).toBeVisible()
  expect(await seriousViolations(page)).toEqual([])
  await sheet.getByLabel('Password').fill('wrong')
  await page.keyboard.press('Enter')
  await expect(sheet.getByRole('alert')).toBeVisible()
  expect(await seriousViolations(page)).toEqual([])
  await sheet.getByLabel('Password').fill(CANARY_PASSWORD)
  await page.keyboard.press('Enter')

  // Chat with a tool card, thinking, a table and code.
  await expect(page.locator('.stats-line')).toBeVisible()
  await page
    .getByRole('article', { name: 'Tool shell_exec_safe' })
    .getByRole('button', { name: /Show output/ })
    .click()
  expect(await seriousViolations(page)).toEqual([])

  const nav = page.getByRole('navigation', { name: 'Sections' })
  for (const view of ['Audit', 'Memory', 'Skills', 'Settings'] as const) {
    await nav.getByRole('button', { name: view }).click()
    await expect(page.getByRole('main', { name: view })).toBeVisible()
    if (view === 'Audit')
      await expect(page.getByRole('table', { name: 'Command audit' }).getByRole('row')).toHaveCount(2)
    if (view === 'Settings') await expect(page.getByLabel('OpenAI-compatible base URL')).toBeVisible()
    expect(await seriousViolations(page), view).toEqual([])
  }
})

test('every control is reachable by keyboard: send, review and decide with keys only', async ({
  duckPage: page,
  fakeModel
}) => {
  planOnce(fakeModel, [{ tool: 'shell_exec_safe', args: { command: 'touch keys.txt' } }])
  thinkAndAnswer(fakeModel, { content: 'Made keys.txt.' })
  await page.getByRole('textbox', { name: 'Message Duck' }).focus()
  await page.keyboard.type('make keys')
  await page.keyboard.press('Shift+Enter')
  await page.keyboard.type('please')
  await expect(page.getByRole('textbox', { name: 'Message Duck' })).toHaveValue('make keys\nplease')
  await page.keyboard.press('Enter')
  const dialog = page.getByRole('dialog', { name: 'Run a command' })
  await expect(dialog.getByRole('button', { name: 'Deny' })).toBeFocused()
  // Focus stays inside the dialog.
  for (let i = 0; i < 6; i++) await page.keyboard.press('Tab')
  expect(await dialog.evaluate((el) => el.contains(el.ownerDocument.activeElement))).toBe(true)
  await dialog.getByRole('button', { name: 'Allow once' }).focus()
  await page.keyboard.press('Enter')
  await expect(page.locator('.markdown')).toHaveText('Made keys.txt.')
  // Ctrl+B collapses the sidebar and brings it back.
  await page.keyboard.press('Control+b')
  await expect(page.getByRole('complementary', { name: 'Sidebar' })).toHaveCount(0)
  await page.keyboard.press('Control+b')
  await expect(page.getByRole('complementary', { name: 'Sidebar' })).toBeVisible()
})

test('the dark theme follows the OS and keeps contrast', async ({ duckPage: page, fakeModel, snap }) => {
  await page.emulateMedia({ colorScheme: 'dark' })
  planOnce(fakeModel, [{ tool: 'file_read', args: { path: 'note.txt' }, reason: 'Read the note' }])
  thinkAndAnswer(fakeModel, {
    reasoning: 'Reading the note first.',
    content:
      'The note has **three lines**.\n\n| line | text |\n| --- | --- |\n| 1 | stream tool content |\n\n```js\nconst lines = 3 // counted\n```'
  })
  await page.getByRole('textbox', { name: 'Message Duck' }).fill('What does the note say?')
  await page.keyboard.press('Enter')
  await expect(page.locator('.stats-line')).toBeVisible()
  const background = await page.evaluate<string>(`getComputedStyle(document.body).backgroundColor`)
  expect(background).toBe('rgb(27, 26, 24)')
  expect(await seriousViolations(page)).toEqual([])
  await snap('chat-dark')

  // The danger button (white text) on its darker dark-mode red: 5.1:1.
  await page
    .getByRole('region', { name: 'Conversations' })
    .getByRole('button', { name: 'Delete What does the note say?' })
    .click()
  const confirm = page.getByRole('dialog', { name: 'Delete this conversation?' })
  const remove = confirm.getByRole('button', { name: 'Delete' })
  await expect(remove).toHaveCSS('background-color', 'rgb(196, 64, 47)')
  await expect(remove).toHaveCSS('color', 'rgb(255, 255, 255)')
  expect(await seriousViolations(page)).toEqual([])
  await snap('confirm-dark')
  await confirm.getByRole('button', { name: 'Cancel' }).click()
})
