/**
 * The audit over HTTP: `GET /v1/audit/commands` keeps the contract of API.md (`limit?`, newest
 * first, an array body, 200 by default, at most 1000), and pages, filters and exports over every
 * row through additive, optional parameters, the `X-Next-Cursor` header and the export route.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fillAudit } from '../../scripts/scale/audit-data'
import type { AuditRecord } from '../../src/shared/dto'
import { startTestDuck, type TestDuck } from '../support/duck-server'

const ROWS = 2500
let duck: TestDuck
/** Every row, newest first, read straight from the database. */
let all: { id: string; command: string; action_type: string; decision: string }[]

beforeAll(async () => {
  duck = await startTestDuck()
  fillAudit(duck.service.db, ROWS)
  all = duck.service.db
    .prepare('SELECT id, command, action_type, decision FROM command_audit ORDER BY created_at DESC, seq DESC')
    .all() as typeof all
})
afterAll(async () => {
  await duck.stop()
})

async function get(path: string): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await duck.api(path)
  return { status: response.status, body: await response.json(), headers: response.headers }
}

/** Follows X-Next-Cursor from the first page to the last. */
async function walk(query: string): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = []
  let before: string | null = null
  let pages = 0
  do {
    const sep: string = query ? '&' : ''
    const cursor: string = before ? `${sep}before=${encodeURIComponent(before)}` : ''
    const page = await get(`/v1/audit/commands?${query}${cursor}`)
    expect(page.status).toBe(200)
    pages++
    ids.push(...(page.body as AuditRecord[]).map((r) => r.audit_id))
    before = page.headers.get('X-Next-Cursor')
  } while (before)
  return { ids, pages }
}

describe('GET /v1/audit/commands (the existing contract)', () => {
  it('answers the newest 200 rows as an array of audit records, newest first', async () => {
    const { status, body } = await get('/v1/audit/commands')
    expect(status).toBe(200)
    expect(Array.isArray(body)).toBe(true)
    const records = body as AuditRecord[]
    expect(records.map((r) => r.audit_id)).toEqual(all.slice(0, 200).map((r) => r.id))
    expect(Object.keys(records[0] as object).sort()).toEqual(['audit_id', 'created_at', 'event_type', 'payload'])
    expect(records[0]).toMatchObject({
      event_type: 'command_audit',
      payload: {
        command: expect.any(String),
        risk_level: expect.any(String),
        action_type: expect.any(String),
        approved: expect.any(Boolean),
        decision: expect.any(String),
        task_id: expect.any(String),
        workspace: expect.any(String)
      }
    })
    // No internal key (the cursor's seq) leaks into a record.
    expect(JSON.stringify(records)).not.toContain('"seq"')
  })

  it('takes limit up to 1000', async () => {
    expect(((await get('/v1/audit/commands?limit=7')).body as AuditRecord[]).map((r) => r.audit_id)).toEqual(
      all.slice(0, 7).map((r) => r.id)
    )
    expect((await get('/v1/audit/commands?limit=1000')).body).toHaveLength(1000)
  })

  it('refuses what it refused before with invalid_input', async () => {
    for (const query of ['limit=1001', 'limit=0', 'limit=-3', 'limit=2.5', 'limit=many', 'offset=10', 'page=2']) {
      const { status, body } = await get(`/v1/audit/commands?${query}`)
      expect(status, query).toBe(400)
      expect(body, query).toMatchObject({ error: { code: 'invalid_input', message: expect.any(String) } })
    }
  })
})

describe('paging, filters and search over every row (additive)', () => {
  it('pages the whole log through X-Next-Cursor with no row twice and none left out', async () => {
    const { ids, pages } = await walk('limit=1000')
    expect(pages).toBe(3)
    expect(ids).toEqual(all.map((r) => r.id))
  })

  it('sends no cursor on the last page', async () => {
    const { headers, body } = await get('/v1/audit/commands?q=rollout')
    expect(headers.get('X-Next-Cursor')).toBeNull()
    expect((body as AuditRecord[]).map((r) => r.audit_id)).toEqual(
      all.filter((r) => r.command.includes('rollout')).map((r) => r.id)
    )
  })

  it('filters and searches over every row, not the newest page', async () => {
    const denied = all.filter((r) => r.decision === 'denied').map((r) => r.id)
    expect(denied.length).toBeGreaterThan(10)
    expect((await walk('decision=denied&limit=10')).ids).toEqual(denied)
    const deletes = all.filter((r) => r.command.includes('rm -rf') && r.action_type === 'file_write').map((r) => r.id)
    expect(deletes.length).toBeGreaterThan(100)
    expect((await walk('q=RM%20-RF&action_type=file_write,network&limit=100')).ids).toEqual(deletes)
    const privileged = all.filter((r) => r.action_type === 'privileged').map((r) => r.id)
    expect((await walk('risk=privileged&limit=1000')).ids).toEqual(privileged)
  })

  it('refuses a bad filter or cursor with a clear invalid_input', async () => {
    const cases: [string, RegExp][] = [
      ['risk=severe', /risk/],
      ['decision=', /decision/],
      ['approved=yes', /approved/],
      ['kind=plugin', /kind/],
      ['since=yesterday', /since/],
      ['before=not-a-cursor', /before/],
      [`before=${'A'.repeat(201)}`, /before/],
      [`q=${'x'.repeat(501)}`, /q/]
    ]
    for (const [query, field] of cases) {
      const { status, body } = await get(`/v1/audit/commands?${query}`)
      expect(status, query).toBe(400)
      expect(body, query).toMatchObject({ error: { code: 'invalid_input', message: expect.stringMatching(field) } })
    }
  })
})

describe('GET /v1/audit/commands/export', () => {
  it('streams every matching row as CSV with the total up front', async () => {
    const response = await duck.api('/v1/audit/commands/export')
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toMatch(/^text\/csv/)
    expect(response.headers.get('Content-Disposition')).toMatch(/^attachment; filename="duck-audit-.*\.csv"$/)
    expect(response.headers.get('X-Total-Count')).toBe(String(ROWS))
    const text = await response.text()
    const lines = text.split('\r\n')
    expect(lines[0]).toBe(
      'time,command,action_type,risk_level,decision,approved,exit_code,workspace,task_id,conversation_id'
    )
    // Header, one line per row (no command here holds a newline), and the final CRLF.
    expect(lines).toHaveLength(ROWS + 2)
    expect(lines.at(-1)).toBe('')
  })

  it('exports JSON lines of the records the list answers, filtered', async () => {
    const response = await duck.api('/v1/audit/commands/export?format=jsonl&kind=mcp')
    expect(response.headers.get('Content-Type')).toMatch(/^application\/x-ndjson/)
    const records = (await response.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditRecord)
    expect(response.headers.get('X-Total-Count')).toBe(String(records.length))
    expect(records.map((r) => r.audit_id)).toEqual(all.filter((r) => r.command.startsWith('mcp__')).map((r) => r.id))
    const listed = (await get('/v1/audit/commands?kind=mcp&limit=3')).body
    expect(records.slice(0, 3)).toEqual(listed)
  })

  it('refuses a bad format or filter before it streams', async () => {
    for (const query of ['format=xlsx', 'limit=5', 'risk=severe']) {
      const { status, body } = await get(`/v1/audit/commands/export?${query}`)
      expect(status, query).toBe(400)
      expect(body, query).toMatchObject({ error: { code: 'invalid_input' } })
    }
  })
})
