import { expect, test } from '../fixtures/duck'

test('the window opens and shows the core as connected', async ({ duckPage, snap }) => {
  await expect(duckPage.getByRole('complementary', { name: 'Sidebar' })).toBeVisible()
  await expect(
    duckPage.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Audit' })
  ).toBeVisible()
  const status = duckPage.getByRole('status')
  await expect(status).toHaveAttribute('data-status', 'connected')
  await expect(status).toContainText('Core connected')
  // The token is taken out of the address once the page has it.
  expect(new URL(duckPage.url()).searchParams.get('token')).toBeNull()
  await snap('shell-connected')
})
