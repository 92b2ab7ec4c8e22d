/**
 * Workspace confinement for the path tools: where a requested path really leads (after `~`,
 * `..` and symlinks) and whether that is inside the workspace.
 *
 * Tools must then use the returned `resolved` path, not the requested one, so what was judged
 * is what gets opened (a symlink swapped in between is the only gap left).
 */
import { lstat, readlink, realpath, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import path from 'node:path'
import type { Assessment } from '../tools/types'

export interface ConfinedPath {
  /** The real absolute path (symlinks resolved; a missing tail is appended as written). */
  resolved: string
  /** True when `resolved` is the real workspace or lies below it. */
  inside: boolean
}

/** Expands a leading `~` or `~/` to the home directory (not `~user`). */
export function expandHome(p: string): string {
  if (p === '~') return homedir()
  if (p.startsWith('~/') || (path.sep === '\\' && p.startsWith('~\\'))) {
    return path.join(homedir(), p.slice(2))
  }
  return p
}

/**
 * Resolves `requested` (relative paths against the workspace, `~` to the home directory) to its
 * real path and says whether it is inside the real workspace. A path that does not exist yet
 * is judged by its nearest existing ancestor; a dangling symlink is followed to where it would
 * create its target.
 */
export async function confinePath(workspace: string, requested: string): Promise<ConfinedPath> {
  const wsAbs = path.resolve(expandHome(workspace))
  const realWs = (await realPath(wsAbs)) ?? wsAbs
  const expanded = expandHome(requested)
  // Not path.resolve: `link/..` must go to the link target's parent, as the kernel does.
  const abs = path.isAbsolute(expanded) ? expanded : wsAbs + path.sep + expanded
  const real = await realPath(abs)
  if (real === null) {
    // A symlink loop: never inside.
    return { resolved: path.resolve(abs), inside: false }
  }
  return { resolved: real, inside: isInside(realWs, real) }
}

/** `child` is `parent` or below it; never a bare string prefix (`/ws2` is not in `/ws`). */
export function isInside(parent: string, child: string): boolean {
  if (child === parent) return true
  const prefix = parent.endsWith(path.sep) ? parent : parent + path.sep
  return child.startsWith(prefix)
}

/** A file tool's call on a path: no approval inside the workspace, approval outside. */
export async function assessPathAccess(
  workspace: string,
  requested: string,
  actionType: 'file_read' | 'file_write' = 'file_read'
): Promise<Assessment> {
  const { resolved, inside } = await confinePath(workspace, requested)
  const ruleKey = (await isDirectory(resolved)) ? resolved : path.dirname(resolved)
  if (inside) {
    return {
      risk_level: 'low',
      action_type: actionType,
      needs_approval: false,
      reasons: [],
      outside_workspace: [],
      privileged: false,
      rule_keys: [ruleKey]
    }
  }
  return {
    risk_level: actionType === 'file_write' ? 'high' : 'medium',
    action_type: actionType,
    needs_approval: true,
    reasons: [`\`${resolved}\` is outside the workspace`],
    outside_workspace: [resolved],
    privileged: false,
    rule_keys: [ruleKey]
  }
}

// ---------------------------------------------------------------------------------------------

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory()
  } catch {
    return false
  }
}

const MAX_LINKS = 40

/**
 * The real path of `abs`, resolving symlinks one component at a time so that missing
 * components, dangling symlinks and `..` after a symlink are all handled like the kernel
 * would. Returns null on a symlink loop.
 */
async function realPath(abs: string): Promise<string | null> {
  const root = path.parse(abs).root
  let pending = splitPath(abs.slice(root.length))
  let current = root
  let links = 0
  while (pending.length > 0) {
    const name = pending.shift() as string
    if (name === '.' || name === '') continue
    if (name === '..') {
      current = path.dirname(current)
      continue
    }
    const next = path.join(current, name)
    let isLink = false
    try {
      isLink = (await lstat(next)).isSymbolicLink()
    } catch {
      current = next // does not exist (yet): keep the name as written
      continue
    }
    if (!isLink) {
      current = next
      continue
    }
    if (++links > MAX_LINKS) return null
    const target = await readlink(next)
    const targetRoot = path.parse(target).root
    if (targetRoot) current = targetRoot
    pending = [...splitPath(target.slice(targetRoot.length)), ...pending]
  }
  return canonicalExisting(current)
}

function splitPath(p: string): string[] {
  return p.split(path.sep === '\\' ? /[\\/]+/ : /\/+/).filter((x) => x !== '')
}

/**
 * Runs the native realpath on the longest existing prefix (canonical case on case-insensitive
 * file systems, 8.3 names on Windows) and appends the rest.
 */
async function canonicalExisting(p: string): Promise<string> {
  let existing = p
  const rest: string[] = []
  for (;;) {
    try {
      const real = await realpath(existing) // native (libuv) realpath
      return rest.length > 0 ? path.join(real, ...rest.reverse()) : real
    } catch {
      const parent = path.dirname(existing)
      if (parent === existing) return p
      rest.push(path.basename(existing))
      existing = parent
    }
  }
}
