import { mkdirSync, existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, test } from '../fixtures/duck'
import { messagesText, planOnce, thinkAndAnswer } from '../fixtures/model'
import type { HeadlessServer } from '../fixtures/server'

/** Every time the page reads one conversation (GET /v1/conversations/<id>) from now on. */
function conversationReads(page: Page): string[] {
  const reads: string[] = []
  page.on('request', (request) => {
    if (request.method() === 'GET' && /\/v1\/conversations\/conv_/.test(request.url())) reads.push(request.url())
  })
  return reads
}

/** Another client of the same Duck (another window, a script) calling its API. */
async function api<T>(server: HeadlessServer | null, method: string, path: string): Promise<T> {
  if (!server) throw new Error('no headless server')
  const response = await fetch(server.url + path, { method, headers: { Authorization: `Bearer ${server.token}` } })
  expect(response.ok, `${method} ${path}: ${response.status}`).toBe(true)
  return (await response.json()) as T
}

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
  // Focus came back to the composer, not lost on the page body with the closed dialog.
  await expect(page.locator('body')).not.toHaveAttribute('data-scroll-locked', /.+/)
  await expect(page.getByRole('textbox', { name: 'Message Duck' })).toBeFocused()
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
  await expect(page.getByRole('textbox', { name: 'Message Duck' })).toBeFocused()
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
  // A shell command's streams carry its audit events, so their seqs have no holes: the window
  // never has to re-read the conversation to fill a gap.
  const rereads = conversationReads(page)
  await page.getByRole('textbox', { name: 'Message Duck' }).fill('touch a')
  await page.keyboard.press('Enter')
  const dialog = page.getByRole('dialog', { name: 'Run a command' })
  await expect(dialog.locator('.approval__rule')).toContainText('Always allow touch in')
  await dialog.getByRole('button', { name: 'Always allow' }).click()
  await expect(page.locator('.markdown')).toHaveText('Made a.txt.')
  expect(existsSync(join(workspace, 'a.txt'))).toBe(true)
  await expect(page.locator('.message--assistant')).toHaveAttribute('data-status', 'completed')
  await page.waitForTimeout(300)
  expect(rereads).toEqual([])

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

test('Deny after another window allowed the same request stops the task: the command never runs', async ({
  host,
  duckPage: page,
  duckServer,
  fakeModel,
  workspace,
  snap
}) => {
  test.skip(host === 'electron', "The other client here is the headless server's HTTP API (web host).")
  planOnce(fakeModel, [
    { tool: 'shell_exec_safe', args: { command: 'touch allowed-elsewhere.txt' }, reason: 'Create the file' }
  ])
  thinkAndAnswer(fakeModel, { content: 'Made allowed-elsewhere.txt.' })
  await page.getByRole('textbox', { name: 'Message Duck' }).fill('make the file')
  await page.keyboard.press('Enter')
  const dialog = page.getByRole('dialog', { name: 'Run a command' })
  await expect(dialog).toBeVisible()

  // Another window allows it first (nothing has continued the task yet).
  const pending = await api<{ approval_id: string; task_id: string }[]>(duckServer, 'GET', '/v1/approvals/pending')
  expect(pending).toHaveLength(1)
  const [{ approval_id, task_id }] = pending as [{ approval_id: string; task_id: string }]
  const allowed = await api<{ status: string }>(duckServer, 'POST', `/v1/approvals/${approval_id}/allow_once`)
  expect(allowed.status).toBe('allowed_once')

  // This window still shows the dialog; the person denies here.
  await dialog.getByRole('button', { name: 'Deny' }).click()
  await expect(dialog).toBeHidden()
  const message = page.locator('.message--assistant')
  await expect(message).toHaveAttribute('data-status', 'cancelled')
  await expect(message.getByRole('status')).toHaveText(
    'This request was already allowed in another window; Duck stopped it because you denied it here.'
  )
  await expect(page.locator('.stage-line')).toHaveCount(0)
  await expect(page.getByRole('dialog')).toHaveCount(0)
  await expect(page.getByRole('textbox', { name: 'Message Duck' })).toBeFocused()
  const task = await api<{ status: string }>(duckServer, 'GET', `/v1/tasks/${task_id}`)
  expect(task.status).toBe('cancelled')
  expect(await api<unknown[]>(duckServer, 'GET', '/v1/approvals/pending')).toEqual([])
  expect(existsSync(join(workspace, 'allowed-elsewhere.txt'))).toBe(false)
  await snap('approval-denied-after-allowed-elsewhere')

  // A reload tells the same story: stopped, no dialog, no file.
  await page.reload()
  await expect(page.locator('.message--assistant')).toHaveAttribute('data-status', 'cancelled')
  await expect(page.getByRole('dialog')).toHaveCount(0)
  expect(existsSync(join(workspace, 'allowed-elsewhere.txt'))).toBe(false)
})

test('a dialog for an approval decided elsewhere closes when the window looks again', async ({
  host,
  duckPage: page,
  duckServer,
  fakeModel,
  workspace
}) => {
  test.skip(host === 'electron', "The other client here is the headless server's HTTP API (web host).")
  planOnce(fakeModel, [{ tool: 'shell_exec_safe', args: { command: 'touch denied-elsewhere.txt' } }])
  thinkAndAnswer(fakeModel, { content: 'Ran.' })
  await page.getByRole('textbox', { name: 'Message Duck' }).fill('make another file')
  await page.keyboard.press('Enter')
  const dialog = page.getByRole('dialog', { name: 'Run a command' })
  await expect(dialog).toBeVisible()
  const [pending] = await api<{ approval_id: string }[]>(duckServer, 'GET', '/v1/approvals/pending')
  await api(duckServer, 'POST', `/v1/approvals/${pending?.approval_id}/deny`)
  const rereads = conversationReads(page)
  // The window looks for pending approvals when it gets focus (here: a focus event).
  await page.evaluate(`window.dispatchEvent(new Event('focus'))`)
  await expect(dialog).toBeHidden()
  await expect.poll(() => rereads.length).toBeGreaterThan(0)
  await page.waitForTimeout(300)
  await expect(page.getByRole('dialog')).toHaveCount(0)
  expect(existsSync(join(workspace, 'denied-elsewhere.txt'))).toBe(false)
})
