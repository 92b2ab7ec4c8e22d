/** The hot queries use the FTS index or a table index, never a full scan of memories. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDatabase, openDatabase, type Db } from '../store/database'
import { MEMORY_QUERIES, memorySearchQuery } from '../store/memory-repo'
import { recallLessons } from '../reflection/recall'
import { remember } from './remember'
import { GLOBAL_SCOPE_KEY, ftsAnyOf, julianDay, workspaceScopeKey } from './text'

let db: Db
beforeAll(() => {
  db = openDatabase(':memory:')
  for (let i = 0; i < 50; i++) {
    remember(db, {
      text: `Memory number ${i} about builds`,
      memoryType: 'fact',
      importance: 0.5,
      workspace: `/w/${i % 5}`,
      taskId: null,
      metadata: {}
    })
  }
  db.pragma('optimize')
})
afterAll(() => closeDatabase(db))

function plan(sql: string, params: Record<string, unknown>): string[] {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((r) => r.detail)
}

/** No table is read in full: every SCAN of a table (or its alias) goes through an index. */
function noFullScan(details: string[], aliases: string[] = []): void {
  const tables = new RegExp(`^SCAN (${['memories', 'experiences', ...aliases].join('|')})$`)
  for (const detail of details) expect(detail, details.join(' | ')).not.toMatch(tables)
}

describe('query plans', () => {
  it('a task’s memory search drives from the FTS index, then looks rows up by primary key', () => {
    const { sql, params } = memorySearchQuery({
      match: ftsAnyOf(['builds', 'memory']) as string,
      scopeKeys: [workspaceScopeKey('/w/1'), GLOBAL_SCOPE_KEY],
      workspace: '/w/1',
      limit: 5,
      julianNow: julianDay()
    })
    const details = plan(sql, params)
    expect(details[0]).toMatch(/^SCAN memories_fts VIRTUAL TABLE INDEX/)
    expect(details.some((d) => /SEARCH m USING INTEGER PRIMARY KEY/.test(d))).toBe(true)
    noFullScan(details, ['m'])
  })

  it('the unscoped search does too', () => {
    const { sql, params } = memorySearchQuery({
      match: '"builds"',
      scopeKeys: null,
      workspace: null,
      limit: 5,
      julianNow: julianDay()
    })
    const details = plan(sql, params)
    expect(details[0]).toMatch(/^SCAN memories_fts VIRTUAL TABLE INDEX/)
    noFullScan(details, ['m'])
  })

  it('standing memories, the duplicate check and the lists use indexes', () => {
    const important = plan(MEMORY_QUERIES.important, { workspace: '/w/1', min: 0.85, limit: 2 })
    expect(important.filter((d) => /USING INDEX memories_by_importance/.test(d))).toHaveLength(2)
    noFullScan(important)
    expect(plan(MEMORY_QUERIES.byNorm, { workspace: '/w/1', norm: 'x' }).join()).toMatch(
      /USING INDEX memories_unique_text/
    )
    // Either walk one workspace's index, or walk newest-first until the page is full.
    expect(plan(MEMORY_QUERIES.listWorkspace, { workspace: '/w/1', limit: 10 }).join()).toMatch(
      /USING INDEX memories_by_(workspace|updated)/
    )
    expect(plan(MEMORY_QUERIES.listAll, { limit: 10 }).join()).toMatch(/SCAN m USING INDEX memories_by_updated/)
  })

  it('the lesson search drives from its FTS index', () => {
    recallLessons(db, 'builds') // the statement is valid
    const details = plan(
      `SELECT e.experience_id FROM experiences_fts CROSS JOIN experiences e ON e.id = experiences_fts.rowid
       WHERE experiences_fts MATCH @match ORDER BY bm25(experiences_fts) LIMIT 3`,
      { match: '"builds"' }
    )
    expect(details[0]).toMatch(/^SCAN experiences_fts VIRTUAL TABLE INDEX/)
    noFullScan(details, ['e'])
  })
})
