import type { Migration } from './types'

/**
 * MCP servers: the fingerprint the person confirmed for each, and the audit of MCP tool calls
 * beside the commands (`tool` is set for them; `is_error` and `duration_ms` once they ran).
 */
export const migration009Mcp: Migration = {
  version: 9,
  name: 'mcp',
  up(db) {
    db.exec(`
      CREATE TABLE mcp_confirmations (
        server TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        confirmed_at TEXT NOT NULL
      ) STRICT;
      ALTER TABLE command_audit ADD COLUMN tool TEXT;
      ALTER TABLE command_audit ADD COLUMN is_error INTEGER;
      ALTER TABLE command_audit ADD COLUMN duration_ms INTEGER;
    `)
  }
}
