import type { Migration } from './types'

/**
 * Command previews and what they let a task undo.
 *   - `command_previews`: a command's run against an overlay of the workspace, per approval:
 *     what it showed the person (`result`) and what Apply replays (`changes`).
 *   - `file_changes` is rebuilt so that a change may delete (no `after_sha256`), hold binary
 *     bytes, be a folder or a link (`type`), or be a command that ran directly and cannot be
 *     undone (`kind` = 'command', `undoable` = 0). `bytes` is what its kept copies take.
 *   - Audit rows of file changes carry the bytes written.
 *   - An approval of a shell command records whether it could be previewed (and why not).
 */
export const migration011CommandPreviews: Migration = {
  version: 11,
  name: 'command_previews',
  up(db) {
    db.exec(`
      CREATE TABLE command_previews (
        approval_id TEXT PRIMARY KEY REFERENCES approvals (id) ON DELETE CASCADE,
        task_id TEXT NOT NULL,
        status TEXT NOT NULL,
        result TEXT NOT NULL,
        changes TEXT NOT NULL,
        created_at TEXT NOT NULL,
        settled TEXT
      ) STRICT;

      CREATE TABLE file_changes_new (
        id TEXT PRIMARY KEY,
        task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        kind TEXT NOT NULL,
        type TEXT NOT NULL DEFAULT 'file',
        before_sha256 TEXT,
        after_sha256 TEXT,
        before_mode INTEGER,
        after_mode INTEGER,
        added INTEGER NOT NULL,
        removed INTEGER NOT NULL,
        diff TEXT NOT NULL,
        bytes INTEGER NOT NULL DEFAULT 0,
        undoable INTEGER NOT NULL DEFAULT 1,
        command TEXT,
        undone INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
      ) STRICT;
      INSERT INTO file_changes_new (id, task_id, path, kind, before_sha256, after_sha256, added, removed, diff, undone, created_at)
        SELECT id, task_id, path, CASE WHEN before_sha256 IS NULL THEN 'created' ELSE 'modified' END,
               before_sha256, after_sha256, added, removed, diff, undone, created_at
        FROM file_changes;
      DROP TABLE file_changes;
      ALTER TABLE file_changes_new RENAME TO file_changes;
      CREATE INDEX file_changes_by_task ON file_changes (task_id, created_at);

      ALTER TABLE command_audit ADD COLUMN bytes INTEGER;
      ALTER TABLE approvals ADD COLUMN command_preview TEXT;
    `)
  }
}
