import { expect, test } from '../fixtures/duck'
import { planNothing, planOnce, thinkAndAnswer } from '../fixtures/model'

test('Quick ask streams a compact answer and opens the conversation in the main window', async ({
  duckPage: page,
  duckServer,
  fakeModel,
  snap
}) => {
  planNothing(fakeModel)
  thinkAndAnswer(fakeModel, { reasoning: 'A short thought.', content: 'It is **demo**, version 1.0.0.' })
  // Same tab: the sign-in token lives in this tab's sessionStorage.
  await page.goto(`${duckServer?.url}/quick-ask.html`)
  const input = page.getByRole('textbox', { name: 'Ask Duck' })
  await expect(input).toBeEnabled()
  await input.fill('Which version is this project?')
  await input.press('Enter')
  const answer = page.getByRole('region', { name: 'Answer' })
  await expect(answer.locator('.markdown')).toHaveText('It is demo, version 1.0.0.')
  await snap('quick-ask')

  await answer.getByRole('link', { name: 'Open in Duck' }).click()
  await expect(page).toHaveURL(/\/\?conversation=conv_/)
  await expect(page.locator('.message--user')).toHaveText('Which version is this project?')
  await expect(page.locator('.markdown')).toHaveText('It is demo, version 1.0.0.')
})

test('Quick ask shows approvals inline', async ({ duckPage: page, duckServer, fakeModel, snap }) => {
  planOnce(fakeModel, [{ tool: 'shell_exec_safe', args: { command: 'touch quick.txt' }, reason: 'Make the file' }])
  thinkAndAnswer(fakeModel, { content: 'Made quick.txt.' })
  await page.goto(`${duckServer?.url}/quick-ask.html`)
  await page.getByRole('textbox', { name: 'Ask Duck' }).fill('touch quick')
  await page.keyboard.press('Enter')
  const approval = page.getByRole('region', { name: 'Run a command' })
  await expect(approval).toBeVisible()
  await expect(approval.getByRole('button', { name: 'Deny' })).toBeFocused()
  await snap('quick-ask-approval')
  await approval.getByRole('button', { name: 'Allow once' }).click()
  await expect(page.locator('.markdown')).toHaveText('Made quick.txt.')
})
