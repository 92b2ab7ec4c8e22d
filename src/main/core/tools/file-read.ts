/**
 * Reading a file for a tool: at most `maxBytes` are read (a 2 GB file is never loaded),
 * binary files are described instead of shown, and problems come back as clear messages.
 */
import { constants } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import { StringDecoder } from 'node:string_decoder'
import { formatCount } from './bounded'

export interface ReadFileOptions {
  /** Default 256 KiB. */
  maxBytes?: number
  signal?: AbortSignal
}

export interface ReadFileResult {
  ok: boolean
  /** The text (possibly truncated, with a note), a binary description, or an error message. */
  output: string
  /** True when only the first `maxBytes` were read. */
  truncated: boolean
  binary: boolean
  /** File size in bytes (0 when unknown or on error). */
  size: number
}

export const DEFAULT_MAX_READ_BYTES = 256 * 1024
/** How much of the start of a file is inspected to decide whether it is binary. */
const SNIFF_BYTES = 8 * 1024

function fail(output: string, size = 0): ReadFileResult {
  return { ok: false, output, truncated: false, binary: false, size }
}

function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined
}

function describeError(e: unknown, absPath: string): string {
  switch (errnoCode(e)) {
    case 'ENOENT':
      return `file not found: ${absPath}`
    case 'ENOTDIR':
      return `file not found (a parent is not a directory): ${absPath}`
    case 'EACCES':
    case 'EPERM':
      return `permission denied: ${absPath}`
    case 'ELOOP':
      return `too many symbolic links: ${absPath}`
    case 'EISDIR':
      return `is a directory, not a file: ${absPath}`
    case 'ABORT_ERR':
      return `read cancelled: ${absPath}`
    default: {
      const code = errnoCode(e)
      return `could not read ${absPath}${code ? ` (${code})` : ''}`
    }
  }
}

/**
 * Decides whether `sample` (the start of a file) is binary: it contains a NUL byte, or a
 * large share of it is invalid UTF-8 or control characters other than ordinary whitespace.
 * Latin-1 text with a few accented letters still counts as text.
 */
export function looksBinary(sample: Uint8Array): boolean {
  if (sample.length === 0) return false
  if (sample.includes(0)) return true
  // A multi-byte character cut off at the end of the sample is not evidence of binary.
  const text = new StringDecoder('utf8').write(Buffer.from(sample.buffer, sample.byteOffset, sample.byteLength))
  if (text.length === 0) return false
  let suspicious = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0xfffd) suspicious++
    else if (
      c < 0x20 &&
      c !== 0x09 &&
      c !== 0x0a &&
      c !== 0x0d &&
      c !== 0x0c &&
      c !== 0x0b &&
      c !== 0x1b &&
      c !== 0x08
    ) {
      suspicious++
    } else if (c === 0x7f) suspicious++
  }
  return suspicious / text.length > 0.3
}

/** Reads up to `maxBytes` of a file as text (see module comment). Never throws. */
export async function readWorkspaceFile(absPath: string, opts: ReadFileOptions = {}): Promise<ReadFileResult> {
  const maxBytes = Math.max(0, Math.floor(opts.maxBytes ?? DEFAULT_MAX_READ_BYTES))
  const signal = opts.signal
  if (signal?.aborted) return fail(`read cancelled: ${absPath}`)

  let info
  try {
    info = await stat(absPath)
  } catch (e) {
    return fail(describeError(e, absPath))
  }
  if (info.isDirectory()) return fail(`is a directory, not a file: ${absPath}`)
  if (!info.isFile()) return fail(`not a regular file (device, socket or pipe): ${absPath}`)

  let handle
  try {
    // O_NONBLOCK: should the path have been swapped for a FIFO since the stat, opening it
    // does not hang; for regular files the flag has no effect.
    handle = await open(absPath, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY)
  } catch (e) {
    return fail(describeError(e, absPath))
  }

  try {
    const st = await handle.stat()
    if (!st.isFile()) return fail(`not a regular file (device, socket or pipe): ${absPath}`)
    const size = st.size

    // Read up to maxBytes, plus one byte to learn whether there is more (sizes of files
    // such as those in /proc are reported as 0).
    const want = maxBytes + 1
    const buf = Buffer.allocUnsafe(Math.min(want, Math.max(size + 1, SNIFF_BYTES)))
    let data = buf
    let got = 0
    for (;;) {
      if (signal?.aborted) return fail(`read cancelled: ${absPath}`, size)
      if (got === data.length) {
        if (data.length >= want) break
        const bigger = Buffer.allocUnsafe(Math.min(want, data.length * 2))
        data.copy(bigger, 0, 0, got)
        data = bigger
      }
      const { bytesRead } = await handle.read(data, got, data.length - got, got)
      if (bytesRead === 0) break
      got += bytesRead
    }
    const truncated = got > maxBytes
    const content = data.subarray(0, Math.min(got, maxBytes))
    const knownSize = Math.max(size, got)

    if (looksBinary(content.subarray(0, SNIFF_BYTES))) {
      return {
        ok: true,
        output: `binary file, ${formatCount(knownSize)} bytes, not shown`,
        truncated: false,
        binary: true,
        size: knownSize
      }
    }

    // StringDecoder.write holds back a multi-byte character cut off at the end.
    let text = truncated ? new StringDecoder('utf8').write(content) : content.toString('utf8')
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    if (truncated) {
      const total = size > got ? `${formatCount(size)} bytes` : 'more'
      text += `\n… [truncated: showing the first ${formatCount(content.length)} bytes of ${total}]`
    } else if (text.length === 0) {
      text = '(empty file)'
    }
    return { ok: true, output: text, truncated, binary: false, size: knownSize }
  } catch (e) {
    return fail(describeError(e, absPath))
  } finally {
    await handle.close().catch(() => undefined)
  }
}
