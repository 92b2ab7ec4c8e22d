/**
 * Writing files for the `file_write` and `file_edit` tools: the change is worked out first
 * (`planFileWrite` / `planFileEdit`, which the approval shows as a unified diff), then applied
 * (`applyFileChange`) only if the file is still what the plan saw — a file changed in between
 * is refused, never overwritten. Writes are atomic (a temporary file in the same folder, then a
 * rename), keep the file's line endings and mode, and refuse binary or oversized content.
 */
import { createHash, randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { chmod, open, readFile, rename, rm, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { textDiff } from './text-diff'

/** Files Duck writes are text and at most this big. */
export const MAX_WRITE_BYTES = 1024 * 1024

export interface FileEdit {
  old_text: string
  new_text: string
}

/** A change worked out against the file as it is now. */
export interface FileChangePlan {
  path: string
  /** The file's content before, or null when it does not exist yet. */
  before: string | null
  after: string
  /** SHA-256 of the bytes before (null: no file), checked again right before writing. */
  beforeSha256: string | null
  mode: number | null
  diff: string
  /** The diff with the whole file as context, for files small enough (see `textDiff`). */
  wholeDiff?: string
  added: number
  removed: number
}

export class FileChangeError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'FileChangeError'
  }
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

interface Current {
  text: string | null
  bytes: Buffer | null
  mode: number | null
}

async function readCurrent(path: string): Promise<Current> {
  let info
  try {
    info = await stat(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { text: null, bytes: null, mode: null }
    throw new FileChangeError(`Duck cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`)
  }
  if (info.isDirectory()) throw new FileChangeError(`${path} is a folder, not a file.`)
  if (!info.isFile()) throw new FileChangeError(`${path} is not a regular file.`)
  if (info.size > MAX_WRITE_BYTES) {
    throw new FileChangeError(`${path} is ${info.size} bytes; Duck edits files of at most ${MAX_WRITE_BYTES} bytes.`)
  }
  const bytes = await readFile(path)
  if (bytes.includes(0)) throw new FileChangeError(`${path} is a binary file; Duck edits only text files.`)
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new FileChangeError(`${path} is not UTF-8 text; Duck edits only UTF-8 files.`)
  }
  return { text, bytes, mode: info.mode & 0o7777 }
}

function checkContent(path: string, content: string): void {
  if (content.includes('\u0000'))
    throw new FileChangeError(`The new content of ${path} holds a NUL byte: Duck writes only text.`)
  const size = Buffer.byteLength(content, 'utf8')
  if (size > MAX_WRITE_BYTES) {
    throw new FileChangeError(`The new content of ${path} is ${size} bytes; Duck writes at most ${MAX_WRITE_BYTES}.`)
  }
}

/** The file's own line ending: CRLF when most of its line breaks are CRLF. */
function lineEnding(text: string): '\r\n' | '\n' {
  const crlf = text.split('\r\n').length - 1
  const lf = text.split('\n').length - 1
  return crlf > 0 && crlf * 2 >= lf ? '\r\n' : '\n'
}

function withLineEnding(text: string, ending: '\r\n' | '\n'): string {
  const lf = text.replace(/\r\n/g, '\n')
  return ending === '\n' ? lf : lf.replace(/\n/g, '\r\n')
}

function plan(path: string, current: Current, after: string): FileChangePlan {
  const label = basename(path)
  const { diff, whole_diff, added, removed } = textDiff(
    current.text === null ? '/dev/null' : `a/${label}`,
    `b/${label}`,
    current.text ?? '',
    after
  )
  return {
    path,
    before: current.text,
    after,
    beforeSha256: current.bytes ? sha256(current.bytes) : null,
    mode: current.mode,
    diff,
    ...(whole_diff !== undefined ? { wholeDiff: whole_diff } : {}),
    added,
    removed
  }
}

/** `file_write`: the whole content (in the existing file's line endings). */
export async function planFileWrite(path: string, content: string): Promise<FileChangePlan> {
  const current = await readCurrent(path)
  const after = current.text === null ? content : withLineEnding(content, lineEnding(current.text))
  checkContent(path, after)
  return plan(path, current, after)
}

/** `file_edit`: each `old_text` must match exactly once, in order. */
export async function planFileEdit(path: string, edits: FileEdit[]): Promise<FileChangePlan> {
  const current = await readCurrent(path)
  if (current.text === null) throw new FileChangeError(`${path} does not exist: use file_write to create it.`)
  const ending = lineEnding(current.text)
  let text = current.text
  for (const [index, edit] of edits.entries()) {
    const oldText = withLineEnding(edit.old_text, ending)
    if (oldText === '') throw new FileChangeError(`Edit ${index + 1}: old_text is empty.`)
    const matches = text.split(oldText).length - 1
    if (matches !== 1) {
      throw new FileChangeError(
        `Edit ${index + 1}: old_text matches ${matches} times in ${path}; it must match exactly once` +
          (matches === 0 ? ' (check spaces and line breaks).' : ' (include more of the surrounding text).')
      )
    }
    text = text.replace(oldText, () => withLineEnding(edit.new_text, ending))
  }
  checkContent(path, text)
  return plan(path, current, text)
}

/**
 * Writes a planned change, if the file is still as the plan saw it. Atomic: the content goes
 * to a temporary file beside it (same folder, same file system), flushed, then renamed over.
 */
export async function applyFileChange(change: FileChangePlan): Promise<void> {
  const now = await readCurrent(change.path).catch((error: unknown) => {
    throw error instanceof FileChangeError ? error : new FileChangeError(String(error))
  })
  const nowSha = now.bytes ? sha256(now.bytes) : null
  if (nowSha !== change.beforeSha256) {
    throw new FileChangeError(
      `${change.path} changed since Duck looked at it${change.beforeSha256 === null ? ' (it exists now)' : ''}; ` +
        'nothing was written. Ask again to see the change against the file as it is now.'
    )
  }
  const temp = join(dirname(change.path), `.${basename(change.path)}.duck-${randomBytes(6).toString('hex')}.tmp`)
  let handle
  try {
    handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, change.mode ?? 0o644)
    await handle.writeFile(change.after, 'utf8')
    await handle.sync()
    await handle.close()
    handle = undefined
    if (change.mode !== null) await chmod(temp, change.mode)
    await rename(temp, change.path)
  } catch (error) {
    await handle?.close().catch(() => undefined)
    await rm(temp, { force: true })
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      throw new FileChangeError(`The disk is full: ${change.path} was not written (it is unchanged).`)
    }
    if (code === 'ENOENT') throw new FileChangeError(`The folder of ${change.path} does not exist.`)
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      throw new FileChangeError(`Duck may not write ${change.path} (${code}).`)
    }
    throw new FileChangeError(
      `${change.path} was not written: ${error instanceof Error ? error.message : String(error)}`
    )
  }
}
