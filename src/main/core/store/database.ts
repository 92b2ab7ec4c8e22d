import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { MIGRATIONS } from './migrations'
import type { Migration } from './migrations/types'

export type Db = Database.Database

export class DatabaseTooNewError extends Error {
  constructor(
    readonly found: number,
    readonly supported: number
  ) {
    super(
      `This database was written by a newer version of Duck (schema ${found}; this version knows up to ${supported}). Update Duck, or point DUCK_DB_PATH at another file.`
    )
    this.name = 'DatabaseTooNewError'
  }
}

export interface OpenOptions {
  /** A better-sqlite3 binding built for the running runtime (Electron needs its own). */
  nativeBinding?: string
  migrations?: readonly Migration[]
}

/** The page cache's cap, in KiB (see openDatabase). */
export const PAGE_CACHE_KIB = 4096

/**
 * Opens (creating if needed) the SQLite database at `path` (`:memory:` for tests), sets it up
 * and brings its schema up to date.
 *
 * - WAL: readers never block the writer; the UI reads while a task appends events.
 * - synchronous=NORMAL: with WAL this is durable across application crashes; only a power
 *   loss can drop the last transactions, which is the right trade for chat history.
 * - foreign_keys=ON: deleting a conversation removes its messages and tasks.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const db = new Database(path, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {})
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    // SQLite's page cache, per connection. better-sqlite3 builds SQLite with a 16 MB default,
    // which a long-running app fills as its database grows (most of its RSS growth after the
    // first thousand tasks). 4 MiB keeps every benchmark as fast; the OS caches the file anyway.
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`)
    migrate(db, options.migrations ?? MIGRATIONS)
    return db
  } catch (error) {
    db.close()
    throw error
  }
}

/** Applies every migration above the database's `user_version`, each in its own transaction. */
export function migrate(db: Db, migrations: readonly Migration[]): number {
  const latest = migrations.length
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migration ${m.name} has version ${m.version}, expected ${i + 1}`)
  })
  const current = schemaVersion(db)
  if (current > latest) throw new DatabaseTooNewError(current, latest)
  for (const migration of migrations.slice(current)) {
    db.transaction(() => {
      migration.up(db)
      db.pragma(`user_version = ${migration.version}`)
    })()
  }
  return latest
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number
}

/** Closes the database after letting SQLite refresh its query planner statistics. */
export function closeDatabase(db: Db): void {
  if (!db.open) return
  try {
    db.pragma('optimize')
  } finally {
    db.close()
  }
}
