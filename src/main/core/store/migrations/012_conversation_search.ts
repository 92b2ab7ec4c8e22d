import type { Migration } from './types'

/**
 * Conversation search through FTS5 instead of a LIKE scan of every message.
 *
 * The trigram tokenizer keeps the meaning of the LIKE search it replaces: a query of three or
 * more characters matches wherever it occurs inside a title or a message (case-insensitive,
 * diacritics folded), not only at word starts. Shorter queries still use LIKE.
 *
 *   - `messages` is rebuilt with an INTEGER PRIMARY KEY (`seq`, the old rowid, so the order
 *     of messages stays what it was): an external-content index needs a rowid that VACUUM
 *     cannot renumber. `messages_fts` indexes each message's text once it has settled (a
 *     streaming answer is rewritten every half second; it is indexed when it ends).
 *   - `conversation_titles` (a stable integer key per conversation, and its title) is kept by
 *     triggers on `conversations`, which cannot be rebuilt (tasks and messages reference it);
 *     `conversation_titles_fts` indexes it.
 * Both indexes are filled from the rows already there.
 */
export const migration012ConversationSearch: Migration = {
  version: 12,
  name: 'conversation_search',
  up(db) {
    db.exec(`
      CREATE TABLE messages_new (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        task_id TEXT REFERENCES tasks (id) ON DELETE SET NULL,
        role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
        content TEXT NOT NULL,
        reasoning TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      INSERT INTO messages_new (seq, id, conversation_id, task_id, role, content, reasoning, status, created_at, updated_at)
        SELECT rowid, id, conversation_id, task_id, role, content, reasoning, status, created_at, updated_at
        FROM messages ORDER BY rowid;
      DROP TABLE messages;
      ALTER TABLE messages_new RENAME TO messages;
      CREATE INDEX messages_by_conversation ON messages (conversation_id, created_at);
      CREATE INDEX messages_by_task ON messages (task_id);

      CREATE VIRTUAL TABLE messages_fts USING fts5(
        content,
        content = 'messages', content_rowid = 'seq',
        tokenize = 'trigram remove_diacritics 1'
      );
      INSERT INTO messages_fts (rowid, content) SELECT seq, content FROM messages WHERE status != 'running';
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.status != 'running' BEGIN
        INSERT INTO messages_fts (rowid, content) VALUES (new.seq, new.content);
      END;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.status != 'running' BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
      END;
      CREATE TRIGGER messages_fts_unindex AFTER UPDATE OF content, status ON messages
        WHEN old.status != 'running' BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
      END;
      CREATE TRIGGER messages_fts_index AFTER UPDATE OF content, status ON messages
        WHEN new.status != 'running' BEGIN
        INSERT INTO messages_fts (rowid, content) VALUES (new.seq, new.content);
      END;

      CREATE TABLE conversation_titles (
        key INTEGER PRIMARY KEY,
        conversation_id TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL
      ) STRICT;
      CREATE VIRTUAL TABLE conversation_titles_fts USING fts5(
        title,
        content = 'conversation_titles', content_rowid = 'key',
        tokenize = 'trigram remove_diacritics 1'
      );
      CREATE TRIGGER conversation_titles_fts_insert AFTER INSERT ON conversation_titles BEGIN
        INSERT INTO conversation_titles_fts (rowid, title) VALUES (new.key, new.title);
      END;
      CREATE TRIGGER conversation_titles_fts_delete AFTER DELETE ON conversation_titles BEGIN
        INSERT INTO conversation_titles_fts (conversation_titles_fts, rowid, title) VALUES ('delete', old.key, old.title);
      END;
      CREATE TRIGGER conversation_titles_fts_update AFTER UPDATE OF title ON conversation_titles BEGIN
        INSERT INTO conversation_titles_fts (conversation_titles_fts, rowid, title) VALUES ('delete', old.key, old.title);
        INSERT INTO conversation_titles_fts (rowid, title) VALUES (new.key, new.title);
      END;
      INSERT INTO conversation_titles (conversation_id, title) SELECT id, title FROM conversations ORDER BY rowid;
      CREATE TRIGGER conversations_title_insert AFTER INSERT ON conversations BEGIN
        INSERT INTO conversation_titles (conversation_id, title) VALUES (new.id, new.title);
      END;
      CREATE TRIGGER conversations_title_update AFTER UPDATE OF title ON conversations BEGIN
        UPDATE conversation_titles SET title = new.title WHERE conversation_id = new.id;
      END;
      CREATE TRIGGER conversations_title_delete AFTER DELETE ON conversations BEGIN
        DELETE FROM conversation_titles WHERE conversation_id = old.id;
      END;
    `)
  }
}
