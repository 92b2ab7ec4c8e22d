import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DatabaseTooNewError, PAGE_CACHE_KIB, closeDatabase, openDatabase, schemaVersion, type Db } from './database'
import { MIGRATIONS } from './migrations'
import { getSetting, setSetting } from './settings-repo'

const dirs: string[] = []
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'duck-db-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('openDatabase', () => {
  it('applies every migration and records the version', () => {
    const db = openDatabase(':memory:')
    expect(schemaVersion(db)).toBe(MIGRATIONS.length)
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    setSetting(db, 'theme', 'dark')
    expect(getSetting(db, 'theme')).toBe('dark')
    closeDatabase(db)
  })

  it('uses WAL with synchronous NORMAL and a 4 MiB page cache on a file', () => {
    const db = openDatabase(join(tempDir(), 'nested', 'duck.sqlite3'))
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('synchronous', { simple: true })).toBe(1)
    expect(db.pragma('cache_size', { simple: true })).toBe(-PAGE_CACHE_KIB)
    closeDatabase(db)
  })

  it('refuses a database written by a newer version and leaves it untouched', () => {
    const path = join(tempDir(), 'duck.sqlite3')
    const db = openDatabase(path)
    db.pragma(`user_version = ${MIGRATIONS.length + 5}`)
    closeDatabase(db)
    expect(() => openDatabase(path)).toThrow(DatabaseTooNewError)
    expect(() => openDatabase(path)).toThrow(/newer version of Duck/)
  })

  it('rolls back a failing migration as a whole', () => {
    const path = join(tempDir(), 'duck.sqlite3')
    const broken = [
      ...MIGRATIONS,
      {
        version: MIGRATIONS.length + 1,
        name: 'broken',
        up(db: Db) {
          db.exec('CREATE TABLE half (x INTEGER) STRICT')
          db.exec('THIS IS NOT SQL')
        }
      }
    ]
    expect(() => openDatabase(path, { migrations: broken })).toThrow()
    const db = openDatabase(path)
    expect(schemaVersion(db)).toBe(MIGRATIONS.length)
    const half = db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()
    expect(half).toBeUndefined()
    closeDatabase(db)
  })

  it('keeps applied data when reopened', () => {
    const path = join(tempDir(), 'duck.sqlite3')
    const db = openDatabase(path)
    setSetting(db, 'model_base_url', 'http://127.0.0.1:9999/v1')
    closeDatabase(db)
    const again = openDatabase(path)
    expect(getSetting(again, 'model_base_url')).toBe('http://127.0.0.1:9999/v1')
    closeDatabase(again)
  })
})
