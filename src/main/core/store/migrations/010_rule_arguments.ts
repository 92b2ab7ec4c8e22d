import type { Migration } from './types'

/**
 * "Always allow" rules can be narrowed to arguments: `args` is a pattern over the words of the
 * command part ('' = any arguments, as before). The table is rebuilt so that the same program
 * may have a rule for any arguments and rules for particular ones. An approval keeps each
 * part's key and words, so the person can choose the narrow rule when they decide.
 */
export const migration010RuleArguments: Migration = {
  version: 10,
  name: 'rule_arguments',
  up(db) {
    db.exec(`
      CREATE TABLE approval_rules_new (
        id TEXT PRIMARY KEY,
        tool TEXT NOT NULL,
        pattern TEXT NOT NULL,
        args TEXT NOT NULL DEFAULT '',
        workspace TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (tool, pattern, args, workspace)
      ) STRICT;
      INSERT INTO approval_rules_new (id, tool, pattern, args, workspace, created_at)
        SELECT id, tool, pattern, '', workspace, created_at FROM approval_rules;
      DROP TABLE approval_rules;
      ALTER TABLE approval_rules_new RENAME TO approval_rules;
      ALTER TABLE approvals ADD COLUMN rule_parts TEXT NOT NULL DEFAULT '[]';
    `)
  }
}
