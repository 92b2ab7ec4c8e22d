import { readFileSync } from 'node:fs'
import { expect, test } from '../fixtures/duck'
import { messagesText, planOnce, thinkAndAnswer } from '../fixtures/model'
import { CANARY_PASSWORD } from '../fixtures/sudo'

const WRONG = 'not-it-91b2'

test('sudo: approval, a wrong password, the right one, the answer — and no trace of the password anywhere', async ({
  duckPage: page,
  fakeModel,
  snap
}) => {
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

  await page.getByRole('textbox', { name: 'Message Duck' }).fill('Update the package lists')
  await page.keyboard.press('Enter')

  // The approval: privileged, no "Always allow" (sudo can never become a rule).
  const dialog = page.getByRole('dialog', { name: 'Run a command as administrator' })
  await expect(dialog).toBeVisible()
  await expect(dialog.locator('[data-risk]')).toHaveText('Privileged')
  await expect(dialog.getByRole('button', { name: 'Always allow' })).toHaveCount(0)
  await expect(dialog.getByLabel('Arguments')).toHaveText('sudo apt update')
  await snap('sudo-approval')
  await dialog.getByRole('button', { name: 'Allow once' }).click()

  // The password sheet: the exact command, focus in the field.
  const sheet = page.getByRole('dialog', { name: 'Administrator password required' })
  await expect(sheet).toBeVisible()
  await expect(sheet.getByLabel('Command')).toHaveText('sudo apt update')
  const field = sheet.getByLabel('Password')
  await expect(field).toBeFocused()
  await expect(page.locator('.stage-line')).toHaveText('Waiting for the administrator password')
  await snap('sudo-password')

  await field.fill(WRONG)
  await sheet.getByRole('button', { name: 'Run' }).click()
  await expect(sheet.getByRole('alert')).toHaveText('Wrong password — 2 tries left')
  await expect(field).toHaveValue('')
  await expect(field).toBeFocused()
  await snap('sudo-wrong-password')

  await field.fill(CANARY_PASSWORD)
  await page.keyboard.press('Enter')
  await expect(sheet).toBeHidden()
  // The sheet gives focus back to the composer.
  await expect(page.getByRole('textbox', { name: 'Message Duck' })).toBeFocused()
  await expect(page.locator('.markdown')).toHaveText('The package lists are up to date.')
  const card = page.getByRole('article', { name: 'Tool shell_exec_safe' })
  await expect(card.locator('[data-risk]')).toHaveText('Privileged')
  await card.getByRole('button', { name: /Show output/ }).click()
  await expect(card.locator('.tool-card__pre')).toContainText('sudo updated: apt update')
  await snap('sudo-answer')

  // No trace of either password: DOM, storage, the store.
  // (A string, because this project's TypeScript has no DOM types.)
  const traces = await page.evaluate<Record<string, string>>(`({
    html: document.documentElement.outerHTML,
    local: JSON.stringify({ ...localStorage }),
    session: JSON.stringify({ ...sessionStorage }),
    store: JSON.stringify(window.__duckTest?.state() ?? null)
  })`)
  expect(traces.store).toContain('sudo apt update')
  for (const [where, text] of Object.entries(traces)) {
    expect(text, where).not.toContain(CANARY_PASSWORD)
    expect(text, where).not.toContain(WRONG)
  }

  // The audit viewer shows the command: approved once, exit 0.
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Audit' }).click()
  const table = page.getByRole('table', { name: 'Command audit' })
  const row = table.getByRole('row').filter({ hasText: 'sudo apt update' })
  await expect(row).toHaveCount(1)
  await expect(row).toContainText('Privileged')
  await expect(row).toContainText('Allowed once')
  await expect(row.getByRole('cell').nth(5)).toHaveText('Yes')
  await expect(row.getByRole('cell').nth(6)).toHaveText('0')
  await snap('audit-sudo')

  // Export: CSV and JSON downloads hold the command and never the password.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'CSV' }).click()])
  const csvText = readFileSync(await csv.path(), 'utf8')
  expect(csvText.split('\r\n')[0]).toBe(
    'time,command,action_type,risk_level,decision,approved,exit_code,workspace,task_id,conversation_id'
  )
  expect(csvText).toContain('sudo apt update')
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'JSON' }).click()])
  // JSON lines: one audit record per line.
  const rows = readFileSync(await json.path(), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { payload: { command: string } })
  expect(rows.map((r) => r.payload.command)).toContain('sudo apt update')
  for (const text of [csvText, JSON.stringify(rows)]) expect(text).not.toContain(CANARY_PASSWORD)

  // A row opens its conversation.
  await row.click()
  await expect(page.locator('.message--user')).toHaveText('Update the package lists')
})
