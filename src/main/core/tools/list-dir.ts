/**
 * Listing a directory for a tool: sorted, directories first (with a trailing `/`), file sizes
 * human-readable, symbolic links shown as `name -> target`, and at most `maxEntries` lines.
 */
import type { Dirent, Stats } from 'node:fs'
import { lstat, readdir, readlink, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { formatCount } from './bounded'

export interface ListDirOptions {
  /** Default 500. */
  maxEntries?: number
}

export interface ListDirResult {
  ok: boolean
  /** The listing, or an error message. */
  output: string
  /** How many entries the directory has in all (shown or not); 0 on error. */
  entries: number
}

export const DEFAULT_MAX_ENTRIES = 500

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB']

/** 512 → "512 B", 1536 → "1.5 KiB", 10 * 1024 * 1024 → "10 MiB". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  let value = bytes
  let unit = 'B'
  for (const u of UNITS) {
    if (value < 1024) break
    value /= 1024
    unit = u
  }
  const rounded = value < 10 ? Math.round(value * 10) / 10 : Math.round(value)
  return `${rounded} ${unit}`
}

type Kind = 'dir' | 'file' | 'link' | 'other'

interface Entry {
  name: string
  kind: Kind
  /** For links: whether the target is a directory (sorts with directories). */
  linkToDir: boolean
}

function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined
}

function kindOf(d: Dirent | Stats): Kind {
  if (d.isSymbolicLink()) return 'link'
  if (d.isDirectory()) return 'dir'
  if (d.isFile()) return 'file'
  return 'other'
}

function otherLabel(s: Stats): string {
  if (s.isFIFO()) return 'pipe'
  if (s.isSocket()) return 'socket'
  if (s.isCharacterDevice()) return 'character device'
  if (s.isBlockDevice()) return 'block device'
  return 'special file'
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true })

function compareNames(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0)
}

async function classify(dir: string, d: Dirent): Promise<Entry> {
  let kind = kindOf(d)
  if (kind === 'other' && !d.isFIFO() && !d.isSocket() && !d.isBlockDevice() && !d.isCharacterDevice()) {
    // Type unknown to this file system's readdir: ask lstat.
    try {
      kind = kindOf(await lstat(join(dir, d.name)))
    } catch {
      // keep 'other'
    }
  }
  let linkToDir = false
  if (kind === 'link') {
    try {
      linkToDir = (await stat(join(dir, d.name))).isDirectory()
    } catch {
      // broken link
    }
  }
  return { name: d.name, kind, linkToDir }
}

async function describe(dir: string, e: Entry): Promise<string> {
  const full = join(dir, e.name)
  switch (e.kind) {
    case 'dir':
      return `${e.name}/`
    case 'link': {
      let target = '?'
      try {
        target = await readlink(full)
      } catch {
        // unreadable link
      }
      let suffix = ''
      if (e.linkToDir) {
        suffix = '/'
      } else {
        try {
          const s = await stat(full)
          if (s.isFile()) suffix = `  ${formatSize(s.size)}`
        } catch {
          suffix = '  (broken link)'
        }
      }
      return e.linkToDir ? `${e.name}/ -> ${target}` : `${e.name} -> ${target}${suffix}`
    }
    case 'file':
    case 'other':
      try {
        const s = await lstat(full)
        return s.isFile() ? `${e.name}  ${formatSize(s.size)}` : `${e.name}  (${otherLabel(s)})`
      } catch {
        return `${e.name}  (unreadable)`
      }
  }
}

/** Runs `fn` over `items` with at most `limit` calls in flight, keeping order. */
async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

/** Lists a directory (see module comment). Never throws. */
export async function listDirectory(absPath: string, opts: ListDirOptions = {}): Promise<ListDirResult> {
  const maxEntries = Math.max(0, Math.floor(opts.maxEntries ?? DEFAULT_MAX_ENTRIES))

  let dirents: Dirent[]
  try {
    dirents = await readdir(absPath, { withFileTypes: true })
  } catch (e) {
    const code = errnoCode(e)
    let output: string
    if (code === 'ENOENT') output = `directory not found: ${absPath}`
    else if (code === 'ENOTDIR') output = `not a directory: ${absPath}`
    else if (code === 'EACCES' || code === 'EPERM') output = `permission denied: ${absPath}`
    else output = `could not list ${absPath}${code ? ` (${code})` : ''}`
    return { ok: false, output, entries: 0 }
  }

  const entries = await mapLimited(dirents, 32, (d) => classify(absPath, d))
  entries.sort((a, b) => {
    const ad = a.kind === 'dir' || a.linkToDir ? 0 : 1
    const bd = b.kind === 'dir' || b.linkToDir ? 0 : 1
    return ad - bd || compareNames(a.name, b.name)
  })

  const total = entries.length
  if (total === 0) return { ok: true, output: '(empty directory)', entries: 0 }

  const shown = entries.slice(0, maxEntries)
  const lines = await mapLimited(shown, 32, (e) => describe(absPath, e))
  if (total > shown.length) lines.push(`… and ${formatCount(total - shown.length)} more`)
  return { ok: true, output: lines.join('\n'), entries: total }
}
