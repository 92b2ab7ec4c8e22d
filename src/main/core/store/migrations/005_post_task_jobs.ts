import type { Migration } from './types'

/**
 * Learning owed after a task: a row from the moment a completed task is queued for the memory
 * policy and the critic until every step has an outcome event. A row found at start-up is
 * learning a crash cut off: it is run again once, and recorded as interrupted after that.
 */
export const migration005PostTaskJobs: Migration = {
  version: 5,
  name: 'post_task_jobs',
  up(db) {
    db.exec(`
      CREATE TABLE post_task_jobs (
        task_id TEXT PRIMARY KEY REFERENCES tasks (id) ON DELETE CASCADE,
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
      ) STRICT;
    `)
  }
}
