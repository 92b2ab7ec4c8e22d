import type { Db } from './database'
import { stmt } from './statements'

/** Key/value settings the user changed; everything else falls back to defaults. */
export function getSetting(db: Db, key: string): string | undefined {
  const row = stmt(db, 'SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined
  return row?.value
}

export function getAllSettings(db: Db): Map<string, string> {
  const rows = stmt(db, 'SELECT key, value FROM settings').all() as { key: string; value: string }[]
  return new Map(rows.map((r) => [r.key, r.value]))
}

export function setSetting(db: Db, key: string, value: string): void {
  stmt(
    db,
    `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`
  ).run(key, value, new Date().toISOString())
}

export function deleteSetting(db: Db, key: string): void {
  stmt(db, 'DELETE FROM settings WHERE key = ?').run(key)
}
