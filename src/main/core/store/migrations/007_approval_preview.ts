import type { Migration } from './types'

/** An approval of a file tool keeps the diff the person saw (and the file's hash then). */
export const migration007ApprovalPreview: Migration = {
  version: 7,
  name: 'approval_preview',
  up(db) {
    db.exec(`ALTER TABLE approvals ADD COLUMN preview TEXT;`)
  }
}
