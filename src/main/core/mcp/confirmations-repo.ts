import type { Db } from '../store/database'
import { now, stmt } from '../store/statements'

/** The fingerprint the person confirmed for each server. */
export function confirmedFingerprints(db: Db): Map<string, string> {
  const rows = stmt(db, 'SELECT server, fingerprint FROM mcp_confirmations').all() as {
    server: string
    fingerprint: string
  }[]
  return new Map(rows.map((r) => [r.server, r.fingerprint]))
}

export function confirm(db: Db, server: string, fingerprint: string): void {
  stmt(
    db,
    `INSERT INTO mcp_confirmations (server, fingerprint, confirmed_at) VALUES (?, ?, ?)
     ON CONFLICT (server) DO UPDATE SET fingerprint = excluded.fingerprint, confirmed_at = excluded.confirmed_at`
  ).run(server, fingerprint, now())
}

export function forget(db: Db, server: string): void {
  stmt(db, 'DELETE FROM mcp_confirmations WHERE server = ?').run(server)
}
