/**
 * What a task changed, and its undo. Before a file tool's change is recorded, the file's
 * previous content (or its absence) is kept, content-addressed, in `<data>/changes/`; each
 * change is a row of `file_changes`. Undo restores every file the task changed, newest first,
 * but only a file still as the task left it: one changed since is a conflict, reported and
 * never overwritten. Undo is itself undone by undoing again (the task's changes are re-applied
 * under the same rule).
 */
import { createHash, randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { FileChange, UndoResult } from '../../../shared/dto'
import type { Db } from '../store/database'
import { now, stmt } from '../store/statements'
import { applyFileChange, FileChangeError, type FileChangePlan } from './file-write'

interface ChangeRow {
  id: string
  task_id: string
  path: string
  before_sha256: string | null
  after_sha256: string
  added: number
  removed: number
  diff: string
  undone: number
  created_at: string
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex')

export class ChangeLog {
  constructor(
    private readonly db: Db,
    private readonly dir: string
  ) {}

  private blobPath(hash: string): string {
    return join(this.dir, hash.slice(0, 2), hash)
  }

  private async keep(text: string): Promise<string> {
    const hash = sha256(text)
    const path = this.blobPath(hash)
    if (!existsSync(path)) {
      await mkdir(dirname(path), { recursive: true })
      const temp = `${path}.${randomUUID()}.tmp`
      await writeFile(temp, text, 'utf8')
      await rename(temp, path)
    }
    return hash
  }

  /** Records a change a file tool made (both sides are kept, so undo and redo can restore them). */
  async record(taskId: string, change: FileChangePlan): Promise<FileChange> {
    const before = change.before === null ? null : await this.keep(change.before)
    const after = await this.keep(change.after)
    const row: ChangeRow = {
      id: `chg_${randomUUID()}`,
      task_id: taskId,
      path: change.path,
      before_sha256: before,
      after_sha256: after,
      added: change.added,
      removed: change.removed,
      diff: change.diff,
      undone: 0,
      created_at: now()
    }
    stmt(
      this.db,
      `INSERT INTO file_changes (id, task_id, path, before_sha256, after_sha256, added, removed, diff, undone, created_at)
       VALUES (@id, @task_id, @path, @before_sha256, @after_sha256, @added, @removed, @diff, @undone, @created_at)`
    ).run(row)
    return toChange(row)
  }

  list(taskId: string): FileChange[] {
    return this.rows(taskId).map(toChange)
  }

  private rows(taskId: string): ChangeRow[] {
    return stmt(this.db, 'SELECT * FROM file_changes WHERE task_id = ? ORDER BY created_at, rowid').all(
      taskId
    ) as ChangeRow[]
  }

  /**
   * Undoes the task's changes (newest first), or — when they are all undone — re-applies them.
   * Each file is restored only if it is as the step left it; others are conflicts.
   */
  async undo(taskId: string): Promise<UndoResult> {
    const rows = this.rows(taskId)
    const redo = rows.length > 0 && rows.every((row) => row.undone === 1)
    const todo = (redo ? rows : [...rows].reverse()).filter((row) => (row.undone === 1) === redo)
    const restored: string[] = []
    const conflicts: { path: string; reason: string }[] = []
    for (const row of todo) {
      const from = redo ? row.before_sha256 : row.after_sha256
      const to = redo ? row.after_sha256 : row.before_sha256
      try {
        await this.restore(row.path, from, to)
        restored.push(row.path)
        stmt(this.db, 'UPDATE file_changes SET undone = ? WHERE id = ?').run(redo ? 0 : 1, row.id)
      } catch (error) {
        conflicts.push({ path: row.path, reason: error instanceof Error ? error.message : String(error) })
      }
    }
    return { task_id: taskId, action: redo ? 'redo' : 'undo', restored, conflicts }
  }

  /** Puts `path` back to the content `to` (null: no file), if it is now exactly `from`. */
  private async restore(path: string, from: string | null, to: string | null): Promise<void> {
    let current: string | null = null
    let mode: number | null = null
    try {
      current = await readFile(path, 'utf8')
      mode = (await stat(path)).mode & 0o7777
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
    const currentHash = current === null ? null : sha256(current)
    if (currentHash !== from) {
      throw new FileChangeError(`${path} changed since this task; it was left as it is.`)
    }
    if (to === null) {
      await rm(path)
      return
    }
    const text = await readFile(this.blobPath(to), 'utf8').catch(() => {
      throw new FileChangeError(`The kept copy of ${path} is missing; it was left as it is.`)
    })
    await applyFileChange({
      path,
      before: current,
      after: text,
      beforeSha256: current === null ? null : createHash('sha256').update(Buffer.from(current, 'utf8')).digest('hex'),
      mode,
      diff: '',
      added: 0,
      removed: 0
    })
  }
}

function toChange(row: ChangeRow): FileChange {
  return {
    change_id: row.id,
    task_id: row.task_id,
    path: row.path,
    kind: row.before_sha256 === null ? 'created' : 'modified',
    added: row.added,
    removed: row.removed,
    diff: row.diff,
    undone: row.undone === 1,
    created_at: row.created_at
  }
}
