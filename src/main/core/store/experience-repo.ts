/**
 * The `experiences` table (the critic's lessons) and its FTS5 index. Statements only.
 */
import type { ExperienceRecord } from '../../../shared/dto'
import type { Db } from './database'
import { now, stmt } from './statements'

interface ExperienceRow {
  experience_id: string
  task_id: string
  lesson: string
  created_at: string
}

const COLUMNS = 'e.experience_id, e.task_id, e.lesson, e.created_at'

/**
 * bm25 over the request (weight 1) and the lesson (0.75), scaled by age like memories:
 * 1× when fresh, towards 0.5×, half way at 60 days. `@now` is julianday('now').
 */
const SCORE = `bm25(experiences_fts, 1.0, 0.75) * (0.5 + 0.5 / (1.0 + max(0.0, @now - julianday(e.updated_at)) / 60.0))`

function toRecord(row: ExperienceRow): ExperienceRecord {
  return { experience_id: row.experience_id, task_id: row.task_id, lesson: row.lesson, created_at: row.created_at }
}

/**
 * Stores a lesson, or — when the same lesson (normalised) is already known — makes that one
 * recent again. Returns the id of the entry that holds it.
 */
export function upsertExperience(
  db: Db,
  e: { experienceId: string; taskId: string; workspace: string; request: string; lesson: string; norm: string }
): { experienceId: string; merged: boolean } {
  const at = now()
  const existing = stmt(db, 'SELECT experience_id FROM experiences WHERE norm = ?').get(e.norm) as
    { experience_id: string } | undefined
  if (existing) {
    stmt(db, 'UPDATE experiences SET updated_at = ? WHERE experience_id = ?').run(at, existing.experience_id)
    return { experienceId: existing.experience_id, merged: true }
  }
  stmt(
    db,
    `INSERT INTO experiences (experience_id, task_id, workspace, request, lesson, norm, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
  ).run(e.experienceId, e.taskId, e.workspace, e.request, e.lesson, e.norm, at, at)
  return { experienceId: e.experienceId, merged: false }
}

/** Best matches of an FTS5 expression over request and lesson. */
export function searchExperiences(
  db: Db,
  input: { match: string; limit: number; julianNow: number }
): ExperienceRecord[] {
  const rows = stmt(
    db,
    `SELECT ${COLUMNS} FROM experiences_fts CROSS JOIN experiences e ON e.id = experiences_fts.rowid
     WHERE experiences_fts MATCH @match ORDER BY ${SCORE} LIMIT @limit`
  ).all({ now: input.julianNow, match: input.match, limit: input.limit }) as ExperienceRow[]
  return rows.map(toRecord)
}

/** Newest first. */
export function listExperiences(db: Db, limit: number): ExperienceRecord[] {
  const rows = stmt(db, `SELECT ${COLUMNS} FROM experiences e ORDER BY e.updated_at DESC LIMIT ?`).all(
    limit
  ) as ExperienceRow[]
  return rows.map(toRecord)
}

export function deleteWorkspaceExperiences(db: Db, workspace: string): number {
  return stmt(db, 'DELETE FROM experiences WHERE workspace = ?').run(workspace).changes
}

export function deleteAllExperiences(db: Db): number {
  return stmt(db, 'DELETE FROM experiences').run().changes
}
