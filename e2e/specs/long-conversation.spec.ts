import { join } from 'node:path'
import { closeDatabase, openDatabase } from '../../src/main/core/store/database'
import { seedConversation, seedInTransaction, seededText } from '../../test/support/seed-conversations'
import { expect, test } from '../fixtures/duck'

const MESSAGES = 10_000

test('a 10,000-message conversation opens in one request and reads older pages on demand', async ({
  host,
  duckPage: page,
  duckServer,
  workspace
}, testInfo) => {
  test.skip(host !== 'web' || !duckServer, "seeds the headless server's database")
  if (!duckServer) return
  const db = openDatabase(join(duckServer.dataDir, 'duck.sqlite3'))
  const { conversationId } = seedInTransaction(db, () =>
    seedConversation(db, { workspace, messages: MESSAGES, index: 7, title: 'A very long conversation' })
  )
  closeDatabase(db)

  await page.reload()
  const list = page.getByRole('region', { name: 'Conversations' })
  const item = list.getByRole('button', { name: 'A very long conversation', exact: true })
  await expect(item).toBeVisible()

  const requests: string[] = []
  page.on('request', (request) => {
    const url = new URL(request.url())
    if (url.pathname.startsWith('/v1/')) requests.push(`${url.pathname}${url.search}`)
  })
  const started = Date.now()
  await item.click()
  const newest = page.getByText(seededText(7, MESSAGES - 1), { exact: true })
  await expect(newest).toBeVisible()
  const openMs = Date.now() - started
  const opening = requests.filter(
    (r) => r.startsWith(`/v1/conversations/${conversationId}`) || r.startsWith('/v1/tasks/')
  )
  testInfo.annotations.push({ type: 'open', description: `${openMs} ms, ${opening.length} request(s): ${opening}` })
  console.log(`open 10,000 messages: ${openMs} ms in ${opening.length} request(s)`)
  expect(opening).toHaveLength(1)
  expect(opening[0]).toContain('limit=')
  expect(opening[0]).toContain('include=events')
  // The newest page only: older messages are not in the page yet.
  await expect(page.getByText(seededText(7, MESSAGES - 200), { exact: true })).toHaveCount(0)

  // "Load earlier messages" works from the keyboard and keeps the view where it was.
  const earlier = page.getByRole('button', { name: 'Load earlier messages' })
  await earlier.focus()
  await expect(earlier).toBeFocused()
  const firstShown = page.locator('.message--user').first()
  const firstText = (await firstShown.textContent()) ?? ''
  const before = requests.length
  await page.keyboard.press('Enter')
  await expect(page.locator('.message--user').first()).not.toHaveText(firstText)
  const stillThere = page.getByText(firstText, { exact: true })
  await expect(stillThere).toBeInViewport()
  expect(requests.slice(before).filter((r) => r.includes('before='))).toHaveLength(1)
  await expect(earlier).toBeFocused()

  // Scrolling to the top reads the next older page by itself.
  const count = await page.locator('.message--user').count()
  const afterKeyboard = requests.length
  await page.locator('.chat__scroll').evaluate((el) => el.scrollTo({ top: 0 }))
  await expect.poll(() => page.locator('.message--user').count()).toBeGreaterThan(count)
  expect(requests.slice(afterKeyboard).filter((r) => r.includes('before='))).toHaveLength(1)
  expect(requests.some((r) => /\/v1\/tasks\/[^/]+\/events/.test(r))).toBe(false)
})
