/**
 * Running programs for tools: no shell unless asked for, output bounded as it arrives,
 * and on cancel or timeout the whole process tree is killed (the child runs in its own
 * process group, which gets SIGTERM and then SIGKILL after a short grace).
 *
 * Approval and policy are decided elsewhere; this module only executes.
 */
import { stat } from 'node:fs/promises'
import { StringDecoder } from 'node:string_decoder'
import type { Readable } from 'node:stream'
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
  /** Extra environment variables, added to (and overriding) the current environment. */
  env?: Record<string, string>
  /** Delay between SIGTERM and SIGKILL when killing the tree. Default 2 000 ms. */
  killGraceMs?: number
}

export interface ProcessResult {
  /** Exit code; null when killed by a signal or when the program could not start. */
  exitCode: number | null
  /** stdout and stderr interleaved as they arrived, bounded. */
  output: string
  timedOut: boolean
  cancelled: boolean
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

interface SpawnExtras {
  /** Written to stdin, which is then closed. Never passed to execa (so never echoed in errors). */
  stdinText?: string
  /** Removed from the output, even when split across chunks. */
  secret?: string
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

  const useStdin = extras.stdinText !== undefined
  let subprocess: ReturnType<typeof execa>
  try {
    subprocess = execa(file, args, {
      cwd: opts.cwd,
      env: opts.env,
      extendEnv: true,
      shell: false,
      stdin: useStdin ? 'pipe' : 'ignore',
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

  const killTree = (): void => {
    if (killing || pid === undefined) return
    killing = true
    signalTree(pid, 'SIGTERM')
    // Not unref'd on purpose: grandchildren that ignore SIGTERM still get SIGKILL.
    killTimer = setTimeout(() => signalTree(pid, 'SIGKILL'), graceMs)
  }

  const onAbort = (): void => {
    if (!killing) cancelled = true
    killTree()
  }
  opts.signal.addEventListener('abort', onAbort, { once: true })
  if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
    timeoutTimer = setTimeout(() => {
      if (!killing) timedOut = true
      killTree()
    }, timeoutMs)
  }

  const attach = (stream: Readable | null | undefined): void => {
    if (!stream) return
    const decoder = new StringDecoder('utf8')
    stream.on('data', (chunk: Buffer | string) => {
      collect(typeof chunk === 'string' ? chunk : decoder.write(chunk))
    })
    stream.on('end', () => collect(decoder.end()))
    stream.on('error', () => {
      // reported through the subprocess result
    })
  }
  attach(subprocess.stdout)
  attach(subprocess.stderr)

  // When the program exits but its pipes stay open (background children), finish anyway.
  subprocess.once('exit', () => {
    drainTimer = setTimeout(killTree, DRAIN_AFTER_EXIT_MS)
  })

  if (useStdin && subprocess.stdin) {
    const stdin = subprocess.stdin
    stdin.on('error', () => {
      // EPIPE when the program exits without reading; nothing to report
    })
    stdin.end(extras.stdinText)
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
    opts.signal.removeEventListener('abort', onAbort)
    clearTimeout(timeoutTimer)
    clearTimeout(drainTimer)
    // Keep the pending SIGKILL only while something of the group is still alive.
    if (killTimer !== undefined && pid !== undefined && !groupAlive(pid)) clearTimeout(killTimer)
  }

  scrubber?.end()
  if (startError !== null) {
    return result({ exitCode: 127, output: clean(startError), timedOut, cancelled }, started)
  }
  return result({ exitCode, output: clean(buffer.toString()), timedOut, cancelled }, started)
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
 * Runs a command line through `/bin/sh -c`. Only for command lines the policy allowed or a
 * person approved.
 */
export async function runShellCommand(command: string, opts: RunOptions): Promise<ProcessResult> {
  return spawnBounded('/bin/sh', ['-c', command], opts)
}

const REJECTED_PATTERNS = [
  /sorry, try again/i,
  /incorrect password/i,
  /a password is required/i,
  /no password was provided/i,
  /authentication failure/i
]

/**
 * Runs `sudo -k -S -p '' -- <argv...>` without a shell, writing the password and a newline
 * to stdin and then closing it. The password never appears in the result (it is scrubbed
 * from the output defensively) and is never passed to execa as an option, so it cannot end
 * up in an error message. Afterwards `sudo -k` is run (best effort) so no ticket is left.
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
  let res: ProcessResult
  try {
    res = await spawnBounded(sudo, ['-k', '-S', '-p', '', '--', ...argv], opts, {
      stdinText: `${password}\n`,
      secret: password
    })
  } finally {
    await forgetSudoTicket(sudo, opts.cwd)
  }
  const passwordRejected =
    res.exitCode === 1 && !res.timedOut && !res.cancelled && REJECTED_PATTERNS.some((p) => p.test(res.output))
  return { ...res, passwordRejected }
}

/** Best-effort `sudo -k`; never throws. */
async function forgetSudoTicket(sudo: string, cwd: string): Promise<void> {
  try {
    await execa(sudo, ['-k'], {
      cwd,
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
