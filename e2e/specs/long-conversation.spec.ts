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

  // The thread is virtualised: each turn says where it sits in the conversation.
  const feed = page.getByRole('feed', { name: 'Conversation' })
  const shown = async (): Promise<number> =>
    Number(await feed.getByRole('article').first().getAttribute('aria-setsize'))
  /** The text of the first of the person's messages inside the scrolled view. */
  const topInView = (): Promise<string> =>
    page.locator('.chat__scroll').evaluate((view) => {
      const top = view.getBoundingClientRect().top
      const bubbles = Array.from(view.querySelectorAll('.message--user .message__bubble')) as unknown as {
        getBoundingClientRect(): { bottom: number }
        textContent: string | null
      }[]
      return bubbles.find((el) => el.getBoundingClientRect().bottom > top + 1)?.textContent ?? ''
    })
  const olderRequests = (from: number): number => requests.slice(from).filter((r) => r.includes('before=')).length

  // Scrolling to the top reads the page before by itself, and the view stays where it was.
  const firstCount = await shown()
  await page.locator('.chat__scroll').evaluate((el) => el.scrollTo({ top: 300 }))
  // (Above 200 px from the top: no older page is read yet.)
  const anchorText = await topInView()
  expect(olderRequests(0)).toBe(0)
  expect(anchorText).toMatch(/^Question \d+ of conversation 7/)
  const beforeScroll = requests.length
  await page.locator('.chat__scroll').evaluate((el) => el.scrollTo({ top: 0 }))
  await expect.poll(shown).toBeGreaterThan(firstCount)
  expect(olderRequests(beforeScroll)).toBe(1)
  await expect(page.getByText(anchorText, { exact: true })).toBeInViewport()

  // "Load earlier messages" works from the keyboard, and focus stays on it.
  const earlier = page.getByRole('button', { name: 'Load earlier messages' })
  const secondCount = await shown()
  const beforeKeyboard = requests.length
  await earlier.focus()
  await page.keyboard.press('Enter')
  await expect.poll(shown).toBeGreaterThan(secondCount)
  expect(olderRequests(beforeKeyboard)).toBeGreaterThanOrEqual(1)
  await expect(earlier).toBeFocused()
  await expect(page.locator('.chat__earlier-error')).toHaveCount(0)
  expect(requests.some((r) => /\/v1\/tasks\/[^/]+\/events/.test(r))).toBe(false)
})
