import { readFileSync } from 'node:fs'
import type { Route } from '@playwright/test'
import { expect, test } from '../fixtures/duck'

const DECISIONS = ['auto_allowed', 'allowed_once', 'allowed_always', 'denied'] as const
const RISKS = ['none', 'low', 'medium', 'high'] as const

interface Row {
  audit_id: string
  event_type: string
  created_at: string
  payload: { command: string; risk_level: string; action_type: string; decision: string } & Record<string, unknown>
}

/**
 * The server's audit routes over `rows` (newest first), as API.md and docs/architecture.md
 * describe them: filters and search over every row, the next page's cursor in X-Next-Cursor,
 * and the export with X-Total-Count. Records the queries it was asked.
 */
function serveAudit(rows: Row[], asked: URLSearchParams[], exportGate?: Promise<void>) {
  return async (route: Route) => {
    const url = new URL(route.request().url())
    const p = url.searchParams
    asked.push(p)
    const list = (key: string) => p.get(key)?.split(',') ?? null
    const risk = list('risk')
    const decision = list('decision')
    const kind = p.get('kind')
    const q = p.get('q')?.toLowerCase()
    const matches = rows.filter((r) => {
      const key = r.payload.action_type === 'privileged' ? 'privileged' : r.payload.risk_level
      if (risk && !risk.includes(key)) return false
      if (decision && !decision.includes(r.payload.decision)) return false
      if (kind && (kind === 'mcp') !== r.payload.action_type.startsWith('mcp')) return false
      if (q && !r.payload.command.toLowerCase().includes(q)) return false
      return true
    })
    if (url.pathname.endsWith('/export')) {
      await exportGate
      const csv = p.get('format') !== 'jsonl'
      const body = csv
        ? ['time,command,action_type,risk_level,decision,approved,exit_code,workspace,task_id,conversation_id']
            .concat(matches.map((r) => `${r.created_at},${r.payload.command},${r.payload.action_type},,,,,,,`))
            .join('\r\n') + '\r\n'
        : matches.map((r) => JSON.stringify(r) + '\n').join('')
      return route.fulfill({
        body,
        headers: {
          'Content-Type': csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
          'Content-Disposition': `attachment; filename="duck-audit-2026-01-01.${csv ? 'csv' : 'jsonl'}"`,
          'X-Total-Count': String(matches.length)
        }
      })
    }
    const start = p.get('before') ? Number(p.get('before')) : 0
    const limit = Number(p.get('limit') ?? 200)
    const page = matches.slice(start, start + limit)
    const more = start + limit < matches.length
    return route.fulfill({
      json: page,
      headers: {
        ...(more ? { 'X-Next-Cursor': String(start + limit) } : {})
      }
    })
  }
}

function makeRows(count: number): Row[] {
  return Array.from({ length: count }, (_, i) => ({
    audit_id: `audit_${i}`,
    event_type: 'command_audit',
    created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, count - i)).toISOString(),
    payload: {
      command: i === 4321 ? 'find / -name needle' : `ls -la dir-${i}`,
      risk_level: RISKS[i % 4] as string,
      action_type: i % 10 === 0 ? 'privileged' : 'file_read',
      approved: i % 4 === 1,
      decision: DECISIONS[i % 4] as string,
      exit_code: i % 4 === 3 ? null : 0,
      task_id: `task_${i}`,
      workspace: `/home/me/projects/site-${i % 7}`,
      conversation_id: `conv_${i}`
    }
  }))
}

test('the audit pages, filters and searches on the server over every row, virtualised', async ({
  duckPage: page,
  snap
}) => {
  const rows = makeRows(5000)
  const asked: URLSearchParams[] = []
  await page.route('**/v1/audit/commands**', serveAudit(rows, asked))
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Audit' }).click()
  const table = page.getByRole('table', { name: 'Command audit' })
  await expect(page.getByText('the newest 500 commands')).toBeVisible()
  await expect(table).toHaveAttribute('aria-rowcount', '501')
  // Only the rows in view (plus a few) are in the DOM.
  expect(await table.getByRole('row').count()).toBeLessThan(60)

  // Older rows come a page at a time, through the cursor.
  await page.getByRole('button', { name: 'Show older commands' }).click()
  await expect(table).toHaveAttribute('aria-rowcount', '1001')
  expect(asked.at(-1)?.get('before')).toBe('500')
  await table.evaluate((el) => el.scrollTo({ top: el.scrollHeight }))
  await expect(table.getByRole('row').filter({ hasText: 'ls -la dir-999' })).toBeVisible()

  // A chip asks the server: every high-risk row of the 5,000, not only those loaded.
  const risk = page.getByRole('group', { name: 'Risk' })
  await risk.getByRole('button', { name: 'High risk' }).click()
  await expect(risk.getByRole('button', { name: 'High risk' })).toHaveAttribute('aria-pressed', 'true')
  await expect(page.getByText('the newest 500 commands that match')).toBeVisible()
  expect(asked.at(-1)?.get('risk')).toBe('high')
  await risk.getByRole('button', { name: 'High risk' }).click()

  // The search finds a row far beyond the first page (row 4,321).
  await page.getByRole('searchbox', { name: 'Search the audit' }).fill('needle')
  await expect(table.getByRole('row')).toHaveCount(2)
  await expect(table.getByRole('row').nth(1)).toContainText('find / -name needle')
  await expect(page.getByText('1 command that matches')).toBeVisible()
  expect(asked.at(-1)?.get('q')).toBe('needle')
  await snap('audit-filtered')
})

test('an export streams every matching row with a progress bar', async ({ duckPage: page }) => {
  const rows = makeRows(3000)
  let release: () => void = () => {}
  const gate = new Promise<void>((resolve) => (release = resolve))
  await page.route('**/v1/audit/commands**', serveAudit(rows, [], gate))
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Audit' }).click()
  await page.getByRole('group', { name: 'Decision' }).getByRole('button', { name: 'Denied' }).click()
  await expect(page.getByText('the newest 500 commands that match')).toBeVisible()
  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: 'CSV' }).click()
  // While the export runs, a progress bar shows it (and the export buttons wait).
  await expect(page.getByRole('progressbar', { name: 'Exporting the audit' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'CSV' })).toBeDisabled()
  release()
  const file = readFileSync(await (await download).path(), 'utf8').split('\r\n')
  // Every denied row of the 3,000 (750), not the 500 on screen: header, rows, final CRLF.
  expect(file).toHaveLength(750 + 2)
  expect(file[0]).toMatch(/^time,command,/)
  await expect(page.getByRole('progressbar', { name: 'Exporting the audit' })).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'CSV' })).toBeEnabled()
})

test('an empty audit says what will appear there', async ({ duckPage: page, snap }) => {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Audit' }).click()
  await expect(page.getByRole('heading', { name: 'No commands yet' })).toBeVisible()
  await expect(page.getByText(/Every shell command Duck runs/)).toBeVisible()
  await snap('audit-empty')
})
