/**
 * The second wall: every command Duck runs goes through the operating system's sandbox, where
 * the platform has one. Linux: bubblewrap (`bwrap`, unprivileged user namespaces). macOS:
 * `sandbox-exec` with a generated profile. Elsewhere, or where the sandbox cannot start, there
 * is none — and then every command asks, and the approval says it will run without one.
 *
 * Two profiles:
 *   - `read_only`: what the policy lets run without asking. System folders and the workspace
 *     read-only, no network, a private /tmp, an empty home, no new privileges.
 *   - `workspace_write`: what a person approved. The workspace writable; the network only when
 *     the call was approved as a network action; paths outside the workspace only when the
 *     approval named them.
 * Both: Duck's data folder and the rest of the home folder are not there, Duck's secrets are
 * not in the environment (see `childEnv`), and the process tree is bounded.
 */
import { execFile } from 'node:child_process'
import { existsSync, lstatSync, realpathSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { delimiter, dirname, isAbsolute, join, resolve, sep } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export type SandboxProfile = 'read_only' | 'workspace_write'
/** How a command ran: in one of the sandbox's profiles, or unconfined. */
export type SandboxMode = SandboxProfile | 'none'

export interface SandboxGrant {
  profile: SandboxProfile
  /** Only with `workspace_write`: the call was approved as a network action. */
  network: boolean
  /** Only with `workspace_write`: real paths outside the workspace the approval named. */
  writablePaths: string[]
}

export interface SandboxStatus {
  available: boolean
  kind: 'bubblewrap' | 'seatbelt' | null
  /** Why there is no sandbox, in a sentence a person can act on; null when available. */
  reason: string | null
}

export interface WrapInput {
  /** The shell and its arguments (e.g. bash -c '<command>'). */
  argv: string[]
  workspace: string
  grant: SandboxGrant
  /** The environment the command gets (already without Duck's secrets). */
  env: Record<string, string>
  /**
   * Extra real paths the program may read, never write (e.g. an MCP server's own package
   * folder outside the workspace). Duck's data folder is never among them.
   */
  readablePaths?: string[]
}

export interface Wrapped {
  argv: string[]
  env: Record<string, string>
}

export interface Sandbox {
  status(): Promise<SandboxStatus>
  wrap(input: WrapInput): Wrapped
}

/** The most processes a sandboxed command's tree may hold at once. */
export const SANDBOX_MAX_PROCESSES = 256

/** Folders the system's programs need, read-only (those that exist). */
const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc', '/opt', '/nix/store']

export interface SandboxOptions {
  /** Folders that must never be visible (Duck's data folder). */
  hidden?: string[]
  /** The bwrap program (default: found on PATH). */
  bwrapPath?: string
  platform?: NodeJS.Platform
}

export function createSandbox(options: SandboxOptions = {}): Sandbox {
  const platform = options.platform ?? process.platform
  if (platform === 'linux') return new Bubblewrap(options)
  if (platform === 'darwin') return new Seatbelt(options)
  return new NoSandbox(`${platform === 'win32' ? 'Windows' : platform} has no sandbox Duck can use`)
}

class NoSandbox implements Sandbox {
  constructor(private readonly why: string) {}
  status(): Promise<SandboxStatus> {
    return Promise.resolve({ available: false, kind: null, reason: this.why })
  }
  wrap(input: WrapInput): Wrapped {
    return { argv: input.argv, env: input.env }
  }
}

function findOnPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue
    const candidate = join(dir, name)
    if (existsSync(candidate)) return candidate
  }
  return null
}

/** `path` is `dir` or inside it. */
function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep)
}

function real(path: string): string {
  try {
    return realpathSync.native(path)
  } catch {
    return resolve(path)
  }
}

/**
 * PATH folders outside the system folders (e.g. ~/.local/bin, ~/.nvm/versions/node/v20/bin):
 * read-only, so the person's own tools still run. A `bin` folder brings its parent (its
 * program's libraries sit beside it).
 */
function toolFolders(env: Record<string, string>, hidden: string[]): string[] {
  const out = new Set<string>()
  for (const entry of (env.PATH ?? '').split(delimiter)) {
    if (!entry || !isAbsolute(entry) || !existsSync(entry)) continue
    const dir = real(entry)
    if (SYSTEM_DIRS.some((sys) => within(dir, sys))) continue
    const folder = dir.endsWith(`${sep}bin`) ? dirname(dir) : dir
    // Never a folder that holds the home folder: it would cover the empty home.
    if (folder === '/' || within(real(homedir()), folder)) continue
    if (hidden.some((h) => within(folder, h) || within(h, folder))) continue
    out.add(folder)
  }
  return [...out]
}

export class Bubblewrap implements Sandbox {
  private readonly bwrap: string | null
  private readonly hidden: string[]

  constructor(options: SandboxOptions = {}) {
    this.bwrap = options.bwrapPath ?? findOnPath('bwrap')
    this.hidden = (options.hidden ?? []).map(real)
  }

  status(): Promise<SandboxStatus> {
    return probeOnce(this.bwrap)
  }

  wrap(input: WrapInput): Wrapped {
    const bwrap = this.bwrap ?? 'bwrap'
    const home = real(homedir())
    const workspace = real(input.workspace)
    const write = input.grant.profile === 'workspace_write'
    const args = ['--die-with-parent', '--new-session', '--unshare-all', '--cap-drop', 'ALL']
    if (write && input.grant.network) args.push('--share-net')
    for (const dir of SYSTEM_DIRS) {
      if (!existsSync(dir)) continue
      const info = lstatSync(dir)
      // Merged /usr: /bin is a link to usr/bin; keep it a link.
      if (info.isSymbolicLink()) args.push('--symlink', realRelative(dir), dir)
      else args.push('--ro-bind', dir, dir)
    }
    args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--tmpfs', '/var/tmp')
    // An empty home: nothing of the person's own (keys, tokens, Duck's data) is there.
    args.push('--tmpfs', home)
    // Then what is bound inside those (mounts made later cover earlier ones).
    const tools = toolFolders(input.env, [...this.hidden])
    for (const folder of tools) args.push('--ro-bind', folder, folder)
    const bound: string[] = [...SYSTEM_DIRS, ...tools]
    for (const path of input.readablePaths ?? []) {
      const target = real(path)
      if (target === '/' || !existsSync(target) || this.hidden.some((h) => within(target, h))) continue
      args.push('--ro-bind', target, target)
      bound.push(target)
    }
    args.push(write ? '--bind' : '--ro-bind', workspace, workspace)
    bound.push(workspace)
    if (write) {
      for (const path of input.grant.writablePaths) {
        const target = nearestExisting(real(path))
        if (target === '/' || this.hidden.some((h) => within(h, target))) continue
        args.push('--bind', target, target)
        bound.push(target)
      }
    }
    // Duck's data folder stays hidden even where it lies inside something bound above.
    for (const hidden of this.hidden) {
      if (!bound.some((dir) => within(hidden, dir))) continue
      if (existsSync(hidden) && statSync(hidden).isDirectory()) args.push('--tmpfs', hidden)
    }
    args.push('--chdir', workspace, '--')
    // In its own user namespace the process limit counts only the sandbox's processes (the
    // kernel exempts real root, for whom the process watch in process.ts is the bound).
    const limit = ['/bin/sh', '-c', `ulimit -u ${SANDBOX_MAX_PROCESSES} 2>/dev/null; exec "$@"`, 'sh']
    return {
      argv: [bwrap, ...args, ...limit, ...input.argv],
      env: { ...input.env, HOME: home, TMPDIR: '/tmp' }
    }
  }
}

function realRelative(link: string): string {
  const target = realpathSync.native(link)
  // /bin → usr/bin when the target sits under the same root.
  return target.startsWith('/') ? target.slice(1) : target
}

function nearestExisting(path: string): string {
  let current = path
  while (!existsSync(current) && current !== dirname(current)) current = dirname(current)
  return current
}

/** SBPL strings: backslash and double quote escaped. */
function sbplString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

/**
 * macOS: `sandbox-exec -p <profile>`. Deny by default; read the system, the workspace and the
 * person's tool folders; write the workspace (and approved paths) only when approved; the
 * network only when approved as a network action; Duck's data folder and the home folder
 * unreadable.
 */
export class Seatbelt implements Sandbox {
  private readonly hidden: string[]
  constructor(options: SandboxOptions = {}) {
    this.hidden = (options.hidden ?? []).map(real)
  }

  status(): Promise<SandboxStatus> {
    const available = existsSync('/usr/bin/sandbox-exec')
    return Promise.resolve(
      available
        ? { available, kind: 'seatbelt', reason: null }
        : { available, kind: null, reason: 'sandbox-exec is missing from this Mac' }
    )
  }

  profile(input: WrapInput): string {
    const workspace = real(input.workspace)
    const write = input.grant.profile === 'workspace_write'
    const home = real(homedir())
    const lines = [
      '(version 1)',
      '(deny default)',
      '(allow process-fork)',
      '(allow process-exec)',
      '(allow signal (target same-sandbox))',
      '(allow sysctl-read)',
      '(allow mach-lookup)',
      '(allow ipc-posix-shm)',
      '(allow file-read-metadata)',
      `(allow file-read* (subpath "/usr") (subpath "/bin") (subpath "/sbin") (subpath "/System") (subpath "/Library") (subpath "/private/etc") (subpath "/opt") (subpath "/dev") (subpath "/private/var/db/timezone") (literal "/etc") (literal "/tmp") (literal "/var"))`,
      `(allow file-read* (subpath ${sbplString(workspace)}))`,
      ...toolFolders(input.env, [...this.hidden, home]).map((f) => `(allow file-read* (subpath ${sbplString(f)}))`),
      ...(input.readablePaths ?? []).map((f) => `(allow file-read* (subpath ${sbplString(real(f))}))`),
      '(allow file-write* (literal "/dev/null") (literal "/dev/stdout") (literal "/dev/stderr") (literal "/dev/tty"))',
      '(allow file-read* file-write* (subpath "/private/tmp") (subpath "/private/var/folders"))'
    ]
    if (write) {
      lines.push(`(allow file-write* (subpath ${sbplString(workspace)}))`)
      for (const path of input.grant.writablePaths) {
        const target = nearestExisting(real(path))
        if (target !== '/') lines.push(`(allow file-read* file-write* (subpath ${sbplString(target)}))`)
      }
      if (input.grant.network) lines.push('(allow network*)')
    }
    for (const hidden of this.hidden) lines.push(`(deny file-read* file-write* (subpath ${sbplString(hidden)}))`)
    return lines.join('\n')
  }

  wrap(input: WrapInput): Wrapped {
    return {
      argv: ['/usr/bin/sandbox-exec', '-p', this.profile(input), ...input.argv],
      env: { ...input.env, TMPDIR: '/tmp' }
    }
  }
}

/** One probe per bwrap program for the whole process; a probe that timed out is tried again. */
const probes = new Map<string, Promise<SandboxStatus>>()

function probeOnce(bwrap: string | null): Promise<SandboxStatus> {
  const key = bwrap ?? ''
  let probe = probes.get(key)
  if (!probe) {
    probe = probeBubblewrap(bwrap)
    probes.set(key, probe)
    void probe.then((status) => {
      if (status.reason?.includes('timed out')) probes.delete(key)
    })
  }
  return probe
}

async function probeBubblewrap(bwrap: string | null): Promise<SandboxStatus> {
  if (!bwrap) {
    return {
      available: false,
      kind: null,
      reason: 'bubblewrap is not installed (on Debian or Ubuntu: sudo apt-get install bubblewrap)'
    }
  }
  try {
    // Generous: on a loaded machine a first namespace set-up can take seconds.
    await run(bwrap, ['--unshare-all', '--die-with-parent', '--ro-bind', '/', '/', '--', 'true'], { timeout: 30_000 })
    return { available: true, kind: 'bubblewrap', reason: null }
  } catch (error) {
    if ((error as { killed?: boolean }).killed) {
      return { available: false, kind: null, reason: 'bubblewrap timed out setting up a sandbox; Duck will try again' }
    }
    const stderr = String((error as { stderr?: string }).stderr ?? (error as Error).message).trim()
    const userns = /namespace|uid map|Operation not permitted|Permission denied/i.test(stderr)
    return {
      available: false,
      kind: null,
      reason: userns
        ? `bubblewrap cannot create a sandbox here: unprivileged user namespaces are turned off or blocked ` +
          `(kernel.unprivileged_userns_clone, or an AppArmor profile such as Ubuntu's ` +
          `kernel.apparmor_restrict_unprivileged_userns). bwrap said: ${stderr.split('\n')[0]}`
        : `bubblewrap could not start: ${stderr.split('\n')[0] || 'it failed without saying why'}`
    }
  }
}
