import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RARE_COMMAND, WORKSPACES, fillAudit } from '../../../../scripts/scale/audit-data'
import type { AuditRecord } from '../../../shared/dto'
import type { AuditFilterQuery } from '../../../shared/schemas'
import {
  SEARCH_INDEX_MAX_MATCHES,
  countAudit,
  decodeAuditCursor,
  encodeAuditCursor,
  insertAudit,
  iterateAudit,
  pageAudit,
  type AuditCursor
} from './audit-repo'
import { closeDatabase, openDatabase, type Db } from './database'

const ROWS = 30_000
let db: Db
/** Every row, newest first, as the reference the queries are checked against. */
let all: AuditRecord[]

beforeAll(() => {
  db = openDatabase(':memory:')
  fillAudit(db, ROWS)
  all = [...iterateAudit(db, {}, 5000)].flat()
})
afterAll(() => closeDatabase(db))

/** Reads every page of `size` rows by following the cursor, as the window does. */
function walk(filter: AuditFilterQuery, size: number): { ids: string[]; pages: number } {
  const ids: string[] = []
  let before: AuditCursor | undefined
  let pages = 0
  for (;;) {
    const page = pageAudit(db, filter, size, before)
    pages++
    ids.push(...page.items.map((r) => r.audit_id))
    if (!page.next) return { ids, pages }
    expect(page.items).toHaveLength(size)
    // The cursor survives a round trip through its token.
    before = decodeAuditCursor(encodeAuditCursor(page.next)) ?? undefined
    expect(before).toEqual(page.next)
  }
}

function expected(test: (r: AuditRecord) => boolean): string[] {
  return all.filter(test).map((r) => r.audit_id)
}

describe('the audit over every row', () => {
  it('holds every row newest first, ties in the same millisecond included', () => {
    expect(all).toHaveLength(ROWS)
    expect(new Set(all.map((r) => r.audit_id)).size).toBe(ROWS)
    for (let i = 1; i < all.length; i++) {
      expect((all[i - 1] as AuditRecord).created_at >= (all[i] as AuditRecord).created_at).toBe(true)
    }
    const ties = all.filter((r, i) => i > 0 && r.created_at === all[i - 1]?.created_at).length
    expect(ties).toBeGreaterThan(ROWS / 20)
    // fillAudit writes oldest first, so in one millisecond the later id is newer.
    expect(all[0]?.audit_id).toBe(`audit_${(ROWS - 1).toString(36).padStart(8, '0')}`)
  })

  it('pages through the whole log with no row twice and none left out', () => {
    const { ids, pages } = walk({}, 777)
    expect(pages).toBe(Math.ceil(ROWS / 777))
    expect(ids).toEqual(all.map((r) => r.audit_id))
  })

  it('the first page is the newest rows, as the unpaged list was', () => {
    expect(pageAudit(db, {}, 200).items.map((r) => r.audit_id)).toEqual(all.slice(0, 200).map((r) => r.audit_id))
  })

  it('filters over every row, paging each filter without holes', () => {
    const since = all[Math.floor(ROWS * 0.7)]?.created_at as string
    const until = all[Math.floor(ROWS * 0.3)]?.created_at as string
    const cases: [AuditFilterQuery, (r: AuditRecord) => boolean][] = [
      [{ risk: ['high'] }, (r) => r.payload.risk_level === 'high' && r.payload.action_type !== 'privileged'],
      [{ risk: ['privileged'] }, (r) => r.payload.action_type === 'privileged'],
      [
        { risk: ['medium', 'privileged'] },
        (r) => r.payload.action_type === 'privileged' || r.payload.risk_level === 'medium'
      ],
      [{ decision: ['denied', 'pending'] }, (r) => r.payload.decision === 'denied' || r.payload.decision === 'pending'],
      [{ approved: true }, (r) => r.payload.approved],
      [{ action_type: ['file_write'] }, (r) => r.payload.action_type === 'file_write'],
      [{ kind: 'mcp' }, (r) => r.payload.tool !== undefined],
      [{ kind: 'command' }, (r) => r.payload.tool === undefined],
      [{ workspace: WORKSPACES[3] }, (r) => r.payload.workspace === WORKSPACES[3]],
      [{ task_id: 'task_42' }, (r) => r.payload.task_id === 'task_42'],
      [{ since, until }, (r) => r.created_at >= since && r.created_at < until],
      [
        { decision: ['denied'], workspace: WORKSPACES[0], action_type: ['file_write', 'network'] },
        (r) =>
          r.payload.decision === 'denied' &&
          r.payload.workspace === WORKSPACES[0] &&
          (r.payload.action_type === 'file_write' || r.payload.action_type === 'network')
      ]
    ]
    for (const [filter, test] of cases) {
      const want = expected(test)
      expect(want.length, JSON.stringify(filter)).toBeGreaterThan(0)
      expect(walk(filter, 500).ids, JSON.stringify(filter)).toEqual(want)
      expect(countAudit(db, filter), JSON.stringify(filter)).toBe(want.length)
    }
  })

  it('searches the command anywhere in it, in any case, rare and common words alike', () => {
    const cases: [string, (command: string) => boolean][] = [
      // Rare: read from the trigram index.
      ['ROLLOUT restart', (c) => c.includes('rollout restart')],
      ['git', (c) => c.includes('git')],
      // Under three characters: no trigram, a row test.
      ['rm', (c) => c.includes('rm')],
      ['libfoo12', (c) => c.includes('libfoo12')],
      // Quotes and wildcards are text, not syntax.
      ['"TODO"', (c) => c.includes('"TODO"')],
      ['%', (c) => c.includes('%')],
      ['nothing-like-this', () => false]
    ]
    for (const [q, test] of cases) {
      const want = expected((r) => test(r.payload.command))
      expect(walk({ q }, 400).ids, q).toEqual(want)
      expect(countAudit(db, { q }), q).toBe(want.length)
    }
    expect(expected((r) => r.payload.command === RARE_COMMAND)).toHaveLength(1)
    // Search combines with the other filters.
    const want = expected((r) => r.payload.command.includes('sudo') && r.payload.decision === 'denied')
    expect(walk({ q: 'sudo', decision: ['denied'] }, 100).ids).toEqual(want)
  })

  it('a word in more rows than the index serves is found by testing rows, with the same answer', () => {
    const many = openDatabase(':memory:')
    const insert = many.prepare(
      `INSERT INTO command_audit (id, task_id, conversation_id, workspace, command, risk_level, action_type, approved,
         decision, exit_code, created_at, updated_at)
       VALUES (?, 't', 'c', '/ws', ?, 'none', 'file_read', 0, 'auto_allowed', 0, ?, ?)`
    )
    const n = SEARCH_INDEX_MAX_MATCHES + 500
    many.transaction(() => {
      for (let i = 0; i < n; i++) {
        const at = new Date(Date.UTC(2025, 0, 1) + Math.floor(i / 3) * 1000).toISOString()
        insert.run(`a${i}`, i % 7 === 0 ? `echo Common ${i}` : `ls common-${i}`, at, at)
      }
    })()
    const ids: string[] = []
    let before: AuditCursor | undefined
    for (;;) {
      const page = pageAudit(many, { q: 'echo COMMON' }, 1000, before)
      ids.push(...page.items.map((r) => r.audit_id))
      if (!page.next) break
      before = page.next
    }
    const want = Array.from({ length: n }, (_, i) => i)
      .filter((i) => i % 7 === 0)
      .reverse()
      .map((i) => `a${i}`)
    expect(ids).toEqual(want)
    expect(pageAudit(many, { q: 'common' }, 5).items.map((r) => r.audit_id)).toEqual(
      [n - 1, n - 2, n - 3, n - 4, n - 5].map((i) => `a${i}`)
    )
    expect(countAudit(many, { q: 'common' })).toBe(n)
    closeDatabase(many)
  })

  it('finds a row written after the log was built, through the index and its trigger', () => {
    const row = insertAudit(db, 'audit_new_one', {
      command: 'terraform apply -target=module.zebra42',
      risk_level: 'high',
      action_type: 'network',
      approved: true,
      decision: 'allowed_once',
      exit_code: 0,
      task_id: 'task_new',
      workspace: '/ws',
      conversation_id: 'conv_new',
      sandbox: 'workspace_write'
    })
    expect(pageAudit(db, { q: 'ZEBRA42' }, 10).items.map((r) => r.audit_id)).toEqual([row.audit_id])
    expect(pageAudit(db, {}, 1).items[0]?.audit_id).toBe(row.audit_id)
    db.prepare('DELETE FROM command_audit WHERE id = ?').run(row.audit_id)
    expect(pageAudit(db, { q: 'zebra42' }, 10).items).toEqual([])
  })

  it('exports every matching row in chunks, newest first', () => {
    const chunks = [...iterateAudit(db, { kind: 'mcp' }, 999)]
    expect(chunks.every((c) => c.length <= 999)).toBe(true)
    expect(chunks.flat().map((r) => r.audit_id)).toEqual(expected((r) => r.payload.tool !== undefined))
  })

  it('refuses a cursor it did not give out', () => {
    const good = encodeAuditCursor({ created_at: '2026-01-01T00:00:00.000Z', seq: 12 })
    expect(decodeAuditCursor(good)).toEqual({ created_at: '2026-01-01T00:00:00.000Z', seq: 12 })
    const bad = [
      '',
      'not a cursor!',
      Buffer.from('2026-01-01|12').toString('base64url'),
      Buffer.from('2026-01-01T00:00:00.000Z|0').toString('base64url'),
      Buffer.from('2026-01-01T00:00:00.000Z|12|x').toString('base64url'),
      Buffer.from("2026-01-01T00:00:00.000Z|1' OR 1=1").toString('base64url'),
      'x'.repeat(300)
    ]
    for (const token of bad) expect(decodeAuditCursor(token), token).toBeNull()
  })
})
