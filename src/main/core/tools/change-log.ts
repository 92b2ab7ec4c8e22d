/**
 * What a task changed, and its undo. Before a change Duck makes is recorded — a file tool's
 * write, or an applied command preview's files, folders and links — each side is kept,
 * content-addressed, in `<data>/changes/`; each change is a row of `file_changes`. Undo restores
 * every change of the task, newest first, but only where the path is still as the task left it:
 * one changed since is a conflict, reported and never overwritten. Undo is itself undone by
 * undoing again (the task's changes are re-applied under the same rule).
 *
 * Not everything can be undone, and the list says so: a command a person approved to run
 * directly (without a preview, Duck cannot know what it changed), and changes whose kept copies
 * were dropped to keep the store under its size bound (oldest tasks first).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { constants, existsSync } from 'node:fs'
import { chmod, lstat, mkdir, open, readFile, readlink, rename, rm, rmdir, symlink, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { FileChange, UndoResult } from '../../../shared/dto'
import type { Db } from '../store/database'
import { now, stmt } from '../store/statements'
import { FileChangeError, type FileChangePlan } from './file-write'

/** The default bound on the kept copies (all tasks together). */
export const CHANGE_STORE_MAX_BYTES = 512 * 1024 * 1024

export type ChangeType = 'file' | 'folder' | 'symlink'

/** One change to record: both sides of one path (null: it did not / does not exist). */
export interface RecordedChange {
  path: string
  type: ChangeType
  /** A file's bytes or a link's target; null when absent (or for folders). */
  before: Buffer | null
  after: Buffer | null
  beforeExists: boolean
  afterExists: boolean
  beforeMode: number | null
  afterMode: number | null
  diff: string
  added: number
  removed: number
}

interface ChangeRow {
  id: string
  task_id: string
  path: string
  kind: 'created' | 'modified' | 'deleted' | 'command'
  type: ChangeType
  before_sha256: string | null
  after_sha256: string | null
  before_mode: number | null
  after_mode: number | null
  added: number
  removed: number
  diff: string
  bytes: number
  undoable: number
  command: string | null
  undone: number
  created_at: string
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

/** What a path is now: its type and content hash (folders: no hash), or null when absent. */
interface PathState {
  type: ChangeType | 'other'
  sha256: string | null
}

async function stateOf(path: string): Promise<PathState | null> {
  let info
  try {
    info = await lstat(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
  if (info.isSymbolicLink()) return { type: 'symlink', sha256: sha256(Buffer.from(await readlink(path))) }
  if (info.isDirectory()) return { type: 'folder', sha256: null }
  if (info.isFile()) return { type: 'file', sha256: sha256(await readFile(path)) }
  return { type: 'other', sha256: null }
}

/** Writes bytes atomically beside `path` (temporary file, flush, rename), with `mode`. */
export async function writeAtomically(path: string, bytes: Buffer, mode: number | null): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.duck-${randomBytes(6).toString('hex')}.tmp`)
  let handle
  try {
    handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode ?? 0o644)
    await handle.writeFile(bytes)
    await handle.sync()
    await handle.close()
    handle = undefined
    if (mode !== null) await chmod(temp, mode)
    await rename(temp, path)
  } catch (error) {
    await handle?.close().catch(() => undefined)
    await rm(temp, { force: true })
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOSPC' || code === 'EDQUOT') throw new FileChangeError(`The disk is full: ${path} was not written.`)
    throw new FileChangeError(`${path} was not written: ${error instanceof Error ? error.message : String(error)}`)
  }
}

export class ChangeLog {
  constructor(
    private readonly db: Db,
    private readonly dir: string,
    private readonly maxBytes: number = CHANGE_STORE_MAX_BYTES
  ) {}

  private blobPath(hash: string): string {
    return join(this.dir, hash.slice(0, 2), hash)
  }

  private async keep(data: Buffer): Promise<string> {
    const hash = sha256(data)
    const path = this.blobPath(hash)
    if (!existsSync(path)) {
      await mkdir(dirname(path), { recursive: true })
      const temp = `${path}.${randomUUID()}.tmp`
      await writeFile(temp, data)
      await rename(temp, path)
    }
    return hash
  }

  /** Records a change a file tool made (both sides are kept, so undo and redo can restore them). */
  async record(taskId: string, change: FileChangePlan): Promise<FileChange> {
    return this.recordChange(taskId, {
      path: change.path,
      type: 'file',
      before: change.before === null ? null : Buffer.from(change.before, 'utf8'),
      after: Buffer.from(change.after, 'utf8'),
      beforeExists: change.before !== null,
      afterExists: true,
      beforeMode: change.mode,
      afterMode: change.mode,
      diff: change.diff,
      added: change.added,
      removed: change.removed
    })
  }

  /** Records one change of any kind (a file, folder or link; created, modified or deleted). */
  async recordChange(taskId: string, change: RecordedChange): Promise<FileChange> {
    const before = change.before === null ? null : await this.keep(change.before)
    const after = change.after === null ? null : await this.keep(change.after)
    const row: ChangeRow = {
      id: `chg_${randomUUID()}`,
      task_id: taskId,
      path: change.path,
      kind: !change.beforeExists ? 'created' : !change.afterExists ? 'deleted' : 'modified',
      type: change.type,
      before_sha256: before,
      after_sha256: after,
      before_mode: change.beforeMode,
      after_mode: change.afterMode,
      added: change.added,
      removed: change.removed,
      diff: change.diff,
      bytes: (change.before?.length ?? 0) + (change.after?.length ?? 0),
      undoable: 1,
      command: null,
      undone: 0,
      created_at: now()
    }
    this.insert(row)
    await this.enforceBound()
    return toChange(row, this.maxBytes)
  }

  /**
   * Marks a command a person approved to run directly: what it changed is unknown, so this
   * task's undo cannot cover it, and the Changes view says so.
   */
  recordCommand(taskId: string, command: string): FileChange {
    const row: ChangeRow = {
      id: `chg_${randomUUID()}`,
      task_id: taskId,
      path: '',
      kind: 'command',
      type: 'file',
      before_sha256: null,
      after_sha256: null,
      before_mode: null,
      after_mode: null,
      added: 0,
      removed: 0,
      diff: '',
      bytes: 0,
      undoable: 0,
      command,
      undone: 0,
      created_at: now()
    }
    this.insert(row)
    return toChange(row, this.maxBytes)
  }

  private insert(row: ChangeRow): void {
    stmt(
      this.db,
      `INSERT INTO file_changes (id, task_id, path, kind, type, before_sha256, after_sha256, before_mode, after_mode,
         added, removed, diff, bytes, undoable, command, undone, created_at)
       VALUES (@id, @task_id, @path, @kind, @type, @before_sha256, @after_sha256, @before_mode, @after_mode,
         @added, @removed, @diff, @bytes, @undoable, @command, @undone, @created_at)`
    ).run(row)
  }

  /**
   * Keeps the kept copies under the bound: the oldest tasks' changes stop being undoable (and
   * their copies are removed) until the rest fits. The newest task is never dropped.
   */
  private async enforceBound(): Promise<void> {
    const total = () =>
      (stmt(this.db, 'SELECT COALESCE(SUM(bytes), 0) AS n FROM file_changes WHERE undoable = 1').get() as { n: number })
        .n
    let dropped = false
    while (total() > this.maxBytes) {
      const oldest = stmt(
        this.db,
        `SELECT task_id FROM file_changes WHERE undoable = 1 GROUP BY task_id ORDER BY MIN(created_at), MIN(rowid) LIMIT 2`
      ).all() as { task_id: string }[]
      if (oldest.length < 2) break
      stmt(this.db, 'UPDATE file_changes SET undoable = 0 WHERE task_id = ? AND undoable = 1').run(
        (oldest[0] as { task_id: string }).task_id
      )
      dropped = true
    }
    if (!dropped) return
    const live = new Set(
      (
        stmt(this.db, 'SELECT before_sha256 AS a, after_sha256 AS b FROM file_changes WHERE undoable = 1').all() as {
          a: string | null
          b: string | null
        }[]
      ).flatMap((r) => [r.a, r.b].filter((h): h is string => h !== null))
    )
    const gone = stmt(
      this.db,
      `SELECT before_sha256 AS a, after_sha256 AS b FROM file_changes WHERE undoable = 0 AND kind != 'command'`
    ).all() as { a: string | null; b: string | null }[]
    for (const hash of new Set(gone.flatMap((r) => [r.a, r.b]))) {
      if (hash && !live.has(hash)) await rm(this.blobPath(hash), { force: true })
    }
  }

  list(taskId: string): FileChange[] {
    return this.rows(taskId).map((row) => toChange(row, this.maxBytes))
  }

  private rows(taskId: string): ChangeRow[] {
    return stmt(this.db, 'SELECT * FROM file_changes WHERE task_id = ? ORDER BY created_at, rowid').all(
      taskId
    ) as ChangeRow[]
  }

  /**
   * Undoes the task's changes (newest first), or — when they are all undone — re-applies them.
   * Each path is restored only if it is as the step left it; others are conflicts. What cannot
   * be undone is listed, never silently left out.
   */
  async undo(taskId: string): Promise<UndoResult> {
    const all = this.rows(taskId)
    const rows = all.filter((row) => row.undoable === 1)
    const redo = rows.length > 0 && rows.every((row) => row.undone === 1)
    const todo = (redo ? rows : [...rows].reverse()).filter((row) => (row.undone === 1) === redo)
    const restored: string[] = []
    const conflicts: { path: string; reason: string }[] = []
    for (const row of todo) {
      try {
        await this.restore(row, redo)
        restored.push(row.path)
        stmt(this.db, 'UPDATE file_changes SET undone = ? WHERE id = ?').run(redo ? 0 : 1, row.id)
      } catch (error) {
        conflicts.push({ path: row.path, reason: error instanceof Error ? error.message : String(error) })
      }
    }
    const notUndoable = all
      .filter((row) => row.undoable === 0)
      .map((row) => ({
        path: row.kind === 'command' ? (row.command ?? '') : row.path,
        reason: notUndoableReason(row, this.maxBytes)
      }))
    return {
      task_id: taskId,
      action: redo ? 'redo' : 'undo',
      restored,
      conflicts,
      ...(notUndoable.length > 0 ? { not_undoable: notUndoable } : {})
    }
  }

  /** Puts a row's path back to one side, if it is now exactly the other side. */
  private async restore(row: ChangeRow, redo: boolean): Promise<void> {
    const fromExists = redo ? row.kind !== 'created' : row.kind !== 'deleted'
    const toExists = redo ? row.kind !== 'deleted' : row.kind !== 'created'
    const fromHash = redo ? row.before_sha256 : row.after_sha256
    const toHash = redo ? row.after_sha256 : row.before_sha256
    const toMode = redo ? row.after_mode : row.before_mode
    const current = await stateOf(row.path)
    const matches = fromExists
      ? current !== null && current.type === row.type && (row.type === 'folder' || current.sha256 === fromHash)
      : current === null
    if (!matches) throw new FileChangeError(`${row.path} changed since this task; it was left as it is.`)
    if (!toExists) {
      if (row.type === 'folder') {
        await rmdir(row.path).catch(() => {
          throw new FileChangeError(`${row.path} is not empty any more; it was left as it is.`)
        })
      } else {
        await rm(row.path)
      }
      return
    }
    if (row.type === 'folder') {
      await mkdir(row.path, { recursive: true })
      return
    }
    const data = await readFile(this.blobPath(toHash as string)).catch(() => {
      throw new FileChangeError(`The kept copy of ${row.path} is missing; it was left as it is.`)
    })
    await mkdir(dirname(row.path), { recursive: true })
    if (row.type === 'symlink') {
      if (current) await rm(row.path)
      await symlink(data.toString(), row.path)
      return
    }
    await writeAtomically(row.path, data, toMode)
  }
}

function notUndoableReason(row: ChangeRow, maxBytes: number): string {
  return row.kind === 'command'
    ? 'This command ran directly (it was not previewed), so Duck cannot know what it changed.'
    : `Its kept copies were removed to keep the change store under ${Math.round(maxBytes / (1024 * 1024))} MiB.`
}

function toChange(row: ChangeRow, maxBytes: number): FileChange {
  return {
    change_id: row.id,
    task_id: row.task_id,
    path: row.path,
    kind: row.kind,
    ...(row.type !== 'file' ? { type: row.type } : {}),
    added: row.added,
    removed: row.removed,
    diff: row.diff,
    undone: row.undone === 1,
    undoable: row.undoable === 1,
    ...(row.undoable === 0 ? { not_undoable_reason: notUndoableReason(row, maxBytes) } : {}),
    ...(row.command !== null ? { command: row.command } : {}),
    created_at: row.created_at
  }
}
