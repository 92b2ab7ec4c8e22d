/**
 * Running programs for tools: no shell unless asked for, output bounded as it arrives,
 * and on cancel or timeout the whole process tree is killed (the child runs in its own
 * process group, which gets SIGTERM and then SIGKILL after a short grace; so does every
 * process of the tree and of its pids cgroup, even one that started a session of its own).
 *
 * Approval and policy are decided elsewhere; this module only executes.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stat } from 'node:fs/promises'
import { StringDecoder } from 'node:string_decoder'
import type { Readable, Writable } from 'node:stream'
import { execa } from 'execa'
import { BoundedBuffer } from './bounded'

export interface RunOptions {
  /** Working directory (absolute). */
  cwd: string
  /** Aborting kills the whole process tree. */
  signal: AbortSignal
  /** Default 120 000 ms. On timeout the whole process tree is killed. */
  timeoutMs?: number
  /** Bound on the returned output (head and tail kept). Default 64 000. */
  maxOutputChars?: number
  /**
   * Extra environment variables, added to (and overriding) the child's environment. That
   * environment is Duck's own minus its secrets and internals (see `childEnv`).
   */
  env?: Record<string, string>
  /** Delay between SIGTERM and SIGKILL when killing the tree. Default 2 000 ms. */
  killGraceMs?: number
  /**
   * Linux: the most processes the command's tree may have at once. More (a fork bomb) and the
   * whole tree is killed. Checked every 10 ms from /proc (a walk that stops at the limit).
   */
  maxProcesses?: number
}

export interface ProcessResult {
  /** Exit code; null when killed by a signal or when the program could not start. */
  exitCode: number | null
  /** stdout and stderr interleaved as they arrived, bounded. */
  output: string
  timedOut: boolean
  cancelled: boolean
  /** True when the tree was killed for starting more than `maxProcesses` processes. */
  processLimitHit?: boolean
  durationMs: number
}

export interface SudoOptions extends RunOptions {
  /** The sudo binary; default 'sudo'. Injectable for tests. */
  sudoPath?: string
}

export type SudoResult = ProcessResult & { passwordRejected: boolean }

export const DEFAULT_TIMEOUT_MS = 120_000
export const DEFAULT_MAX_OUTPUT_CHARS = 64_000
const DEFAULT_KILL_GRACE_MS = 2_000
/**
 * After the program itself exits, how long to wait for its output pipes to close. Pipes
 * still held open after that belong to leftover background processes; the process group is
 * then killed so the call finishes (a background job that redirected its output elsewhere
 * does not hold the pipes and is left alone).
 */
const DRAIN_AFTER_EXIT_MS = 1_000

/** Placeholder written where a secret appeared in output. */
const REDACTED = '[redacted]'

/**
 * Variables of Duck's own environment that child processes never see: Duck's configuration
 * and secrets (`DUCK_*`: the model API key, the API token, …) and Electron's switches, which
 * would change how an Electron program started from a command behaves (ELECTRON_RUN_AS_NODE
 * turns it into plain Node).
 */
const PRIVATE_ENV_PREFIX = 'DUCK_'
const PRIVATE_ENV_NAMES = new Set([
  'ELECTRON_RUN_AS_NODE',
  'ELECTRON_NO_ATTACH_CONSOLE',
  'ELECTRON_NO_ASAR',
  'ELECTRON_ENABLE_LOGGING',
  'ELECTRON_ENABLE_STACK_DUMPING',
  'ELECTRON_LOG_FILE',
  'ELECTRON_DEBUG_NOTIFICATIONS',
  'ELECTRON_RENDERER_URL'
])

function isPrivateEnvName(name: string): boolean {
  // Upper-cased: names are case-insensitive on Windows.
  const upper = name.toUpperCase()
  return upper.startsWith(PRIVATE_ENV_PREFIX) || PRIVATE_ENV_NAMES.has(upper)
}

/**
 * The complete environment for a child process: Duck's own without its private variables,
 * with `extra` (the caller's explicit choice) on top.
 */
export function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !isPrivateEnvName(name) && !SHELL_STARTUP_ENV.includes(name)) env[name] = value
  }
  return { ...env, ...extra }
}

type StreamName = 'stdout' | 'stderr'

/** What a caller may do with a running child (see `SpawnHooks.start`). */
interface ChildControl {
  /** The child's stdin (a pipe; errors on it are already handled). */
  stdin: Writable | null
  /** Kills the whole process tree (SIGTERM, then SIGKILL after the grace). */
  kill: () => void
}

/** Lets a caller talk to a child while it runs and filter its output before it is collected. */
interface SpawnHooks {
  /** Called once, right after the child was started. */
  start(control: ChildControl): void
  /** Decoded text as it arrives; returns the text to collect. */
  data(stream: StreamName, text: string): string
  /** `stream` ended; returns any text still held back. */
  end(stream: StreamName): string
  /** The program exited (its pipes may still be open). */
  exit(): void
  /** The call is finishing; release timers. */
  close(): void
}

interface SpawnExtras {
  /** Removed from the output, even when split across chunks. */
  secret?: string
  /** When given, stdin is a pipe handed to `hooks.start`. */
  hooks?: SpawnHooks
}

/** Replaces every occurrence of `secret` in a stream of chunks, also across chunk borders. */
class SecretScrubber {
  private carry = ''

  constructor(
    private readonly secret: string,
    private readonly sink: (text: string) => void
  ) {}

  write(chunk: string): void {
    const keep = this.secret.length - 1
    const text = (this.carry + chunk).split(this.secret).join(REDACTED)
    // Any occurrence that is not yet complete starts within the last `keep` characters.
    const cut = Math.max(0, text.length - keep)
    this.carry = text.slice(cut)
    if (cut > 0) this.sink(text.slice(0, cut))
  }

  end(): void {
    if (this.carry) this.sink(this.carry.split(this.secret).join(REDACTED))
    this.carry = ''
  }
}

export function scrubSecret(text: string, secret: string): string {
  return secret ? text.split(secret).join(REDACTED) : text
}

function isErrnoException(e: unknown): e is NodeJS.ErrnoException {
  return typeof e === 'object' && e !== null && 'code' in e
}

/** Sends `sig` to the process group `pid` (falling back to the process); ignores errors. */
function signalTree(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig)
    return
  } catch {
    // no such group (already gone) or not permitted: try the process itself
  }
  try {
    process.kill(pid, sig)
  } catch {
    // already gone
  }
}

/** True while any process of group `pid` exists (or we may not tell). */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0)
    return true
  } catch (e) {
    return isErrnoException(e) && e.code === 'EPERM'
  }
}

function result(partial: Partial<ProcessResult> & { output: string }, started: number): ProcessResult {
  return {
    exitCode: null,
    timedOut: false,
    cancelled: false,
    durationMs: Math.round(performance.now() - started),
    ...partial
  }
}

async function checkCwd(cwd: string): Promise<string | null> {
  try {
    const s = await stat(cwd)
    return s.isDirectory() ? null : `working directory is not a directory: ${cwd}`
  } catch (e) {
    const code = isErrnoException(e) ? e.code : undefined
    if (code === 'ENOENT' || code === 'ENOTDIR') return `working directory not found: ${cwd}`
    if (code === 'EACCES') return `working directory not accessible: ${cwd}`
    return `working directory not usable: ${cwd}`
  }
}

async function spawnBounded(
  file: string,
  args: string[],
  opts: RunOptions,
  extras: SpawnExtras = {}
): Promise<ProcessResult> {
  const started = performance.now()
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const maxChars = opts.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS
  const graceMs = opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS
  const secret = extras.secret ?? ''
  const clean = (text: string): string => scrubSecret(text, secret)

  if (opts.signal.aborted) return result({ cancelled: true, output: '' }, started)
  const cwdProblem = await checkCwd(opts.cwd)
  if (cwdProblem) return result({ exitCode: 127, output: clean(cwdProblem) }, started)
  if (opts.signal.aborted) return result({ cancelled: true, output: '' }, started)

  const buffer = new BoundedBuffer(maxChars)
  const scrubber = secret ? new SecretScrubber(secret, (t) => buffer.append(t)) : null
  const collect = (text: string): void => {
    if (!text) return
    if (scrubber) scrubber.write(text)
    else buffer.append(text)
  }

  const hooks = extras.hooks
  // Where the kernel can enforce the process bound itself (a pids cgroup Duck may create), it
  // does: real root is exempt from RLIMIT_NPROC, and a watch alone lets a fork bomb spike
  // first. The hard cap sits above the watch's limit (threads count as tasks there), so the
  // watch still sees a bomb cross its line and says so.
  const pidsCap = opts.maxProcesses !== undefined ? prepareProcessCap(opts.maxProcesses * 2) : null
  const argv = pidsCap ? pidsCap.joinArgv([file, ...args]) : [file, ...args]
  let subprocess: ReturnType<typeof execa>
  try {
    subprocess = execa(argv[0] as string, argv.slice(1), {
      cwd: opts.cwd,
      // Complete and explicit: Duck's secrets are not inherited.
      env: childEnv(opts.env),
      extendEnv: false,
      shell: false,
      stdin: hooks ? 'pipe' : 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
      detached: true,
      cleanup: false,
      windowsHide: true,
      // Explicit, so NODE_DEBUG=execa cannot turn on logging of commands and output.
      verbose: 'none'
    })
  } catch (e) {
    // execa validates options synchronously; never echo its message (it holds the command).
    const code = isErrnoException(e) ? ` (${e.code})` : ''
    return result({ exitCode: 127, output: clean(`could not start: ${file}${code}`) }, started)
  }

  const pid = subprocess.pid
  let timedOut = false
  let cancelled = false
  let killing = false
  let timeoutTimer: NodeJS.Timeout | undefined
  let drainTimer: NodeJS.Timeout | undefined
  let killTimer: NodeJS.Timeout | undefined

  // Every process the kill has seen, beyond the group: a sandbox puts the command in a
  // session of its own, and one killed early (before its child asked to die with it) leaves
  // that child behind, holding the output pipes.
  const seen = new Set<number>()
  const signalAll = (sig: NodeJS.Signals): void => {
    if (pid === undefined) return
    // Listed before anything is signalled, while the tree is still connected.
    if (process.platform === 'linux') for (const p of treePids(pid, KILL_WALK_LIMIT)) seen.add(p)
    signalTree(pid, sig)
    for (const p of seen) {
      if (p === pid) continue
      try {
        process.kill(p, sig)
      } catch {
        // gone already
      }
    }
    try {
      pidsCap?.signalAll(sig)
    } catch {
      // the cgroup is gone with its processes
    }
  }
  const killTree = (): void => {
    if (killing || pid === undefined) return
    killing = true
    signalAll('SIGTERM')
    // Not unref'd on purpose: grandchildren that ignore SIGTERM still get SIGKILL.
    killTimer = setTimeout(() => signalAll('SIGKILL'), graceMs)
  }
  // Last resort: once the program has exited and its tree was killed, output pipes that are
  // still open (held by a process that escaped every signal) are closed, so the call ends.
  const closePipes = (): void => {
    subprocess.stdout?.destroy()
    subprocess.stderr?.destroy()
  }

  const onAbort = (): void => {
    if (!killing) cancelled = true
    killTree()
  }
  let processLimitHit = false
  // Where the kernel can enforce the bound itself (a pids cgroup Duck may create), it does:
  // real root is exempt from RLIMIT_NPROC, and a watch alone lets a fork bomb spike first.
  const processWatch =
    opts.maxProcesses !== undefined && pid !== undefined && process.platform === 'linux'
      ? setInterval(() => {
          if (killing) return
          const max = opts.maxProcesses ?? Infinity
          let count: number
          try {
            // The cgroup's own count is one read; walking /proc is the fallback.
            count = pidsCap ? pidsCap.current() : countTree(pid, max)
          } catch {
            count = countTree(pid, max)
          }
          if (count <= max) return
          processLimitHit = true
          // At once: a fork bomb doubles faster than any grace period.
          killing = true
          signalAll('SIGKILL')
        }, 10)
      : undefined
  opts.signal.addEventListener('abort', onAbort, { once: true })
  if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
    timeoutTimer = setTimeout(() => {
      if (!killing) timedOut = true
      killTree()
    }, timeoutMs)
  }

  const attach = (stream: Readable | null | undefined, name: StreamName): void => {
    if (!stream) return
    const decoder = new StringDecoder('utf8')
    const filter = (text: string): string => (hooks && text ? hooks.data(name, text) : text)
    stream.on('data', (chunk: Buffer | string) => {
      collect(filter(typeof chunk === 'string' ? chunk : decoder.write(chunk)))
    })
    stream.on('end', () => {
      collect(filter(decoder.end()))
      if (hooks) collect(hooks.end(name))
    })
    stream.on('error', () => {
      // reported through the subprocess result
    })
  }
  attach(subprocess.stdout, 'stdout')
  attach(subprocess.stderr, 'stderr')

  // When the program exits but its pipes stay open (background children), finish anyway.
  subprocess.once('exit', () => {
    drainTimer = setTimeout(() => {
      killTree()
      drainTimer = setTimeout(closePipes, graceMs + DRAIN_AFTER_EXIT_MS)
    }, DRAIN_AFTER_EXIT_MS)
    hooks?.exit()
  })

  if (hooks) {
    const stdin = subprocess.stdin ?? null
    stdin?.on('error', () => {
      // EPIPE when the program exits without reading; nothing to report
    })
    hooks.start({ stdin, kill: killTree })
  }

  let exitCode: number | null = null
  let startError: string | null = null
  try {
    const r = await subprocess
    exitCode = typeof r.exitCode === 'number' ? r.exitCode : null
    if (pid === undefined) startError = describeStartError(file, r.code)
  } catch (e) {
    // reject: false means this should not happen; keep the message generic and secret-free.
    startError = describeStartError(file, isErrnoException(e) ? e.code : undefined)
  } finally {
    hooks?.close()
    opts.signal.removeEventListener('abort', onAbort)
    clearInterval(processWatch)
    pidsCap?.release()
    clearTimeout(timeoutTimer)
    clearTimeout(drainTimer)
    // Keep the pending SIGKILL only while something of the group is still alive.
    if (killTimer !== undefined && pid !== undefined && !groupAlive(pid)) clearTimeout(killTimer)
  }

  scrubber?.end()
  if (startError !== null) {
    return result({ exitCode: 127, output: clean(startError), timedOut, cancelled }, started)
  }
  if (processLimitHit) {
    buffer.append(`\n[Duck stopped the command: it started more than ${opts.maxProcesses} processes at once.]`)
  }
  return result(
    {
      exitCode,
      output: clean(buffer.toString()),
      timedOut,
      cancelled,
      ...(processLimitHit ? { processLimitHit } : {})
    },
    started
  )
}

export interface ProcessCap {
  /** The argv that first joins the cgroup, then execs `argv`. */
  joinArgv(argv: string[]): string[]
  /** Tasks in the cgroup now. */
  current(): number
  /** Sends `sig` to every process in the cgroup. */
  signalAll(sig: NodeJS.Signals): void
  release(): void
}

/**
 * Linux: a new pids cgroup holding at most `max` tasks, where this process may create one
 * (cgroup v1's pids hierarchy, or v2 when Duck sits in the root cgroup — as root in a container
 * or on a server). Null elsewhere. The child joins it itself before it execs anything
 * (`joinArgv`), so not one process of the command starts outside it.
 */
export function prepareProcessCap(max: number): ProcessCap | null {
  if (process.platform !== 'linux') return null
  let own: string
  try {
    own = readFileSync('/proc/self/cgroup', 'utf8')
  } catch {
    return null
  }
  const v1 = /^\d+:pids:(\/.*)$/m.exec(own)?.[1]
  const v2 = /^0::(\/.*)$/m.exec(own)?.[1]
  const bases: string[] = []
  if (v1 !== undefined) bases.push(join('/sys/fs/cgroup/pids', v1))
  if (v2 === '/') bases.push('/sys/fs/cgroup')
  for (const base of bases) {
    const dir = join(base, `duck-${process.pid}-${randomBytes(4).toString('hex')}`)
    try {
      if (!existsSync(join(base, 'cgroup.procs'))) continue
      mkdirSync(dir)
    } catch {
      continue
    }
    try {
      writeFileSync(join(dir, 'pids.max'), String(max))
    } catch {
      rmCgroup(dir)
      continue
    }
    return {
      joinArgv: (argv) => ['/bin/sh', '-c', `echo $$ > '${dir}/cgroup.procs' 2>/dev/null; exec "$@"`, 'sh', ...argv],
      current: () => Number(readFileSync(join(dir, 'pids.current'), 'utf8')),
      signalAll: (sig) => {
        for (const line of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n')) {
          if (!line) continue
          try {
            process.kill(Number(line), sig)
          } catch {
            // gone already
          }
        }
      },
      release: () => rmCgroup(dir)
    }
  }
  return null
}

/** A cgroup can be removed once empty; its last processes may take a moment to go. */
function rmCgroup(dir: string, tries = 20): void {
  try {
    rmdirSync(dir)
  } catch (error) {
    if (tries > 0 && isErrnoException(error) && error.code === 'EBUSY') {
      setTimeout(() => rmCgroup(dir, tries - 1), 100)
    }
  }
}

/**
 * How many processes descend from `root` (itself included), counting no further than `limit`
 * + 1: a fork bomb's tree is never walked whole. Reads /proc/<pid>/task/<tid>/children.
 */
export function countTree(root: number, limit = Infinity): number {
  return treePids(root, limit).length
}

/** How many processes of a tree a kill lists (a fork bomb is killed through its group). */
const KILL_WALK_LIMIT = 4_096

/** `root` and the processes descending from it, no more than `limit` + 1 (see `countTree`). */
export function treePids(root: number, limit = Infinity): number[] {
  const found: number[] = []
  const queue = [root]
  while (queue.length > 0 && found.length <= limit) {
    const pid = queue.shift() as number
    found.push(pid)
    let tasks: string[]
    try {
      tasks = readdirSync(`/proc/${pid}/task`)
    } catch {
      continue
    }
    for (const tid of tasks) {
      try {
        for (const child of readFileSync(`/proc/${pid}/task/${tid}/children`, 'latin1').split(' ')) {
          if (child) queue.push(Number(child))
        }
      } catch {
        // gone meanwhile
      }
    }
  }
  return found
}

function describeStartError(file: string, code: string | undefined): string {
  switch (code) {
    case 'ENOENT':
      return `command not found: ${file}`
    case 'EACCES':
      return `permission denied: ${file}`
    case 'ENOEXEC':
      return `not an executable program: ${file}`
    default:
      return `could not start: ${file}${code ? ` (${code})` : ''}`
  }
}

/** Runs `argv[0]` with `argv.slice(1)` as arguments, without a shell. */
export async function runCommand(argv: string[], opts: RunOptions): Promise<ProcessResult> {
  const [file, ...args] = argv
  if (!file) {
    return { exitCode: 127, output: 'no command given', timedOut: false, cancelled: false, durationMs: 0 }
  }
  return spawnBounded(file, args, opts)
}

/**
 * The shell command lines run in: bash, whose grammar the policy parses (Debian's /bin/sh is
 * dash, which reads some lines differently), without startup files. `BASH_ENV` and `ENV`
 * (files a non-interactive shell would source first) never reach it.
 */
export function shellArgv(command: string): string[] {
  const bash = ['/bin/bash', '/usr/bin/bash', '/usr/local/bin/bash'].find((path) => existsSync(path))
  return bash ? [bash, '--noprofile', '--norc', '-c', command] : ['/bin/sh', '-c', command]
}

/** Variables a shell would act on at start-up; removed from every shell's environment. */
export const SHELL_STARTUP_ENV = ['BASH_ENV', 'ENV', 'PROMPT_COMMAND', 'SHELLOPTS', 'BASHOPTS', 'PS4']

/**
 * Runs a command line through bash (see `shellArgv`). Only for command lines the policy
 * allowed or a person approved.
 */
export async function runShellCommand(command: string, opts: RunOptions): Promise<ProcessResult> {
  const [file, ...args] = shellArgv(command)
  return spawnBounded(file as string, args, opts)
}

/**
 * How long sudo may take to show its prompt. A command that starts without one (a NOPASSWD
 * rule) gets its stdin closed after this, with nothing written.
 */
const SUDO_PROMPT_WAIT_MS = 1_500
/** How much of sudo's stderr after the password is kept to look for its refusal. */
const SUDO_STDERR_KEPT = 4_096

/** sudo's own words for a refused password, each a whole line of its stderr. */
const REJECTED_LINES = [
  /^sorry, try again\.?$/i,
  /^sudo: .*(incorrect password|no password|a password is required|authentication failure)/i
]

/** The longest end of `text` that is a proper beginning of `marker` (it may be completed later). */
function partialMarkerLength(text: string, marker: string): number {
  for (let n = Math.min(text.length, marker.length - 1); n > 0; n--) {
    if (text.endsWith(marker.slice(0, n))) return n
  }
  return 0
}

/** Removes every `marker` from a stream of chunks, also when split across chunk borders. */
class MarkerFilter {
  private carry = ''

  constructor(private readonly marker: string) {}

  /** The text to pass on, and whether it ended with a marker (nothing after it, not even part of one). */
  write(chunk: string): { text: string; found: boolean; endsWithMarker: boolean } {
    let rest = this.carry + chunk
    let text = ''
    let found = false
    for (let i = rest.indexOf(this.marker); i !== -1; i = rest.indexOf(this.marker)) {
      text += rest.slice(0, i)
      rest = rest.slice(i + this.marker.length)
      found = true
    }
    const hold = partialMarkerLength(rest, this.marker)
    this.carry = rest.slice(rest.length - hold)
    text += rest.slice(0, rest.length - hold)
    return { text, found, endsWithMarker: found && rest === '' }
  }

  end(): string {
    const rest = this.carry
    this.carry = ''
    return rest
  }
}

/**
 * The conversation with `sudo -S -p <marker>`: the password is written only when sudo shows
 * its prompt (the random marker, on stderr, as the last thing written before it waits), and
 * only once. If the command starts without a prompt (stdout arrives, the prompt does not come
 * in time, or the program exits) stdin is closed with nothing written, so the command can
 * never read the password. A second prompt means sudo refused the password: the process tree
 * is killed before it can run anything. The marker is removed from the output.
 */
class SudoConversation implements SpawnHooks {
  readonly marker = `[duck-sudo:${randomBytes(16).toString('hex')}]`
  /** waiting: for the prompt; sent: password written; closed: stdin closed with nothing written. */
  private state: 'waiting' | 'sent' | 'closed' = 'waiting'
  private rejected = false
  /** Whether stdout had text after the password was written (sudo itself never writes there). */
  private stdoutAfterPassword = false
  /** stderr since the password was written, bounded: where sudo says why it refused. */
  private stderrAfterPassword = ''
  private readonly filters: Record<StreamName, MarkerFilter>
  private control: ChildControl | null = null
  private timer: NodeJS.Timeout | undefined

  constructor(private password: string) {
    this.filters = { stdout: new MarkerFilter(this.marker), stderr: new MarkerFilter(this.marker) }
  }

  start(control: ChildControl): void {
    this.control = control
    this.timer = setTimeout(() => this.closeUnused(), SUDO_PROMPT_WAIT_MS)
  }

  data(stream: StreamName, chunk: string): string {
    const { text, found, endsWithMarker } = this.filters[stream].write(chunk)
    if (stream === 'stdout') {
      if (this.state === 'waiting') this.closeUnused()
      else if (this.state === 'sent' && text) this.stdoutAfterPassword = true
      return text
    }
    this.noteStderr(text)
    // The first prompt: sudo waits right after it, so nothing follows the marker until it gets
    // an answer. A second one may be followed at once by sudo's reaction to the closed stdin.
    if (this.state === 'waiting' ? endsWithMarker : found) this.onPrompt()
    return text
  }

  end(stream: StreamName): string {
    const rest = this.filters[stream].end()
    if (stream === 'stderr') this.noteStderr(rest)
    return rest
  }

  exit(): void {
    this.closeUnused()
  }

  close(): void {
    clearTimeout(this.timer)
    this.password = ''
  }

  /** Refused: sudo asked again, or (exit 1, the command printed nothing) sudo said so itself. */
  passwordRejected(exitCode: number | null): boolean {
    if (this.state !== 'sent') return false
    if (this.rejected) return true
    if (exitCode !== 1 || this.stdoutAfterPassword) return false
    return this.stderrAfterPassword
      .split(/\r?\n/)
      .some((line) => REJECTED_LINES.some((pattern) => pattern.test(line.trim())))
  }

  private noteStderr(text: string): void {
    if (this.state === 'sent' && this.stderrAfterPassword.length < SUDO_STDERR_KEPT) {
      this.stderrAfterPassword = (this.stderrAfterPassword + text).slice(0, SUDO_STDERR_KEPT)
    }
  }

  private onPrompt(): void {
    if (this.state === 'waiting') {
      clearTimeout(this.timer)
      this.state = 'sent'
      const stdin = this.control?.stdin
      if (stdin && stdin.writable) stdin.end(`${this.password}\n`)
      this.password = ''
    } else if (this.state === 'sent' && !this.rejected) {
      // Asked again: the password was refused. Never answer twice; stop sudo here.
      this.rejected = true
      this.control?.kill()
    }
    // closed: sudo asked after we stopped waiting; it reads end-of-file and fails by itself.
  }

  private closeUnused(): void {
    if (this.state !== 'waiting') return
    clearTimeout(this.timer)
    this.state = 'closed'
    this.password = ''
    const stdin = this.control?.stdin
    if (stdin && !stdin.destroyed) stdin.end()
  }
}

/**
 * Runs `sudo -k -S -p <marker> -- <argv...>` without a shell. The password is written to
 * stdin (then closed) only when sudo prompts with the per-call marker, and at most once: a
 * command that runs without a prompt (NOPASSWD) never sees it, and a second prompt is taken
 * as a refused password (the process is killed, so the command never runs). The password
 * never appears in the result (it is also scrubbed from the output defensively) and is never
 * passed to execa as an option, so it cannot end up in an error message. Afterwards
 * `sudo -k` is run (best effort) so no ticket is left.
 */
export async function runSudo(argv: string[], password: string, opts: SudoOptions): Promise<SudoResult> {
  const sudo = opts.sudoPath ?? 'sudo'
  if (argv.length === 0 || !argv[0]) {
    return {
      exitCode: 127,
      output: 'no command given',
      timedOut: false,
      cancelled: false,
      durationMs: 0,
      passwordRejected: false
    }
  }
  const conversation = new SudoConversation(password)
  let res: ProcessResult
  try {
    res = await spawnBounded(sudo, ['-k', '-S', '-p', conversation.marker, '--', ...argv], opts, {
      secret: password,
      hooks: conversation
    })
  } finally {
    await forgetSudoTicket(sudo, opts.cwd)
  }
  if (res.timedOut || res.cancelled) return { ...res, passwordRejected: false }
  if (conversation.passwordRejected(res.exitCode)) {
    // Killed at the second prompt: report it the way sudo does, with exit status 1.
    return { ...res, exitCode: res.exitCode ?? 1, passwordRejected: true }
  }
  return { ...res, passwordRejected: false }
}

/** Best-effort `sudo -k`; never throws. */
async function forgetSudoTicket(sudo: string, cwd: string): Promise<void> {
  try {
    await execa(sudo, ['-k'], {
      cwd,
      env: childEnv(),
      extendEnv: false,
      stdin: 'ignore',
      stdout: 'ignore',
      stderr: 'ignore',
      reject: false,
      timeout: 5_000,
      windowsHide: true,
      verbose: 'none'
    })
  } catch {
    // ignore
  }
}
