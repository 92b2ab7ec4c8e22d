import type { Statement } from 'better-sqlite3'
import type { Db } from './database'

const cache = new WeakMap<Db, Map<string, Statement>>()

/** A prepared statement, prepared once per connection and reused. */
export function stmt(db: Db, sql: string): Statement {
  let byText = cache.get(db)
  if (!byText) {
    byText = new Map()
    cache.set(db, byText)
  }
  let statement = byText.get(sql)
  if (!statement) {
    statement = db.prepare(sql)
    byText.set(sql, statement)
  }
  return statement
}

export function now(): string {
  return new Date().toISOString()
}
