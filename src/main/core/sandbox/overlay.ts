/**
 * Command previews: a command runs against a copy-on-write overlay of the workspace, so what it
 * would change can be shown before anything real changes.
 *
 * Linux only. Debian 12's bubblewrap (0.8) has no overlay options, but an overlayfs mount works
 * unprivileged inside a user and mount namespace (kernel 5.11 and later). The preview runs as:
 *
 *   unshare --user --map-root-user --mount --net   (a namespace of its own, with no network)
 *     bash PREVIEW_SCRIPT                           (tmpfs → overlay of the workspace → bound over it)
 *       bwrap … workspace_write …                   (the same sandbox and limits as a real run)
 *         bash -c '<command>'
 *
 * The overlay's upper layer lives on a size-bounded tmpfs inside the namespace; after the
 * command, the script copies the files it wrote (and the listing of every folder it touched)
 * into the preview's folder, and the namespace — with every mount — disappears with it. What
 * changed is then read from that copy: files in the upper layer are created or changed, and a
 * folder's entries that the lower layer has but the merged listing lacks were deleted.
 */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, isAbsolute, join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** The most the previewed command may write (the overlay's tmpfs). */
export const PREVIEW_MAX_BYTES = 256 * 1024 * 1024

/** The exit status the preview script uses when the overlay itself failed. */
export const PREVIEW_SETUP_FAILED = 125

export interface OverlayStatus {
  available: boolean
  /** Why not, in a sentence a person can act on; null when available. */
  reason: string | null
}

/** One thing a previewed command changed, relative to the workspace. */
export interface OverlayChange {
  /** Path inside the workspace, with `/` separators (e.g. `src/a.ts`). */
  rel: string
  kind: 'created' | 'changed' | 'deleted'
  type: 'file' | 'folder' | 'symlink'
  /** The workspace's side before: SHA-256 of a file's bytes (or a link's target), and its mode. */
  before: { sha256: string; mode: number; size: number } | null
  /** The overlay's side: where its copy is kept (files, links), its mode and size. */
  after: { path: string; sha256: string; mode: number; size: number; link?: string } | null
}

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex')

/**
 * Runs inside the namespace: $1 workspace, $2 the preview's folder, $3 the tmpfs size; then the
 * sandboxed command. Exit 125 with a `duck-preview:` line when the overlay could not be set up.
 */
const PREVIEW_SCRIPT = `set -u
ws=$1 dir=$2 size=$3
shift 3
fail() { echo "duck-preview: $1" >&2; exit ${PREVIEW_SETUP_FAILED}; }
mount -t tmpfs -o "size=$size,mode=0700" duck-preview "$dir/mnt" || fail "no tmpfs for the overlay"
mkdir "$dir/mnt/upper" "$dir/mnt/work" || fail "no room for the overlay"
mount -t overlay duck-preview -o "lowerdir=$ws,upperdir=$dir/mnt/upper,workdir=$dir/mnt/work,userxattr" "$dir/merged" \\
  || fail "the overlay could not be mounted"
mount --bind "$dir/merged" "$ws" || fail "the overlay could not be placed over the workspace"
cd "$ws" || fail "the overlay could not be entered"
"$@"
rc=$?
cd "$dir/mnt/upper" || fail "the overlay vanished"
find . -mindepth 1 \\( -type f -o -type l \\) -print0 | xargs -0 -r cp -P --preserve=mode --parents -t "$dir/upper" \\
  || fail "the changes could not be kept (the preview wrote more than it may)"
find . -type d -print0 | while IFS= read -r -d '' d; do
  printf 'D%s\\0' "$d"
  find "$ws/$d" -mindepth 1 -maxdepth 1 -printf '%f\\0'
done > "$dir/listing" || fail "the changes could not be listed"
exit $rc
`

function findOnPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue
    const candidate = join(dir, name)
    if (existsSync(candidate)) return candidate
  }
  return null
}

/** Characters overlayfs reads as separators in its options; such paths cannot be a layer. */
const UNSAFE_LAYER_PATH = /[,:\\\n]/

/** The namespace + preview script around an already sandboxed command. */
export function previewArgv(input: {
  workspace: string
  dir: string
  sandboxed: string[]
  maxBytes?: number
}): string[] {
  const unshare = findOnPath('unshare') ?? 'unshare'
  const bash = ['/bin/bash', '/usr/bin/bash'].find((p) => existsSync(p)) ?? 'bash'
  return [
    unshare,
    '--user',
    '--map-root-user',
    '--mount',
    '--net',
    '--',
    bash,
    '--noprofile',
    '--norc',
    '-c',
    PREVIEW_SCRIPT,
    'duck-preview',
    input.workspace,
    input.dir,
    String(input.maxBytes ?? PREVIEW_MAX_BYTES),
    ...input.sandboxed
  ]
}

/** A fresh preview folder: the mount points and the folder the changes are copied to. */
export async function preparePreviewDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
  for (const sub of ['mnt', 'merged', 'upper']) await mkdir(join(dir, sub), { recursive: true, mode: 0o700 })
}

/** Why these paths cannot be used as overlay layers, or null. */
export function layerPathProblem(workspace: string, dir: string): string | null {
  if (UNSAFE_LAYER_PATH.test(workspace)) {
    return 'previews need a workspace path without commas, colons or backslashes (overlayfs reads them as separators)'
  }
  if (UNSAFE_LAYER_PATH.test(dir)) return 'previews need a data folder path without commas, colons or backslashes'
  return null
}

let probe: Promise<OverlayStatus> | null = null

/** Whether previews work here: once per process (a real overlay is mounted in a namespace). */
export function overlayStatus(platform: NodeJS.Platform = process.platform): Promise<OverlayStatus> {
  if (platform !== 'linux') {
    return Promise.resolve({
      available: false,
      reason: `command previews need an overlay file system, which ${platform === 'darwin' ? 'macOS' : platform === 'win32' ? 'Windows' : platform} does not offer to Duck`
    })
  }
  probe ??= probeOverlay().then((status) => {
    if (status.reason?.includes('timed out')) probe = null
    return status
  })
  return probe
}

async function probeOverlay(): Promise<OverlayStatus> {
  if (!findOnPath('unshare')) {
    return { available: false, reason: 'command previews need `unshare` (util-linux), which is not installed' }
  }
  const dir = await mkdtemp(join(tmpdir(), 'duck-overlay-probe-'))
  try {
    const lower = join(dir, 'lower')
    await mkdir(lower)
    await preparePreviewDir(join(dir, 'p'))
    const argv = previewArgv({
      workspace: lower,
      dir: join(dir, 'p'),
      sandboxed: ['/bin/sh', '-c', 'echo probe > made']
    })
    await run(argv[0] as string, argv.slice(1), { timeout: 20_000, cwd: lower })
    const made = await readFile(join(dir, 'p', 'upper', 'made'), 'utf8').catch(() => '')
    if (made.trim() !== 'probe' || existsSync(join(lower, 'made'))) {
      return { available: false, reason: 'the overlay for previews did not keep a test write apart from the folder' }
    }
    return { available: true, reason: null }
  } catch (error) {
    if ((error as { killed?: boolean }).killed) {
      return { available: false, reason: 'setting up an overlay for previews timed out; Duck will try again' }
    }
    const stderr = String((error as { stderr?: string }).stderr ?? (error as Error).message).trim()
    return {
      available: false,
      reason:
        `command previews need an overlay in a user namespace (Linux 5.11 or later, unprivileged user ` +
        `namespaces allowed): ${stderr.split('\n').find((l) => l.trim()) ?? 'it failed without saying why'}`
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

interface Entry {
  type: 'file' | 'folder' | 'symlink' | 'other'
  mode: number
  size: number
}

async function entryAt(path: string): Promise<Entry | null> {
  try {
    const info = await lstat(path)
    const type = info.isFile() ? 'file' : info.isDirectory() ? 'folder' : info.isSymbolicLink() ? 'symlink' : 'other'
    return { type, mode: info.mode & 0o7777, size: info.size }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
}

async function contentHash(path: string, type: Entry['type']): Promise<string> {
  return type === 'symlink' ? sha256(await readlink(path)) : sha256(await readFile(path))
}

/** The workspace's side of a path (what it is now), as the preview records it. */
export async function workspaceSide(path: string): Promise<OverlayChange['before']> {
  const entry = await entryAt(path)
  if (!entry || entry.type === 'folder' || entry.type === 'other') return null
  return { sha256: await contentHash(path, entry.type), mode: entry.mode, size: entry.size }
}

/** Every file and link under a workspace folder (for a folder the command deleted). */
async function filesUnder(root: string, rel: string, out: string[]): Promise<void> {
  const entries = await readdir(join(root, rel), { withFileTypes: true })
  for (const entry of entries) {
    const child = rel === '' ? entry.name : `${rel}/${entry.name}`
    if (entry.isDirectory()) await filesUnder(root, child, out)
    else out.push(child)
  }
  out.push(`${rel}/`)
}

/** Reads the listing file: folder → the names the merged view had in it. */
async function readListing(path: string): Promise<Map<string, Set<string>>> {
  const listing = new Map<string, Set<string>>()
  const raw = await readFile(path, 'utf8').catch(() => '')
  let current: Set<string> | null = null
  for (const record of raw.split('\0')) {
    if (record === '') continue
    if (record.startsWith('D')) {
      const folder = record.slice(1).replace(/^\.\/?/, '')
      current = new Set()
      listing.set(folder, current)
    } else {
      current?.add(record)
    }
  }
  return listing
}

/**
 * What the previewed command changed: the preview folder's `upper` copy and `listing` against
 * the workspace as it is now. Sorted by path; metadata-only copy-ups (same bytes and mode) are
 * not changes.
 */
export async function collectChanges(workspace: string, dir: string): Promise<OverlayChange[]> {
  const changes: OverlayChange[] = []
  const upper = join(dir, 'upper')
  const listing = await readListing(join(dir, 'listing'))

  // Created and changed files and links.
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await readdir(join(upper, rel), { withFileTypes: true })) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`
      const copy = join(upper, child)
      if (entry.isDirectory()) {
        await walk(child)
        continue
      }
      const info = await entryAt(copy)
      if (!info || (info.type !== 'file' && info.type !== 'symlink')) continue
      const after = {
        path: copy,
        sha256: await contentHash(copy, info.type),
        mode: info.mode,
        size: info.size,
        ...(info.type === 'symlink' ? { link: await readlink(copy) } : {})
      }
      const real = await entryAt(join(workspace, child))
      const before =
        real && (real.type === 'file' || real.type === 'symlink') ? await workspaceSide(join(workspace, child)) : null
      if (before && real?.type === info.type && before.sha256 === after.sha256 && before.mode === after.mode) continue
      changes.push({ rel: child, kind: before ? 'changed' : 'created', type: info.type, before, after })
    }
  }
  await walk('')

  // Folders the command made (they may be empty), and what it deleted.
  const seen = new Set(changes.map((c) => c.rel))
  for (const [folder, names] of listing) {
    const real = await entryAt(join(workspace, folder))
    if (folder !== '' && (!real || real.type !== 'folder')) {
      changes.push({ rel: folder, kind: 'created', type: 'folder', before: null, after: null })
      continue
    }
    if (!real || real.type !== 'folder') continue
    for (const name of await readdir(join(workspace, folder))) {
      const child = folder === '' ? name : `${folder}/${name}`
      if (names.has(name) || seen.has(child)) continue
      const gone = await entryAt(join(workspace, child))
      if (!gone) continue
      if (gone.type === 'folder') {
        const files: string[] = []
        await filesUnder(workspace, child, files)
        for (const path of files) {
          if (path.endsWith('/')) {
            changes.push({ rel: path.slice(0, -1), kind: 'deleted', type: 'folder', before: null, after: null })
          } else {
            const kind = await entryAt(join(workspace, path))
            changes.push({
              rel: path,
              kind: 'deleted',
              type: kind?.type === 'symlink' ? 'symlink' : 'file',
              before: await workspaceSide(join(workspace, path)),
              after: null
            })
          }
        }
      } else {
        changes.push({
          rel: child,
          kind: 'deleted',
          type: gone.type === 'symlink' ? 'symlink' : 'file',
          before: await workspaceSide(join(workspace, child)),
          after: null
        })
      }
    }
  }
  // A path replaced by one of another type (a file where a folder was) shows as both.
  return changes.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : a.kind === 'deleted' ? -1 : 1))
}
