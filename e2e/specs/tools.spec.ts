import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from '../fixtures/duck'
import { messagesText, planOnce, thinkAndAnswer } from '../fixtures/model'

test('a tool card comes before the answer, with its arguments, status and output', async ({
  duckPage: page,
  fakeModel,
  snap
}) => {
  planOnce(fakeModel, [
    { tool: 'file_read', args: { path: 'note.txt' }, reason: 'The person asked what the note says' }
  ])
  thinkAndAnswer(fakeModel, (body) => ({
    content: messagesText(body).some((t) => t.includes('stream tool content'))
      ? 'The note says **stream tool content**.'
      : 'I saw nothing.'
  }))

  await page.getByRole('textbox', { name: 'Message Duck' }).fill('Read note.txt')
  await page.getByRole('button', { name: 'Send' }).click()

  const card = page.getByRole('article', { name: 'Tool file_read' })
  await expect(card).toBeVisible()
  await expect(card.locator('.tool-card__args')).toHaveText('note.txt')
  await expect(card).toContainText('The person asked what the note says')
  await expect(card.locator('[data-risk]')).toHaveText(/risk/)
  await expect(card).toContainText('Read files')
  await expect(page.locator('.markdown')).toContainText('The note says stream tool content.')

  // The card is above the answer.
  const cardBox = await card.boundingBox()
  const answerBox = await page.locator('.markdown').boundingBox()
  expect(cardBox && answerBox && cardBox.y < answerBox.y).toBe(true)

  // The output is collapsed behind its line count and opens on demand.
  const show = card.getByRole('button', { name: /Show output \(\d+ lines?\)/ })
  await expect(show).toHaveAttribute('aria-expanded', 'false')
  await show.click()
  await expect(card.locator('.tool-card__pre')).toContainText('stream tool content')
  await snap('tool-card')
})

test('a shell command card shows the full command, wrapped, with exit code, sandbox and duration', async ({
  duckPage: page,
  fakeModel,
  snap
}) => {
  const long = `echo ${'wrapped-'.repeat(30)}end`
  planOnce(fakeModel, [{ tool: 'shell_exec_safe', args: { command: long }, reason: 'Print a long line' }], 'none')
  thinkAndAnswer(fakeModel, { content: 'Printed it.' })

  await page.getByRole('textbox', { name: 'Message Duck' }).fill('print a long line')
  await page.keyboard.press('Enter')
  const card = page.getByRole('article', { name: 'Tool shell_exec_safe' })
  await expect(card.locator('.tool-card__args')).toHaveText(long)
  // The policy ran it without asking, so in the read-only sandbox (CI installs bubblewrap).
  await expect(card.locator('.tool-card__status')).toHaveText(/exit 0 · sandboxed, read-only · \d+ ms/)
  // Never cut off: the block wraps inside the card instead of overflowing it.
  const widths = await card
    .locator('.tool-card__args')
    .evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }))
  expect(widths.scroll).toBeLessThanOrEqual(widths.client)
  await expect(page.locator('.markdown')).toContainText('Printed it.')
  await snap('tool-card-shell')
})

test('a file edit asks with its diff first; Allow once writes exactly that change, which the task can undo', async ({
  duckPage: page,
  fakeModel,
  workspace,
  snap
}) => {
  planOnce(fakeModel, [
    {
      tool: 'file_edit',
      args: { path: 'note.txt', edits: [{ old_text: 'stream tool content', new_text: 'edited by Duck' }] },
      reason: 'The person asked to change the note'
    }
  ])
  thinkAndAnswer(fakeModel, { content: 'I changed the note.' })

  await page.getByRole('textbox', { name: 'Message Duck' }).fill('Change the note')
  await page.keyboard.press('Enter')
  const dialog = page.getByTestId('approval-dialog')
  const diff = dialog.getByRole('region', { name: /Changes to .*note\.txt/ })
  await expect(diff).toBeVisible()
  await expect(diff.getByLabel('1 lines added')).toHaveText('+1')
  await expect(diff.getByLabel('1 lines removed')).toHaveText('−1')
  await expect(diff.locator('.diff__line--removed').last()).toHaveText('-stream tool content')
  await expect(diff.locator('.diff__line--added').last()).toHaveText('+edited by Duck')
  // Nothing is written before the person decides.
  expect(readFileSync(join(workspace, 'note.txt'), 'utf8')).toContain('stream tool content')
  await snap('approval-file-edit')

  await dialog.getByRole('button', { name: 'Allow once' }).click()
  await expect(page.locator('.markdown')).toContainText('I changed the note.')
  expect(readFileSync(join(workspace, 'note.txt'), 'utf8')).toContain('edited by Duck')
  // The task lists what it changed, and can be undone — and the undo undone.
  const changes = page.getByRole('region', { name: 'Changes' })
  await expect(changes).toContainText('Changed 1 file')
  await expect(changes).toContainText(/note\.txt\s*\+1\s*−1/)
  await snap('task-changes')
  await changes.getByRole('button', { name: 'Undo this task' }).click()
  await expect(changes.getByRole('status')).toHaveText('Undone: 1 file.')
  expect(readFileSync(join(workspace, 'note.txt'), 'utf8')).toContain('stream tool content')
  await changes.getByRole('button', { name: 'Redo this task' }).click()
  await expect(changes.getByRole('status')).toHaveText('Re-applied: 1 file.')
  expect(readFileSync(join(workspace, 'note.txt'), 'utf8')).toContain('edited by Duck')
  await expect(page.getByRole('article', { name: 'Tool file_edit' })).toContainText(/exit|Done|\d+ ms/)
})
