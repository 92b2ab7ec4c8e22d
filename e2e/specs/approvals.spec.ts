import { mkdirSync, existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from '../fixtures/duck'
import { messagesText, planOnce, thinkAndAnswer } from '../fixtures/model'

test('a folder outside the workspace asks first; Allow once lets the task finish in the same message', async ({
  duckPage: page,
  fakeModel,
  workspace,
  snap
}) => {
  const outside = join(workspace, '..', `${workspace.split('/').pop()}-outside`)
  mkdirSync(outside, { recursive: true })
  writeFileSync(join(outside, 'external.txt'), 'external data')
  planOnce(fakeModel, [{ tool: 'list_dir', args: { path: outside }, reason: 'The person asked for that folder' }])
  thinkAndAnswer(fakeModel, (body) => ({
    content: messagesText(body).some((t) => t.includes('external.txt'))
      ? 'That folder holds external.txt.'
      : 'I could not look.'
  }))

  await page.getByRole('textbox', { name: 'Message Duck' }).fill('What is in the outside folder?')
  await page.keyboard.press('Enter')

  const dialog = page.getByRole('dialog', { name: 'Read outside the workspace' })
  await expect(dialog).toBeVisible()
  await expect(dialog.getByRole('button', { name: 'Deny' })).toBeFocused()
  await expect(dialog).toContainText('The person asked for that folder')
  await expect(dialog.locator('.warning-row')).toContainText(outside)
  await expect(dialog.getByLabel('Arguments')).toHaveText(outside)
  await expect(dialog.getByRole('button', { name: 'Always allow' })).toBeVisible()
  await expect(dialog.locator('.approval__rule')).toContainText('Always allow')
  await expect(page.locator('.stage-line')).toHaveText('Waiting for your approval')
  await snap('approval-outside')

  await dialog.getByRole('button', { name: 'Allow once' }).click()
  await expect(dialog).toBeHidden()
  const message = page.locator('.message--assistant')
  await expect(message).toHaveCount(1)
  await expect(message.getByRole('article', { name: 'Tool list_dir' })).toBeVisible()
  await expect(message.locator('.markdown')).toHaveText('That folder holds external.txt.')
  await expect(message).toHaveAttribute('data-status', 'completed')
  // Focus came back to the page, not lost in a closed dialog.
  await expect(page.locator('body')).not.toHaveAttribute('data-scroll-locked', /.+/)
  await snap('approval-allowed-answer')
})

test('Deny skips the command and the answer says so', async ({ duckPage: page, fakeModel, workspace, snap }) => {
  planOnce(fakeModel, [
    { tool: 'shell_exec_safe', args: { command: 'touch made-by-duck.txt' }, reason: 'Create the file' }
  ])
  thinkAndAnswer(fakeModel, (body) => ({
    content: messagesText(body).join('\n').includes('denied') ? 'You denied it, so nothing changed.' : 'Done.'
  }))
  await page.getByRole('textbox', { name: 'Message Duck' }).fill('make a file')
  await page.keyboard.press('Enter')

  const dialog = page.getByRole('dialog', { name: 'Run a command' })
  await expect(dialog).toBeVisible()
  await expect(dialog.getByLabel('Arguments')).toHaveText('touch made-by-duck.txt')
  await expect(dialog.locator('.approval__rule')).toContainText('Always allow touch in')
  await dialog.getByRole('button', { name: 'Deny' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.locator('.markdown')).toHaveText('You denied it, so nothing changed.')
  expect(existsSync(join(workspace, 'made-by-duck.txt'))).toBe(false)
  await snap('approval-denied-answer')
})

test('Esc denies; there is no default button that allows', async ({ duckPage: page, fakeModel, workspace }) => {
  planOnce(fakeModel, [{ tool: 'shell_exec_safe', args: { command: 'touch esc.txt' } }])
  thinkAndAnswer(fakeModel, (body) => ({
    content: messagesText(body).join('\n').includes('denied') ? 'Denied, nothing ran.' : 'Ran.'
  }))
  await page.getByRole('textbox', { name: 'Message Duck' }).fill('touch esc')
  await page.keyboard.press('Enter')
  const dialog = page.getByRole('dialog', { name: 'Run a command' })
  await expect(dialog).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  await expect(page.locator('.markdown')).toHaveText('Denied, nothing ran.')
  expect(existsSync(join(workspace, 'esc.txt'))).toBe(false)
})

test('Always allow creates the rule it showed; Settings lists it and can delete it', async ({
  duckPage: page,
  fakeModel,
  workspace,
  snap
}) => {
  planOnce(fakeModel, [{ tool: 'shell_exec_safe', args: { command: 'touch a.txt' } }])
  thinkAndAnswer(fakeModel, { content: 'Made a.txt.' })
  await page.getByRole('textbox', { name: 'Message Duck' }).fill('touch a')
  await page.keyboard.press('Enter')
  const dialog = page.getByRole('dialog', { name: 'Run a command' })
  await expect(dialog.locator('.approval__rule')).toContainText('Always allow touch in')
  await dialog.getByRole('button', { name: 'Always allow' }).click()
  await expect(page.locator('.markdown')).toHaveText('Made a.txt.')
  expect(existsSync(join(workspace, 'a.txt'))).toBe(true)

  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Settings' }).click()
  const rules = page.getByRole('region', { name: 'Always allow rules' })
  await expect(rules.getByText('touch', { exact: true })).toBeVisible()
  await expect(rules).toContainText(workspace)
  await snap('settings-rules')
  await rules.getByRole('button', { name: 'Delete the rule touch' }).click()
  await expect(rules).toContainText('None yet')
})

test('an approval waiting in the core is shown again after a reload, with its conversation in view', async ({
  duckPage: page,
  duckServer,
  fakeModel
}) => {
  planOnce(fakeModel, [{ tool: 'shell_exec_safe', args: { command: 'touch later.txt' } }])
  thinkAndAnswer(fakeModel, { content: 'Made it later.' })
  await page.getByRole('textbox', { name: 'Message Duck' }).fill('touch later')
  await page.keyboard.press('Enter')
  await expect(page.getByRole('dialog', { name: 'Run a command' })).toBeVisible()

  // A fresh page without the conversation in its address (another window, or after a restart).
  await page.goto(`${duckServer?.url}/?token=${duckServer?.token}`)
  const dialog = page.getByRole('dialog', { name: 'Run a command' })
  await expect(dialog).toBeVisible()
  await expect(page.locator('.message--user')).toHaveText('touch later')
  // (The dialog hides the rest of the page from assistive tech, so this looks by class.)
  await expect(page.locator('.conv__badge')).toHaveText('Waiting')
  await dialog.getByRole('button', { name: 'Allow once' }).click()
  await expect(page.locator('.markdown')).toHaveText('Made it later.')
  await expect(page.locator('.conv__badge')).toHaveCount(0)
})
