import { expect, test } from '../fixtures/duck'
import { planNothing, rememberAndReflect, thinkAndAnswer } from '../fixtures/model'

test('after a task, the memory view shows what Duck kept and the lesson (or says the route is missing)', async ({
  duckPage: page,
  duckServer,
  fakeModel,
  snap
}) => {
  planNothing(fakeModel)
  thinkAndAnswer(fakeModel, { content: 'Your project is called demo.' })
  rememberAndReflect(
    fakeModel,
    'The project in this workspace is called demo.',
    'Check package.json first for the project name.'
  )

  await page.getByRole('textbox', { name: 'Message Duck' }).fill('What is my project called?')
  await page.keyboard.press('Enter')
  await expect(page.locator('.markdown')).toHaveText('Your project is called demo.')

  // Memory and reflection run after the answer; give them a moment.
  const probe = await page.request.get(`${duckServer?.url}/v1/memory`, {
    headers: { Authorization: `Bearer ${duckServer?.token}` }
  })
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Memory' }).click()
  await expect(page.getByRole('main', { name: 'Memory' })).toBeVisible()

  if (probe.status() === 404) {
    // The memory part of the core has not landed on this server: an inline error, not a crash.
    await expect(page.getByRole('alert').first()).toContainText('does not offer memory')
    await snap('memory-missing-route')
    test
      .info()
      .annotations.push({ type: 'note', description: 'GET /v1/memory answered 404: checked the inline error instead.' })
    return
  }
  await expect(async () => {
    await page.getByRole('searchbox', { name: 'Search memories' }).fill('')
    await expect(page.getByText('The project in this workspace is called demo.')).toBeVisible({ timeout: 1000 })
  }).toPass({ timeout: 15_000 })
  await expect(page.getByRole('region', { name: 'Lessons' })).toContainText('Check package.json first')
  await snap('memory-after-task')
})
