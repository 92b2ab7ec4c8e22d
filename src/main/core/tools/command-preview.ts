/**
 * Previews of commands that may write: Preview runs the command the person is asked about
 * against an overlay of the workspace (no network, the same sandbox and limits); the approval
 * then shows the files it would create, change and delete, with diffs, and its output. Apply
 * replays exactly those changes onto the real workspace — all of them or, when any path changed
 * in between, none — and records them in the task's change log, so the task can be undone.
 * Discard drops them. See `sandbox/overlay.ts` for how the overlay is made.
 */
import { createHash } from 'node:crypto'
import { lstat, mkdir, readFile, readlink, rm, rmdir, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { CommandPreview, PreviewedFile } from '../../../shared/dto'
import type { Sandbox } from '../sandbox/sandbox'
import { SANDBOX_MAX_PROCESSES } from '../sandbox/sandbox'
import {
  collectChanges,
  layerPathProblem,
  overlayStatus,
  PREVIEW_SETUP_FAILED,
  preparePreviewDir,
  previewArgv,
  workspaceSide,
  type OverlayChange
} from '../sandbox/overlay'
import type { Db } from '../store/database'
import { now, stmt } from '../store/statements'
import type { ChangeLog } from './change-log'
import { writeAtomically } from './change-log'
import { childEnv, runCommand, shellArgv } from './process'
import { textDiff } from './text-diff'

/** Diffs are shown for text files up to this size; bigger or binary files show their sizes. */
const DIFF_MAX_BYTES = 256 * 1024
/** The most files one preview lists (and Apply replays). */
const MAX_PREVIEW_FILES = 2000

const NETWORK_PROGRAMS =
  /(^|[\s;&|(])(curl|wget|ssh|scp|rsync|git\s+(fetch|pull|push|clone|submodule)|npm\s+(i|install|ci|update)|pnpm\s+(i|install|add)|yarn(\s+(install|add))?|pip3?\s+install|cargo\s+(build|fetch|install)|go\s+(get|mod\s+download)|apt(-get)?\s+install)(\s|$)/

export class PreviewError extends Error {
  constructor(
    message: string,
    readonly code: 'conflict' | 'invalid_input' | 'not_found' = 'conflict'
  ) {
    super(message)
    this.name = 'PreviewError'
  }
}

interface StoredPreview {
  approval_id: string
  task_id: string
  status: CommandPreview['status']
  result: string
  changes: string
  created_at: string
  settled: string | null
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

function isText(data: Buffer): boolean {
  if (data.length > DIFF_MAX_BYTES || data.includes(0)) return false
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(data)
    return true
  } catch {
    return false
  }
}

export interface PreviewRunOptions {
  sandbox: Sandbox
  timeoutMs?: number
  /** Test hook: the overlay's tmpfs size. */
  maxBytes?: number
}

export class CommandPreviews {
  constructor(
    private readonly db: Db,
    private readonly dir: string,
    private readonly changes: ChangeLog,
    private readonly options: PreviewRunOptions
  ) {}

  /** Whether previews work here, and why not. */
  async availability(workspace: string): Promise<{ available: boolean; reason: string | null }> {
    const overlay = await overlayStatus()
    if (!overlay.available) return overlay
    const sandbox = await this.options.sandbox.status()
    if (!sandbox.available) return { available: false, reason: `previews run in the sandbox, and ${sandbox.reason}` }
    const path = layerPathProblem(workspace, this.dir)
    return path ? { available: false, reason: path } : { available: true, reason: null }
  }

  get(approvalId: string): CommandPreview | null {
    const row = stmt(this.db, 'SELECT * FROM command_previews WHERE approval_id = ?').get(approvalId) as
      StoredPreview | undefined
    return row ? (JSON.parse(row.result) as CommandPreview) : null
  }

  /**
   * Runs `command` against an overlay of `workspace` and keeps what it would change. A preview
   * that cannot run (no overlay here, it timed out, the overlay failed) is stored too, with why.
   */
  async run(input: {
    approvalId: string
    taskId: string
    command: string
    workspace: string
    networkAction: boolean
    outsideWorkspace: string[]
    signal: AbortSignal
  }): Promise<CommandPreview> {
    const started = performance.now()
    const base = {
      approval_id: input.approvalId,
      exit_code: null,
      output: '',
      timed_out: false,
      files: [] as PreviewedFile[],
      notes: [] as string[]
    }
    const availability = await this.availability(input.workspace)
    if (!availability.available) {
      return this.store(
        input,
        { ...base, status: 'unavailable', reason: availability.reason ?? 'unavailable', duration_ms: 0 },
        []
      )
    }
    const dir = join(this.dir, input.approvalId)
    await preparePreviewDir(dir)
    const wrapped = this.options.sandbox.wrap({
      argv: shellArgv(input.command),
      workspace: input.workspace,
      grant: { profile: 'workspace_write', network: false, writablePaths: [] },
      env: childEnv()
    })
    const argv = previewArgv({
      workspace: input.workspace,
      dir,
      sandboxed: wrapped.argv,
      ...(this.options.maxBytes ? { maxBytes: this.options.maxBytes } : {})
    })
    const timeoutMs = this.options.timeoutMs ?? 120_000
    const raw = await runCommand(argv, {
      cwd: input.workspace,
      signal: input.signal,
      timeoutMs,
      env: wrapped.env,
      maxProcesses: SANDBOX_MAX_PROCESSES
    })
    const duration = Math.round(performance.now() - started)
    const setup = raw.output.split('\n').find((line) => line.startsWith('duck-preview: '))
    if (raw.cancelled || raw.timedOut || (raw.exitCode === PREVIEW_SETUP_FAILED && setup)) {
      await rm(dir, { recursive: true, force: true })
      const reason = raw.cancelled
        ? 'The preview was cancelled; nothing was changed.'
        : raw.timedOut
          ? `The preview timed out after ${Math.round(timeoutMs / 1000)} s; nothing was changed. Allow the command to run it for real, or deny it.`
          : `The preview could not run: ${(setup ?? '').slice('duck-preview: '.length)}; nothing was changed.`
      return this.store(
        input,
        { ...base, status: 'failed', reason, output: raw.output, timed_out: raw.timedOut, duration_ms: duration },
        []
      )
    }
    const found = await collectChanges(input.workspace, dir)
    if (found.length > MAX_PREVIEW_FILES) {
      await rm(dir, { recursive: true, force: true })
      return this.store(
        input,
        {
          ...base,
          status: 'failed',
          reason: `The command would change ${found.length} paths; a preview shows at most ${MAX_PREVIEW_FILES}. Nothing was changed.`,
          output: raw.output,
          exit_code: raw.exitCode,
          duration_ms: duration
        },
        []
      )
    }
    const files: PreviewedFile[] = []
    for (const change of found) files.push(await this.describe(input.workspace, change))
    const notes: string[] = []
    if (input.networkAction || NETWORK_PROGRAMS.test(input.command)) {
      notes.push(
        'This command may use the network. The preview ran without it, so what the network would bring is not shown.'
      )
    }
    if (input.outsideWorkspace.length > 0) {
      notes.push('It names paths outside the workspace; the preview shows only what it does inside the workspace.')
    }
    notes.push('What it writes outside the workspace (such as /tmp) is not kept, and the world outside is not shown.')
    return this.store(
      input,
      {
        ...base,
        status: 'ready',
        exit_code: raw.exitCode,
        output: raw.output,
        files,
        notes,
        duration_ms: duration
      },
      found
    )
  }

  private async describe(workspace: string, change: OverlayChange): Promise<PreviewedFile> {
    const view: PreviewedFile = {
      path: change.rel,
      kind: change.kind,
      ...(change.type !== 'file' ? { type: change.type } : {}),
      added: 0,
      removed: 0,
      diff: '',
      bytes: change.after?.size ?? change.before?.size ?? 0
    }
    if (change.type !== 'file') {
      if (change.type === 'symlink' && change.after?.link !== undefined) view.link = change.after.link
      return view
    }
    const before = change.before
      ? await readFile(join(workspace, change.rel)).catch(() => Buffer.alloc(0))
      : Buffer.alloc(0)
    const after = change.after ? await readFile(change.after.path) : Buffer.alloc(0)
    if (!isText(before) || !isText(after)) return { ...view, binary: true }
    const a = before.toString('utf8')
    const b = after.toString('utf8')
    const text = textDiff(
      change.before ? `a/${change.rel}` : '/dev/null',
      change.after ? `b/${change.rel}` : '/dev/null',
      a,
      b
    )
    const modeNote =
      change.before && change.after && change.before.mode !== change.after.mode
        ? { mode: `${change.before.mode.toString(8)} → ${change.after.mode.toString(8)}` }
        : {}
    return { ...view, ...text, ...modeNote }
  }

  private store(
    input: { approvalId: string; taskId: string },
    result: CommandPreview,
    changes: OverlayChange[]
  ): CommandPreview {
    stmt(
      this.db,
      `INSERT INTO command_previews (approval_id, task_id, status, result, changes, created_at, settled)
       VALUES (?, ?, ?, ?, ?, ?, NULL)
       ON CONFLICT (approval_id) DO UPDATE SET status = excluded.status, result = excluded.result,
         changes = excluded.changes, created_at = excluded.created_at, settled = NULL`
    ).run(input.approvalId, input.taskId, result.status, JSON.stringify(result), JSON.stringify(changes), now())
    return result
  }

  private settle(approvalId: string, status: 'applied' | 'discarded', result: CommandPreview): void {
    stmt(this.db, 'UPDATE command_previews SET status = ?, result = ?, settled = ? WHERE approval_id = ?').run(
      status,
      JSON.stringify(result),
      now(),
      approvalId
    )
  }

  /** Drops a preview's changes; the approval stays open. */
  async discard(approvalId: string): Promise<CommandPreview> {
    const row = this.row(approvalId)
    if (row.status !== 'ready') throw new PreviewError(`That preview is ${row.status}; there is nothing to discard.`)
    await rm(join(this.dir, approvalId), { recursive: true, force: true })
    const result: CommandPreview = { ...(JSON.parse(row.result) as CommandPreview), status: 'discarded' }
    this.settle(approvalId, 'discarded', result)
    return result
  }

  private row(approvalId: string): StoredPreview {
    const row = stmt(this.db, 'SELECT * FROM command_previews WHERE approval_id = ?').get(approvalId) as
      StoredPreview | undefined
    if (!row) throw new PreviewError(`Approval ${approvalId} has no preview; run Preview first.`, 'not_found')
    return row
  }

  /**
   * Replays a ready preview onto the workspace: every path must still be as the preview saw it
   * (else nothing is applied, and the conflicts are listed). Deletions go first (deepest first),
   * then folders, files and links in path order. If a write fails part way, what was applied is
   * put back, so the workspace is either fully changed or unchanged. Each change is recorded for
   * the task's undo.
   */
  async apply(approvalId: string, taskId: string, workspace: string): Promise<CommandPreview> {
    const row = this.row(approvalId)
    if (row.status !== 'ready')
      throw new PreviewError(`That preview is ${row.status}; only a ready preview can be applied.`)
    const result = JSON.parse(row.result) as CommandPreview
    const changes = JSON.parse(row.changes) as OverlayChange[]
    const conflicts: { path: string; reason: string }[] = []
    for (const change of changes) {
      const target = join(workspace, change.rel)
      if (change.type === 'folder') continue
      const side = await workspaceSide(target)
      const expected = change.before
      if ((side === null) !== (expected === null) || (side && expected && side.sha256 !== expected.sha256)) {
        conflicts.push({ path: change.rel, reason: `${change.rel} changed since the preview; nothing was applied.` })
      }
    }
    if (conflicts.length > 0) return { ...result, conflicts }

    const order = [
      ...changes.filter((c) => c.kind === 'deleted').sort((a, b) => (a.rel < b.rel ? 1 : -1)),
      ...changes.filter((c) => c.kind !== 'deleted')
    ]
    const done: { change: OverlayChange; before: Buffer | null }[] = []
    try {
      for (const change of order) {
        const target = join(workspace, change.rel)
        const before =
          change.before && change.type !== 'folder'
            ? change.type === 'symlink'
              ? Buffer.from(await readlink(target))
              : await readFile(target)
            : null
        await applyOne(target, change)
        done.push({ change, before })
      }
    } catch (error) {
      for (const { change, before } of done.reverse()) {
        await revertOne(join(workspace, change.rel), change, before).catch(() => undefined)
      }
      const reason = error instanceof Error ? error.message : String(error)
      return {
        ...result,
        conflicts: [{ path: '', reason: `Applying stopped (${reason}); the workspace was put back as it was.` }]
      }
    }
    const recorded: string[] = []
    for (const { change, before } of done) {
      const after =
        change.after && change.type !== 'folder'
          ? change.type === 'symlink'
            ? Buffer.from(change.after.link ?? '')
            : await readFile(change.after.path)
          : null
      const shown = result.files.find((f) => f.path === change.rel && f.kind === change.kind)
      const entry = await this.changes.recordChange(taskId, {
        path: join(workspace, change.rel),
        type: change.type,
        before,
        after,
        beforeExists: change.kind !== 'created',
        afterExists: change.kind !== 'deleted',
        beforeMode: change.before?.mode ?? null,
        afterMode: change.after?.mode ?? null,
        diff: shown?.diff ?? '',
        added: shown?.added ?? 0,
        removed: shown?.removed ?? 0
      })
      recorded.push(entry.change_id)
    }
    await rm(join(this.dir, approvalId), { recursive: true, force: true })
    const applied: CommandPreview = { ...result, status: 'applied', applied_changes: recorded }
    this.settle(approvalId, 'applied', applied)
    return applied
  }
}

async function applyOne(target: string, change: OverlayChange): Promise<void> {
  if (change.kind === 'deleted') {
    if (change.type === 'folder') await rmdir(target)
    else await rm(target)
    return
  }
  if (change.type === 'folder') {
    await mkdir(target, { recursive: true })
    return
  }
  const after = change.after
  if (!after) throw new Error(`the preview kept no copy of ${change.rel}`)
  await mkdir(join(target, '..'), { recursive: true })
  if (change.type === 'symlink') {
    await rm(target, { force: true })
    await symlink(after.link ?? '', target)
    return
  }
  const data = await readFile(after.path)
  if (sha256(data) !== after.sha256) throw new Error(`the preview's copy of ${change.rel} was altered`)
  // A folder the command replaced by a file was deleted first (deletions go first).
  const existing = await lstat(target).catch(() => null)
  if (existing?.isSymbolicLink()) await rm(target)
  await writeAtomically(target, data, after.mode)
}

async function revertOne(target: string, change: OverlayChange, before: Buffer | null): Promise<void> {
  if (change.kind === 'created') {
    if (change.type === 'folder') await rmdir(target)
    else await rm(target, { force: true })
    return
  }
  if (change.type === 'folder') {
    await mkdir(target, { recursive: true })
    return
  }
  if (before === null) return
  if (change.type === 'symlink') {
    await rm(target, { force: true })
    await symlink(before.toString(), target)
    return
  }
  await writeAtomically(target, before, change.before?.mode ?? null)
}
