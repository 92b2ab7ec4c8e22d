import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from '../fixtures/duck'
import { planOnce, thinkAndAnswer } from '../fixtures/model'

const source = (name: string): string =>
  Array.from({ length: 30 }, (_, i) => `export const value${i + 1} = ${i + 1} // ${name}`).join('\n') + '\n'

test('a code edit shows a coloured diff, and "View whole file" shows every line with the change in place', async ({
  duckPage: page,
  fakeModel,
  workspace,
  snap
}) => {
  writeFileSync(join(workspace, 'values.ts'), source('kept'))
  planOnce(fakeModel, [
    {
      tool: 'file_edit',
      args: {
        path: 'values.ts',
        edits: [{ old_text: 'export const value15 = 15', new_text: "export const value15 = 'fifteen'" }]
      },
      reason: 'The person asked for a string'
    }
  ])
  thinkAndAnswer(fakeModel, { content: 'Done.' })

  await page.getByRole('textbox', { name: 'Message Duck' }).fill('Make value15 a string')
  await page.keyboard.press('Enter')
  const diff = page.getByTestId('approval-dialog').getByRole('region', { name: /Changes to .*values\.ts/ })
  await expect(diff).toBeVisible()
  const body = diff.getByLabel('Diff')
  // Three lines of context around the change, and its tokens coloured as TypeScript.
  await expect(body.locator('.diff__line--added')).toHaveText("+export const value15 = 'fifteen' // kept")
  await expect(body.locator('.diff__line--added .hljs-string')).toHaveText("'fifteen'")
  await expect(body.locator('.diff__line--added .hljs-keyword').first()).toHaveText('export')
  await expect(body).not.toContainText('value1 = 1 //')
  await snap('approval-diff-coloured')

  const toggle = diff.getByRole('button', { name: 'View whole file' })
  await toggle.click()
  await expect(toggle).toHaveAttribute('aria-pressed', 'true')
  const whole = diff.getByLabel('Whole file with changes')
  await expect(whole).toContainText('value1 = 1 // kept')
  await expect(whole).toContainText('value30 = 30 // kept')
  await expect(whole.locator('.diff__line--removed')).toHaveText('-export const value15 = 15 // kept')
  await snap('approval-diff-whole-file')
  await toggle.click()
  await expect(diff.getByLabel('Diff')).not.toContainText('value1 = 1 //')
})

test('Preview runs a command on a copy and shows its effects; Apply writes exactly those; the task can undo them', async ({
  duckPage: page,
  fakeModel,
  workspace,
  snap
}) => {
  writeFileSync(join(workspace, 'config.yml'), 'name: old\nsize: 3\n')
  writeFileSync(join(workspace, 'stale.log'), 'old log\n')
  const command = "printf 'fresh\\n' > made.txt && sed -i 's/old/new/' config.yml && rm stale.log"
  planOnce(fakeModel, [{ tool: 'shell_exec_safe', args: { command }, reason: 'Tidy the project' }])
  thinkAndAnswer(fakeModel, { content: 'Tidied.' })

  await page.getByRole('textbox', { name: 'Message Duck' }).fill('Tidy the project')
  await page.keyboard.press('Enter')
  const dialog = page.getByTestId('approval-dialog')
  await dialog.getByRole('button', { name: 'Preview', exact: true }).click()
  const effects = dialog.getByRole('region', { name: 'What the command would do' })
  await expect(effects.getByRole('status')).toHaveText(
    'It would create 1 file, change 1 file, delete 1 file; it exited with 0.'
  )
  // The real workspace is untouched by the preview.
  expect(existsSync(join(workspace, 'made.txt'))).toBe(false)
  expect(readFileSync(join(workspace, 'config.yml'), 'utf8')).toBe('name: old\nsize: 3\n')
  expect(existsSync(join(workspace, 'stale.log'))).toBe(true)

  await effects.locator('summary', { hasText: 'config.yml' }).click()
  const changed = effects.getByRole('region', { name: 'Changes to config.yml' })
  await expect(changed.locator('.diff__line--removed')).toHaveText('-name: old')
  await expect(changed.locator('.diff__line--added')).toHaveText('+name: new')
  await expect(effects).toContainText('made.txt')
  await expect(effects).toContainText('stale.log')
  await snap('command-preview-effects')

  await effects.getByRole('button', { name: 'Apply these changes' }).click()
  await expect(page.locator('.markdown')).toContainText('Tidied.')
  expect(readFileSync(join(workspace, 'made.txt'), 'utf8')).toBe('fresh\n')
  expect(readFileSync(join(workspace, 'config.yml'), 'utf8')).toBe('name: new\nsize: 3\n')
  expect(existsSync(join(workspace, 'stale.log'))).toBe(false)

  // The Changes view lists the three files, shows each one's diff, and undoes them all.
  const changes = page.getByRole('region', { name: 'Changes' })
  await expect(changes).toContainText('Changed 3 files')
  await changes.locator('summary', { hasText: 'config.yml' }).click()
  await expect(
    changes.getByRole('region', { name: /Changes to .*config\.yml/ }).locator('.diff__line--added')
  ).toHaveText('+name: new')
  await snap('task-changes-diff')
  await changes.getByRole('button', { name: 'Undo this task' }).click()
  await expect(changes.getByRole('status')).toHaveText('Undone: 3 files.')
  expect(existsSync(join(workspace, 'made.txt'))).toBe(false)
  expect(readFileSync(join(workspace, 'config.yml'), 'utf8')).toBe('name: old\nsize: 3\n')
  expect(readFileSync(join(workspace, 'stale.log'), 'utf8')).toBe('old log\n')
})
