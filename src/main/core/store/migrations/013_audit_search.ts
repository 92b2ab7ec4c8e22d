import type { Migration } from './types'

/**
 * The audit, paged and searched over every row (not the newest 1,000).
 *   - `command_audit` is rebuilt with `seq INTEGER PRIMARY KEY`: the order it already had
 *     (`created_at DESC, rowid DESC`) gets a key that VACUUM cannot renumber, so a page cursor
 *     (`created_at`, `seq`) and the search index below stay valid. Existing rows keep their
 *     rowid as `seq`, so the order of rows written in the same millisecond does not change.
 *   - One index per filter, each ending in (`created_at`, `seq`): a filter plus
 *     `ORDER BY created_at DESC, seq DESC LIMIT n` reads only the rows it returns.
 *   - `command_audit_fts`: a trigram FTS5 index of the command (substring search, any case),
 *     kept in step by triggers and filled from the existing rows.
 */
export const migration013AuditSearch: Migration = {
  version: 13,
  name: 'audit_search',
  up(db) {
    db.exec(`
      CREATE TABLE command_audit_new (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        task_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        workspace TEXT NOT NULL,
        command TEXT NOT NULL,
        risk_level TEXT NOT NULL,
        action_type TEXT NOT NULL,
        approved INTEGER NOT NULL,
        decision TEXT NOT NULL,
        exit_code INTEGER,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        sandbox TEXT CHECK (sandbox IN ('read_only', 'workspace_write', 'none')),
        tool TEXT,
        is_error INTEGER,
        duration_ms INTEGER,
        bytes INTEGER
      ) STRICT;
      INSERT INTO command_audit_new (seq, id, task_id, conversation_id, workspace, command, risk_level, action_type,
          approved, decision, exit_code, created_at, updated_at, sandbox, tool, is_error, duration_ms, bytes)
        SELECT rowid, id, task_id, conversation_id, workspace, command, risk_level, action_type,
          approved, decision, exit_code, created_at, updated_at, sandbox, tool, is_error, duration_ms, bytes
        FROM command_audit ORDER BY rowid;
      DROP TABLE command_audit;
      ALTER TABLE command_audit_new RENAME TO command_audit;

      -- Every index ends in created_at (and the implicit seq): filter, order and page in one range.
      CREATE INDEX command_audit_by_created ON command_audit (created_at);
      CREATE INDEX command_audit_by_risk ON command_audit (risk_level, created_at);
      CREATE INDEX command_audit_by_action ON command_audit (action_type, created_at);
      CREATE INDEX command_audit_by_decision ON command_audit (decision, created_at);
      CREATE INDEX command_audit_by_approved ON command_audit (approved, created_at);
      CREATE INDEX command_audit_by_kind ON command_audit (tool IS NOT NULL, created_at);
      CREATE INDEX command_audit_by_workspace ON command_audit (workspace, created_at);
      CREATE INDEX command_audit_by_task ON command_audit (task_id, created_at);

      CREATE VIRTUAL TABLE command_audit_fts USING fts5(
        command,
        content = 'command_audit', content_rowid = 'seq',
        tokenize = 'trigram'
      );
      CREATE TRIGGER command_audit_fts_insert AFTER INSERT ON command_audit BEGIN
        INSERT INTO command_audit_fts (rowid, command) VALUES (new.seq, new.command);
      END;
      CREATE TRIGGER command_audit_fts_delete AFTER DELETE ON command_audit BEGIN
        INSERT INTO command_audit_fts (command_audit_fts, rowid, command) VALUES ('delete', old.seq, old.command);
      END;
      CREATE TRIGGER command_audit_fts_update AFTER UPDATE OF command ON command_audit BEGIN
        INSERT INTO command_audit_fts (command_audit_fts, rowid, command) VALUES ('delete', old.seq, old.command);
        INSERT INTO command_audit_fts (rowid, command) VALUES (new.seq, new.command);
      END;
      INSERT INTO command_audit_fts (command_audit_fts) VALUES ('rebuild');
    `)
  }
}
