import { expect, test } from '../fixtures/duck'
import { MODELS, planNothing, rememberAndReflect, thinkAndAnswer } from '../fixtures/model'

const ANSWER = [
  'Here is what I found in **the project**.',
  '',
  '| File | Lines |',
  '| --- | --- |',
  '| note.txt | 3 |',
  '| src/index.js | 1 |',
  '',
  '```js',
  'console.log("hello")',
  '```',
  '',
  'See [the docs](https://example.com/docs) for more.'
].join('\n')

test('a streamed answer with a live thinking pane, markdown and stats', async ({ duckPage: page, fakeModel, snap }) => {
  planNothing(fakeModel)
  thinkAndAnswer(fakeModel, {
    reasoning: Array.from({ length: 40 }, (_, i) => `step${i}`).join(' ') + ' so the answer is clear.',
    content: ANSWER,
    chunkDelayMs: 35
  })
  rememberAndReflect(fakeModel, 'The demo project has a note and one script.', 'Read the note first.')

  const composer = page.getByRole('textbox', { name: 'Message Duck' })
  await expect(composer).toBeEnabled()
  await snap('chat-empty')
  await composer.fill('What is in this project?')
  await composer.press('Enter')

  // The thinking pane streams live, with a running timer, while no answer text exists yet.
  const reasoning = page.getByRole('region', { name: 'Reasoning' })
  await expect(reasoning.getByRole('button', { name: /Thinking…/ })).toBeVisible()
  await expect(reasoning).toContainText('step5')
  await expect(reasoning.getByRole('button')).toHaveAttribute('aria-expanded', 'true')
  await snap('chat-thinking')

  // Once the answer starts the pane collapses to "Thought for N s"; it can be reopened.
  const toggle = reasoning.getByRole('button', { name: /Thought for \d+\.\d s/ })
  await expect(toggle).toBeVisible()
  await expect(toggle).toHaveAttribute('aria-expanded', 'false')
  await expect(page.getByRole('table').filter({ hasText: 'note.txt' })).toBeVisible()
  await expect(page.locator('.stats-line')).toHaveText(/tok\/s · \d+–\d+ · \d+ tokens · first token \d+\.\d\d s/)
  await toggle.click()
  await expect(reasoning).toContainText('so the answer is clear.')

  // Code blocks are highlighted and copyable; links leave the app.
  await expect(
    page.locator('.code-block .hljs-built_in, .code-block .hljs-title, .code-block .hljs-string').first()
  ).toBeVisible()
  await expect(page.getByRole('button', { name: 'Copy code' })).toBeVisible()
  const link = page.getByRole('link', { name: 'the docs' })
  await expect(link).toHaveAttribute('target', '_blank')
  await expect(link).toHaveAttribute('rel', /noopener/)

  // The conversation is in the sidebar, under Today, and in the address.
  await expect(
    page
      .getByRole('region', { name: 'Conversations' })
      .getByRole('button', { name: 'What is in this project?', exact: true })
  ).toBeVisible()
  expect(new URL(page.url()).searchParams.get('conversation')).toMatch(/^conv_/)
  await snap('chat-answer')

  // A reload rebuilds the conversation from the server.
  await page.reload()
  await expect(page.getByRole('table').filter({ hasText: 'note.txt' })).toBeVisible()
  await expect(page.locator('.stats-line')).toBeVisible()
})

test('Stop cancels a running answer; drafts stay with their conversation', async ({
  duckPage: page,
  fakeModel,
  snap
}) => {
  planNothing(fakeModel)
  thinkAndAnswer(fakeModel, { content: Array.from({ length: 400 }, (_, i) => `word${i}`).join(' '), chunkDelayMs: 40 })
  const composer = page.getByRole('textbox', { name: 'Message Duck' })
  await composer.fill('Write a lot')
  await composer.press('Enter')
  await expect(page.locator('.markdown')).toContainText('word5')
  // Send and Stop are one button: its label and action change, the element stays.
  const button = await page.locator('.composer__button').elementHandle()
  expect(await button?.getAttribute('aria-label')).toBe('Stop')
  await page.getByRole('button', { name: 'Stop' }).click()
  await expect(page.locator('.message--assistant')).toHaveAttribute('data-status', 'cancelled')
  await expect(page.locator('.message__note')).toHaveText('Stopped.')
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible()
  expect(await button?.getAttribute('aria-label')).toBe('Send')
  // Focus is in the message box, not on the page body.
  await expect(composer).toBeFocused()
  const shown = (await page.locator('.markdown').textContent()) ?? ''
  expect(shown).not.toContain('word399')
  await snap('chat-stopped')

  // A draft typed here survives a visit to a new chat and back.
  await composer.fill('a draft for this conversation')
  await page.getByRole('button', { name: 'New chat' }).click()
  await expect(composer).toHaveValue('')
  await composer.fill('a draft for a new chat')
  await page
    .getByRole('region', { name: 'Conversations' })
    .getByRole('button', { name: 'Write a lot', exact: true })
    .click()
  await expect(composer).toHaveValue('a draft for this conversation')
  await page.getByRole('button', { name: 'New chat' }).click()
  await expect(composer).toHaveValue('a draft for a new chat')
})

test('the composer grows to about eight lines, then scrolls', async ({ duckPage: page }) => {
  const composer = page.getByRole('textbox', { name: 'Message Duck' })
  const one = (await composer.boundingBox())?.height ?? 0
  await composer.fill(Array.from({ length: 4 }, (_, i) => `line ${i}`).join('\n'))
  const four = (await composer.boundingBox())?.height ?? 0
  await composer.fill(Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n'))
  const many = (await composer.boundingBox())?.height ?? 0
  expect(four).toBeGreaterThan(one * 3)
  expect(many).toBeLessThan(one * 9)
  expect(many).toBeGreaterThan(four)
})

test('a model server that stops answering gives an inline error with Retry', async ({
  duckPage: page,
  fakeModel,
  snap
}) => {
  planNothing(fakeModel)
  thinkAndAnswer(fakeModel, { content: 'Back again.' })
  await expect(page.getByRole('status')).toContainText('model ready')
  await fakeModel.setDown(true)
  const composer = page.getByRole('textbox', { name: 'Message Duck' })
  await composer.fill('Are you there?')
  await composer.press('Enter')
  const notice = page.locator('.message--assistant').getByRole('alert')
  await expect(notice).toContainText(`127.0.0.1:${fakeModel.port}`)
  await expect(notice.getByRole('button', { name: 'Open Settings' })).toBeVisible()
  await snap('chat-model-error')
  await fakeModel.setDown(false)
  await notice.getByRole('button', { name: 'Retry' }).click()
  await expect(page.locator('.markdown')).toHaveText('Back again.')
  await expect(page.locator('.message--user')).toHaveText(['Are you there?', 'Are you there?'])
})

test('an answer cut off by the length limit says so beside its stats', async ({ duckPage: page, fakeModel, snap }) => {
  planNothing(fakeModel)
  fakeModel.script(MODELS.thinker, {
    content: 'The first part of a long answer that the model could not',
    chunkDelayMs: 10,
    finishReason: 'length'
  })
  const composer = page.getByRole('textbox', { name: 'Message Duck' })
  await composer.fill('Write a very long answer')
  await composer.press('Enter')
  await expect(page.locator('.stats-line')).toBeVisible()
  await expect(page.getByRole('note')).toHaveText("The answer was cut off: it reached the model's length limit.")
  await snap('chat-truncated')

  // The next answer, not cut off, has no such note.
  thinkAndAnswer(fakeModel, { content: 'A short answer.' })
  await composer.fill('And a short one')
  await composer.press('Enter')
  await expect(page.locator('.stats-line')).toHaveCount(2)
  await expect(page.getByRole('note')).toHaveCount(1)
})
