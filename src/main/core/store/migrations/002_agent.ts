import type { Migration } from './types'

/** Conversations, tasks and their event log, approvals, "Always allow" rules, command audit. */
export const migration002Agent: Migration = {
  version: 2,
  name: 'agent',
  up(db) {
    db.exec(`
      CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        workspace TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX conversations_by_updated ON conversations (updated_at DESC);

      CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        workspace TEXT NOT NULL,
        status TEXT NOT NULL,
        request TEXT NOT NULL,
        options TEXT NOT NULL,
        state TEXT NOT NULL,
        next_seq INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX tasks_by_conversation ON tasks (conversation_id);
      CREATE INDEX tasks_by_status ON tasks (status);

      CREATE TABLE messages (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        task_id TEXT REFERENCES tasks (id) ON DELETE SET NULL,
        role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
        content TEXT NOT NULL,
        reasoning TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX messages_by_conversation ON messages (conversation_id, created_at);

      CREATE TABLE task_events (
        task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        event_type TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (task_id, seq)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE approvals (
        id TEXT PRIMARY KEY,
        task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
        tool TEXT NOT NULL,
        args TEXT NOT NULL,
        reason TEXT NOT NULL,
        risk_level TEXT NOT NULL,
        action_type TEXT NOT NULL,
        outside_workspace TEXT NOT NULL,
        rule_keys TEXT NOT NULL,
        privileged INTEGER NOT NULL,
        status TEXT NOT NULL,
        password_attempts INTEGER NOT NULL DEFAULT 0,
        audit_id TEXT,
        created_at TEXT NOT NULL,
        decided_at TEXT
      ) STRICT;
      CREATE INDEX approvals_by_task ON approvals (task_id);
      CREATE INDEX approvals_by_status ON approvals (status);

      CREATE TABLE approval_rules (
        id TEXT PRIMARY KEY,
        tool TEXT NOT NULL,
        pattern TEXT NOT NULL,
        workspace TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (tool, pattern, workspace)
      ) STRICT;

      -- Kept when a conversation is deleted: the audit is the user's record of what ran.
      CREATE TABLE command_audit (
        id TEXT PRIMARY KEY,
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
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX command_audit_by_created ON command_audit (created_at DESC, id);
    `)
  }
}
