import type { Migration } from './types'

/**
 * What each task changed with the file tools. Both sides are kept content-addressed in
 * `<data>/changes/` (by SHA-256), so the task can be undone, and the undo undone.
 */
export const migration008FileChanges: Migration = {
  version: 8,
  name: 'file_changes',
  up(db) {
    db.exec(`
      CREATE TABLE file_changes (
        id TEXT PRIMARY KEY,
        task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        before_sha256 TEXT,
        after_sha256 TEXT NOT NULL,
        added INTEGER NOT NULL,
        removed INTEGER NOT NULL,
        diff TEXT NOT NULL,
        undone INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX file_changes_by_task ON file_changes (task_id, created_at);
    `)
  }
}
