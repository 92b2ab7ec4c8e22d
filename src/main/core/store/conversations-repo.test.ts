import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { closeDatabase, openDatabase, schemaVersion, type Db } from './database'
import { MIGRATIONS } from './migrations'
import {
  SEARCH_SQL,
  addMessage,
  createConversation,
  deleteConversation,
  listConversations,
  renameConversation,
  updateMessage
} from './conversations-repo'
import { ftsPhrase } from './search'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function titles(db: Db, q: string): string[] {
  return listConversations(db, q, 100).map((c) => c.title)
}

function conversation(db: Db, id: string, title: string, messages: string[]): void {
  createConversation(db, id, title, '/ws')
  messages.forEach((content, i) =>
    addMessage(db, {
      id: `${id}_m${i}`,
      conversationId: id,
      taskId: null,
      role: i % 2 === 0 ? 'user' : 'assistant',
      content,
      status: 'completed'
    })
  )
}

describe('conversation search', () => {
  it('finds a word in a title or any message, inside words too, ignoring case', () => {
    const db = openDatabase(':memory:')
    conversation(db, 'c1', 'Deploy the site', ['How do I deploy?', 'Run the Makefile target.'])
    conversation(db, 'c2', 'Holiday plans', ['Where should we go in spring?', 'Lisbon is lovely in April.'])
    conversation(db, 'c3', 'Fix the build', ['The linker fails on ARM64.'])
    expect(titles(db, 'deploy')).toEqual(['Deploy the site'])
    expect(titles(db, 'makefile')).toEqual(['Deploy the site'])
    expect(titles(db, 'isbo')).toEqual(['Holiday plans'])
    expect(titles(db, 'arm64')).toEqual(['Fix the build'])
    expect(titles(db, 'lovely in april')).toEqual(['Holiday plans'])
    expect(titles(db, 'the').sort()).toEqual(['Deploy the site', 'Fix the build'])
    expect(titles(db, 'nowhere')).toEqual([])
    // Shorter than a trigram: still a substring search.
    expect(titles(db, 'go')).toEqual(['Holiday plans'])
    closeDatabase(db)
  })

  it('treats quotes, operators and wildcards in the query as plain text', () => {
    const db = openDatabase(':memory:')
    conversation(db, 'c1', 'Quotes', ['She said "ship it" and left.', 'a AND b OR c', '50% of *.log files'])
    conversation(db, 'c2', 'Other', ['nothing to see'])
    const text = ['Quotes', 'She said "ship it" and left.', 'a AND b OR c', '50% of *.log files']
      .join('\n')
      .toLowerCase()
    const queries = [
      '"ship it"',
      'said "ship',
      'a AND b',
      'AND',
      'OR c',
      '*.log',
      '50%',
      'NEAR(a b)',
      'c1:',
      '^she',
      '"'
    ]
    for (const q of queries) {
      // What a substring search (the LIKE it replaces) finds.
      expect(titles(db, q), q).toEqual(text.includes(q.toLowerCase()) ? ['Quotes'] : [])
    }
    expect(titles(db, 'NEAR(a b)')).toEqual([])
    expect(titles(db, '"ship it"')).toEqual(['Quotes'])
    expect(ftsPhrase('say "hi"')).toBe('"say ""hi"""')
    closeDatabase(db)
  })

  it('keeps the index in step with renames, answers, deletions', () => {
    const db = openDatabase(':memory:')
    conversation(db, 'c1', 'First title', ['question about zebras'])
    addMessage(db, {
      id: 'c1_a',
      conversationId: 'c1',
      taskId: null,
      role: 'assistant',
      content: '',
      status: 'running'
    })
    updateMessage(db, 'c1_a', { content: 'Giraffes are tall', reasoning: '', status: 'running' })
    // A streaming answer is searchable once it has settled.
    expect(titles(db, 'giraffe')).toEqual([])
    updateMessage(db, 'c1_a', { content: 'Giraffes are tall, okapis are not.', reasoning: '', status: 'completed' })
    expect(titles(db, 'giraffe')).toEqual(['First title'])
    expect(titles(db, 'okapi')).toEqual(['First title'])
    updateMessage(db, 'c1_a', { content: 'Rewritten.', reasoning: '', status: 'failed' })
    expect(titles(db, 'okapi')).toEqual([])
    renameConversation(db, 'c1', 'Safari notes')
    expect(titles(db, 'first title')).toEqual([])
    expect(titles(db, 'safari')).toEqual(['Safari notes'])
    expect(deleteConversation(db, 'c1')).toBe(true)
    expect(titles(db, 'zebra')).toEqual([])
    expect(titles(db, 'safari')).toEqual([])
    expect(db.prepare('SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH \'"zebra"\'').get()).toEqual({
      n: 0
    })
    db.exec("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')")
    db.exec("INSERT INTO conversation_titles_fts (conversation_titles_fts) VALUES ('integrity-check')")
    closeDatabase(db)
  })

  it('looks words up in the indexes, not by reading every message', () => {
    const db = openDatabase(':memory:')
    const plan = (
      db.prepare(`EXPLAIN QUERY PLAN ${SEARCH_SQL}`).all({ match: '"word"', limit: 10 }) as { detail: string }[]
    )
      .map((row) => row.detail)
      .join('\n')
    expect(plan).toMatch(/SCAN messages_fts VIRTUAL TABLE INDEX/)
    expect(plan).toMatch(/SCAN conversation_titles_fts VIRTUAL TABLE INDEX/)
    expect(plan).not.toMatch(/SCAN m\b|SCAN messages\b/)
    closeDatabase(db)
  })

  it('makes the messages and titles of a database from before the index searchable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'duck-db-'))
    dirs.push(dir)
    const path = join(dir, 'duck.sqlite3')
    const before = MIGRATIONS.slice(0, 11)
    const old = openDatabase(path, { migrations: before })
    expect(schemaVersion(old)).toBe(11)
    old
      .prepare("INSERT INTO conversations VALUES ('c1', 'Old trip', '/ws', '2024-01-01T00:00:00.000Z', ?)")
      .run('2024-01-02T00:00:00.000Z')
    old
      .prepare("INSERT INTO conversations VALUES ('c2', 'Old build', '/ws', '2024-01-01T00:00:00.000Z', ?)")
      .run('2024-01-03T00:00:00.000Z')
    const insert = old.prepare(
      `INSERT INTO messages (id, conversation_id, task_id, role, content, reasoning, status, created_at, updated_at)
       VALUES (?, ?, NULL, ?, ?, '', ?, ?, ?)`
    )
    insert.run(
      'm1',
      'c1',
      'user',
      'Pack the snorkel',
      'completed',
      '2024-01-01T00:00:01.000Z',
      '2024-01-01T00:00:01.000Z'
    )
    insert.run(
      'm2',
      'c1',
      'assistant',
      'And sunscreen.',
      'completed',
      '2024-01-01T00:00:01.000Z',
      '2024-01-01T00:00:01.000Z'
    )
    insert.run(
      'm3',
      'c2',
      'user',
      'Why does webpack hang?',
      'completed',
      '2024-01-01T00:00:02.000Z',
      '2024-01-01T00:00:02.000Z'
    )
    closeDatabase(old)

    const db = openDatabase(path)
    expect(schemaVersion(db)).toBe(MIGRATIONS.length)
    expect(titles(db, 'snorkel')).toEqual(['Old trip'])
    expect(titles(db, 'webpack')).toEqual(['Old build'])
    expect(titles(db, 'old')).toEqual(['Old build', 'Old trip'])
    // Messages kept their order (the same timestamp: insertion order decides).
    const order = db.prepare("SELECT id FROM messages WHERE conversation_id = 'c1' ORDER BY created_at, rowid").all()
    expect(order).toEqual([{ id: 'm1' }, { id: 'm2' }])
    // New rows after the migration are indexed by the triggers.
    conversation(db, 'c3', 'New one', ['kayak rental'])
    expect(titles(db, 'kayak')).toEqual(['New one'])
    closeDatabase(db)
  })
})
