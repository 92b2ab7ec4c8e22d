import type { Migration } from './types'

/** Each audited command records how it ran: a sandbox profile, or `none` (unconfined). */
export const migration006AuditSandbox: Migration = {
  version: 6,
  name: 'audit_sandbox',
  up(db) {
    db.exec(
      `ALTER TABLE command_audit ADD COLUMN sandbox TEXT CHECK (sandbox IN ('read_only', 'workspace_write', 'none'));`
    )
  }
}
