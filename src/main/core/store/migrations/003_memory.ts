import type { Migration } from './types'

/**
 * Memories (what the memory policy kept) and experiences (the critic's lessons), each with an
 * external-content FTS5 index kept in step by triggers.
 *
 * `memories.scope_key` is also an FTS column: a digits-only token per workspace ('0' for
 * global), so one MATCH narrows a search to "this workspace or global" inside the index
 * instead of scoring every workspace's matches. Ranking ignores that column (bm25 weight 0).
 */
export const migration003Memory: Migration = {
  version: 3,
  name: 'memory',
  up(db) {
    db.exec(`
      CREATE TABLE memories (
        id INTEGER PRIMARY KEY,
        memory_id TEXT NOT NULL UNIQUE,
        text TEXT NOT NULL,
        norm TEXT NOT NULL,
        memory_type TEXT NOT NULL,
        importance REAL NOT NULL CHECK (importance >= 0 AND importance <= 1),
        scope TEXT NOT NULL CHECK (scope IN ('workspace', 'global')),
        workspace TEXT,
        scope_key TEXT NOT NULL,
        task_id TEXT,
        metadata TEXT NOT NULL DEFAULT '{}',
        hits INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        CHECK ((scope = 'global') = (workspace IS NULL))
      ) STRICT;
      CREATE UNIQUE INDEX memories_unique_text ON memories (ifnull(workspace, ''), norm);
      CREATE INDEX memories_by_workspace ON memories (workspace, updated_at DESC);
      CREATE INDEX memories_by_importance ON memories (workspace, importance DESC, updated_at DESC);
      CREATE INDEX memories_by_updated ON memories (updated_at DESC);

      CREATE VIRTUAL TABLE memories_fts USING fts5(
        text, scope_key,
        content = 'memories', content_rowid = 'id',
        tokenize = 'porter unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
        INSERT INTO memories_fts (rowid, text, scope_key) VALUES (new.id, new.text, new.scope_key);
      END;
      CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
        INSERT INTO memories_fts (memories_fts, rowid, text, scope_key) VALUES ('delete', old.id, old.text, old.scope_key);
      END;
      CREATE TRIGGER memories_fts_update AFTER UPDATE OF text, scope_key ON memories BEGIN
        INSERT INTO memories_fts (memories_fts, rowid, text, scope_key) VALUES ('delete', old.id, old.text, old.scope_key);
        INSERT INTO memories_fts (rowid, text, scope_key) VALUES (new.id, new.text, new.scope_key);
      END;

      -- Lessons outlive the conversation they came from (like the audit), so no foreign key.
      CREATE TABLE experiences (
        id INTEGER PRIMARY KEY,
        experience_id TEXT NOT NULL UNIQUE,
        task_id TEXT NOT NULL,
        workspace TEXT NOT NULL,
        request TEXT NOT NULL,
        lesson TEXT NOT NULL,
        norm TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX experiences_by_updated ON experiences (updated_at DESC);
      CREATE INDEX experiences_by_workspace ON experiences (workspace);

      CREATE VIRTUAL TABLE experiences_fts USING fts5(
        request, lesson,
        content = 'experiences', content_rowid = 'id',
        tokenize = 'porter unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER experiences_fts_insert AFTER INSERT ON experiences BEGIN
        INSERT INTO experiences_fts (rowid, request, lesson) VALUES (new.id, new.request, new.lesson);
      END;
      CREATE TRIGGER experiences_fts_delete AFTER DELETE ON experiences BEGIN
        INSERT INTO experiences_fts (experiences_fts, rowid, request, lesson) VALUES ('delete', old.id, old.request, old.lesson);
      END;
      CREATE TRIGGER experiences_fts_update AFTER UPDATE OF request, lesson ON experiences BEGIN
        INSERT INTO experiences_fts (experiences_fts, rowid, request, lesson) VALUES ('delete', old.id, old.request, old.lesson);
        INSERT INTO experiences_fts (rowid, request, lesson) VALUES (new.id, new.request, new.lesson);
      END;
    `)
  }
}
