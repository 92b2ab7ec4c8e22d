import { expect, test } from '../fixtures/duck'

const DECISIONS = ['auto_allowed', 'allowed_once', 'allowed_always', 'denied'] as const
const RISKS = ['none', 'low', 'medium', 'high'] as const

test('the audit table stays fast with thousands of rows: virtualised, filtered, searchable', async ({
  duckPage: page,
  snap
}) => {
  // 5,000 rows from the server (the route answers the page's own request).
  const rows = Array.from({ length: 5000 }, (_, i) => ({
    audit_id: `audit_${i}`,
    event_type: 'command_audit',
    created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, 5000 - i)).toISOString(),
    payload: {
      command: i === 4321 ? 'find / -name needle' : `ls -la dir-${i}`,
      risk_level: RISKS[i % 4],
      action_type: i % 10 === 0 ? 'privileged' : 'file_read',
      approved: i % 4 === 1,
      decision: DECISIONS[i % 4],
      exit_code: i % 4 === 3 ? null : 0,
      task_id: `task_${i}`,
      workspace: `/home/me/projects/site-${i % 7}`,
      conversation_id: `conv_${i}`
    }
  }))
  await page.route('**/v1/audit/commands**', (route) => route.fulfill({ json: rows }))
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Audit' }).click()
  const table = page.getByRole('table', { name: 'Command audit' })
  await expect(page.getByText('5000 commands')).toBeVisible()
  await expect(table).toHaveAttribute('aria-rowcount', '5001')
  // Only the rows in view (plus a few) are in the DOM.
  expect(await table.getByRole('row').count()).toBeLessThan(60)

  // Scrolling to the end shows the last rows.
  await table.evaluate((el) => el.scrollTo({ top: el.scrollHeight }))
  await expect(table.getByRole('row').filter({ hasText: 'ls -la dir-4999' })).toBeVisible()

  // Chips filter, search narrows.
  const risk = page.getByRole('group', { name: 'Risk' })
  await risk.getByRole('button', { name: 'High risk' }).click()
  await expect(risk.getByRole('button', { name: 'High risk' })).toHaveAttribute('aria-pressed', 'true')
  await expect(page.getByText(/of 5000 commands/)).toHaveText(/^\d+ of 5000 commands$/)
  await risk.getByRole('button', { name: 'High risk' }).click()
  await page.getByRole('searchbox', { name: 'Search the audit' }).fill('needle')
  await expect(table.getByRole('row')).toHaveCount(2)
  await expect(table.getByRole('row').nth(1)).toContainText('find / -name needle')
  await snap('audit-filtered')
})

test('an empty audit says what will appear there', async ({ duckPage: page, snap }) => {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Audit' }).click()
  await expect(page.getByRole('heading', { name: 'No commands yet' })).toBeVisible()
  await expect(page.getByText(/Every shell command Duck runs/)).toBeVisible()
  await snap('audit-empty')
})
