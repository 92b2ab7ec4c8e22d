/**
 * The safety gate for shell commands (like Codex CLI's "safe command" check).
 *
 * A command runs without a person only when it parses into plain parts (see bash-parser) AND
 * every part is a program on the read-only allow-list below, used with safe arguments.
 * Everything else needs a person. The rest of the work here is describing the command well:
 * its action type, risk level, plain-English reasons and the keys an "Always allow" rule
 * would be made of.
 *
 * Risk levels:
 * - `none`: pure system information (`pwd`, `whoami`, `uname`, `df`, `ps`, …).
 * - `low`: other read-only commands (`ls`, `cat`, `grep`, `git status`, `apt list`, …).
 * - `medium`: anything that changes files, controls processes, uses the network, runs other
 *   programs, or cannot be parsed into plain parts (substitutions, redirects, …).
 * - `high`: recursive or disk-level deletion (`rm -r`, `find -delete`, `dd`, …), package
 *   installs and removals, and anything privileged (`sudo`, `su`, `pkexec`, `doas`).
 *
 * "Always allow" keys are the program plus its subcommand (`git status`, `apt list`, `touch`).
 * A few high-risk forms get their own key so a rule for the everyday form never covers them:
 * `rm -r`, `find -delete`, `git push --force`, `git reset --hard`. Parts that run code given
 * inline or another program (`bash -c`, `python -c`, `eval`, `xargs`, `env`, `find -exec`,
 * `git -c`, `sed … e`, …) and privileged commands have no key, so no rule can ever cover them.
 *
 * The planner's risk can only raise the reported risk. `needs_approval` is decided by the
 * command alone, except that a planner risk of `high` always asks a person too.
 */
import type { ActionType, RiskLevel } from '../../../shared/events'
import type { Assessment } from '../tools/types'
import { analyzeCommand } from './bash-parser'
import { maxRisk, mostDangerousAction } from './risk'
import { checkSedScript } from './sed-script'

/** What the policy says about one simple command (one part). */
export interface PartVerdict {
  action: ActionType
  risk: RiskLevel
  /** Read-only with safe arguments: may run without a person. */
  safe: boolean
  /** Why it needs a person (empty when safe). */
  reasons: string[]
  /** The "Always allow" key for this part, or null when no rule may ever cover it. */
  key: string | null
  privileged: boolean
}

/** Assesses a shell command; see the module comment for the rules. */
export async function assessShellCommand(command: string, plannerRisk?: RiskLevel): Promise<Assessment> {
  const summary = await summarize(command, 0)
  let needsApproval = !summary.safe || summary.privileged
  const reasons = [...summary.reasons]
  if (plannerRisk === 'high' && !needsApproval) {
    needsApproval = true
    reasons.push('the planner rated this step as high risk')
  }
  return {
    risk_level: maxRisk(summary.risk, plannerRisk),
    action_type: summary.action,
    needs_approval: needsApproval,
    reasons: needsApproval ? unique(reasons) : [],
    outside_workspace: [],
    privileged: summary.privileged,
    rule_keys: summary.privileged ? [] : summary.ruleKeys
  }
}

/** Classifies one plain command (argv after quote removal). Exported for tests and tools. */
export async function classifyArgv(argv: string[], globs?: boolean[]): Promise<PartVerdict> {
  return classify(argv, globs ?? argv.map(() => false), 0)
}

// ---------------------------------------------------------------------------------------------
// Whole commands

interface Summary {
  safe: boolean
  risk: RiskLevel
  action: ActionType
  privileged: boolean
  reasons: string[]
  /** Empty when any part may not be covered by a rule or the command is not plain. */
  ruleKeys: string[]
}

const MAX_DEPTH = 3

async function summarize(command: string, depth: number): Promise<Summary> {
  const analysis = await analyzeCommand(command)
  if (analysis.parsed.ok) {
    const { parts } = analysis.parsed
    const verdicts: PartVerdict[] = []
    for (const part of parts) verdicts.push(await classify(part.argv, part.globs, depth))
    const keys = verdicts.map((v) => v.key)
    const allKeyed = keys.every((k): k is string => k !== null)
    return {
      safe: verdicts.every((v) => v.safe),
      risk: maxRisk(...verdicts.map((v) => v.risk)),
      action: mostDangerousAction(verdicts.map((v) => v.action)),
      privileged: verdicts.some((v) => v.privileged),
      reasons: unique(verdicts.flatMap((v) => (v.safe ? [] : v.reasons))),
      ruleKeys: allKeyed ? unique(keys) : []
    }
  }

  // Not plain: a person must look. Classify what can be found, for the card.
  const verdicts: PartVerdict[] = []
  for (const cmd of analysis.commands) verdicts.push(await classify(cmd.argv, cmd.globs, depth))
  const actions = verdicts.map((v) => v.action)
  const reasons = [...analysis.problems]
  if (analysis.redirects.some((r) => r.writes !== undefined)) actions.push('file_write')
  if (analysis.redirects.some((r) => r.reads !== undefined)) actions.push('file_read')
  return {
    safe: false,
    risk: maxRisk('medium', ...verdicts.map((v) => v.risk)),
    action: actions.length > 0 ? mostDangerousAction(actions) : 'unknown',
    privileged: verdicts.some((v) => v.privileged),
    reasons: unique([...reasons, ...verdicts.flatMap((v) => (v.safe ? [] : v.reasons))]),
    ruleKeys: []
  }
}

/** A verdict for a program that runs a command string (`bash -c '…'`, `su -c '…'`). */
async function innerString(script: string | undefined, depth: number, base: PartVerdict): Promise<PartVerdict> {
  if (script === undefined || depth >= MAX_DEPTH) return base
  const inner = await summarize(script, depth + 1)
  return {
    ...base,
    action: mostDangerousAction([base.action, inner.action]),
    risk: maxRisk(base.risk, inner.risk),
    privileged: base.privileged || inner.privileged,
    reasons: unique([...base.reasons, ...inner.reasons])
  }
}

/** A verdict for a program that runs another program given as words (`xargs rm`). */
async function innerArgv(argv: string[] | null, depth: number, base: PartVerdict): Promise<PartVerdict> {
  if (!argv || argv.length === 0 || depth >= MAX_DEPTH) return base
  const inner = await classify(
    argv,
    argv.map(() => false),
    depth + 1
  )
  return {
    ...base,
    action: mostDangerousAction([base.action, inner.action]),
    risk: maxRisk(base.risk, inner.risk),
    privileged: base.privileged || inner.privileged,
    reasons: unique([...base.reasons, ...inner.reasons])
  }
}

// ---------------------------------------------------------------------------------------------
// One part

const STANDARD_BIN_DIRS = new Set([
  '/bin',
  '/usr/bin',
  '/usr/local/bin',
  '/sbin',
  '/usr/sbin',
  '/usr/local/sbin',
  '/opt/homebrew/bin'
])

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1)
}

function safe(action: ActionType, risk: RiskLevel, key: string): PartVerdict {
  return { action, risk, safe: true, reasons: [], key, privileged: false }
}

function ask(action: ActionType, risk: RiskLevel, reasons: string[], key: string | null): PartVerdict {
  return { action, risk, safe: false, reasons, key, privileged: false }
}

async function classify(argv: string[], globs: boolean[], depth: number): Promise<PartVerdict> {
  const word = argv[0] ?? ''
  const args = argv.slice(1)
  const argGlobs = globs.slice(1)

  // Privileged programs are recognised by name wherever they live.
  const base = basename(word)
  if (PRIVILEGED.has(base)) return privileged(base, args, depth)

  let prog = word
  if (word.includes('/')) {
    const dir = word.slice(0, word.lastIndexOf('/')) || '/'
    if (!STANDARD_BIN_DIRS.has(dir)) {
      return ask('unknown', 'medium', [`\`${word}\` runs a program from a file path`], word)
    }
    prog = base
  }

  if (SHELLS.has(prog)) return shell(prog, args, depth)
  if (lookup(INTERPRETERS, prog)) return interpreter(prog, args, depth)
  if (lookup(WRAPPERS, prog)) return wrapper(prog, args, depth)

  const readOnly = lookup(READ_ONLY, prog)
  if (readOnly) {
    if (readOnly.check) {
      const glob = optionLikeGlob(args, argGlobs)
      if (glob !== null) {
        return ask(
          readOnly.action,
          'medium',
          [
            `the wildcard \`${glob}\` could expand to a file name that starts with \`-\` and be taken as an option of \`${prog}\``
          ],
          prog
        )
      }
      const verdict = await readOnly.check(args, prog, depth)
      if (verdict) return verdict
    }
    return safe(readOnly.action, readOnly.risk, prog)
  }

  const sub = lookup(SUBCOMMANDS, prog)
  if (sub) {
    const glob = optionLikeGlob(args, argGlobs)
    const verdict = await sub(args, prog, depth)
    if (verdict.safe && glob !== null) {
      return ask(
        verdict.action,
        'medium',
        [
          `the wildcard \`${glob}\` could expand to a file name that starts with \`-\` and be taken as an option of \`${prog}\``
        ],
        verdict.key
      )
    }
    return verdict
  }

  const known = lookup(OTHER_PROGRAMS, prog)
  if (known) return known(args, prog)

  const builtin = lookup(CODE_BUILTINS, prog)
  if (builtin) return ask('unknown', 'medium', [builtin], null)

  if (/^mkfs(\..+)?$/.test(prog)) {
    return ask('file_write', 'high', [`\`${prog}\` formats a disk, erasing everything on it`], prog)
  }
  return ask('unknown', 'medium', [`\`${prog}\` is not a known read-only program`], prog)
}

/** A wildcard that could expand to something starting with `-` (before any `--`). */
function optionLikeGlob(args: string[], globs: boolean[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === '--') return null
    if (globs[i] && (arg.startsWith('-') || /^[*?[]/.test(arg))) return arg
  }
  return null
}

// ---------------------------------------------------------------------------------------------
// Option parsing

interface Opt {
  /** `-x` for short options, `--name` for long ones. */
  name: string
  value?: string
}

interface OptSpec {
  /** Short options that take a value, e.g. `'kot'`. */
  short?: string
  /** Long options (without `--`) that take a value. */
  long?: string[]
}

interface ParsedArgs {
  opts: Opt[]
  positionals: string[]
}

/**
 * GNU-style option parsing: clustered short flags (`-rk2`), `--name=value`, `--` ends the
 * options. Options may follow positionals (GNU permutation).
 */
function parseArgs(args: string[], spec: OptSpec = {}): ParsedArgs {
  const opts: Opt[] = []
  const positionals: string[] = []
  const shortValue = spec.short ?? ''
  const longValue = new Set(spec.long ?? [])
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === '--') {
      positionals.push(...args.slice(i + 1))
      break
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      if (eq >= 0) {
        opts.push({ name: arg.slice(0, eq), value: arg.slice(eq + 1) })
      } else if (longValue.has(arg.slice(2))) {
        const value = args[++i]
        opts.push(value === undefined ? { name: arg } : { name: arg, value })
      } else {
        opts.push({ name: arg })
      }
    } else if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const c = arg[j] as string
        if (shortValue.includes(c)) {
          const rest = arg.slice(j + 1)
          const value = rest !== '' ? rest : args[++i]
          opts.push(value === undefined ? { name: '-' + c } : { name: '-' + c, value })
          break
        }
        opts.push({ name: '-' + c })
      }
    } else {
      positionals.push(arg)
    }
  }
  return { opts, positionals }
}

/** True when `--given` is `--full` or a GNU abbreviation of it (`--out` for `--output`). */
function longIs(given: string, full: string): boolean {
  if (!given.startsWith('--') || given.length < 3) return false
  return full.startsWith(given.slice(2))
}

function hasOpt(parsed: ParsedArgs, shortNames: string, longNames: string[]): Opt | undefined {
  return parsed.opts.find(
    (o) =>
      (o.name.length === 2 && o.name[0] === '-' && shortNames.includes(o.name[1] as string)) ||
      longNames.some((full) => longIs(o.name, full))
  )
}

/**
 * Finds the subcommand: the first word that is not an option, skipping values of the given
 * global options. Returns its index in args, or -1.
 */
function findSubcommand(args: string[], valueOpts: string[] = []): number {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === '--') return i + 1 < args.length ? i + 1 : -1
    if (!arg.startsWith('-') || arg === '-') return i
    if (valueOpts.includes(arg)) i++
  }
  return -1
}

// ---------------------------------------------------------------------------------------------
// Privileged programs, shells, interpreters and wrappers

const PRIVILEGED = new Set(['sudo', 'sudoedit', 'su', 'pkexec', 'doas', 'run0'])

async function privileged(prog: string, args: string[], depth: number): Promise<PartVerdict> {
  const base: PartVerdict = {
    action: 'privileged',
    risk: 'high',
    safe: false,
    reasons: [`\`${prog}\` runs a command as the administrator (root)`],
    key: null,
    privileged: true
  }
  if (prog === 'su') {
    const parsed = parseArgs(args, { short: 'cgGsw', long: ['command', 'group', 'shell'] })
    const cmd = parsed.opts.find((o) => o.name === '-c' || longIs(o.name, 'command'))
    return innerString(cmd?.value, depth, base)
  }
  const specs: Record<string, OptSpec> = {
    sudo: {
      short: 'CDghpRrtTUu',
      long: [
        'chdir',
        'close-from',
        'group',
        'host',
        'prompt',
        'role',
        'type',
        'other-user',
        'user',
        'command-timeout',
        'chroot'
      ]
    },
    doas: { short: 'Cu' },
    pkexec: { long: ['user'] },
    run0: {
      short: 'uDg',
      long: ['user', 'group', 'chdir', 'unit', 'property', 'description', 'slice', 'nice', 'setenv', 'background']
    }
  }
  const inner = wrappedArgv(args, specs[prog] ?? {})
  return innerArgv(inner, depth, base)
}

/** The wrapped command: the first positional after the options (and `skip` positionals). */
function wrappedArgv(args: string[], spec: OptSpec, skip = 0, skipAssignments = false): string[] | null {
  const shortValue = spec.short ?? ''
  const longValue = new Set(spec.long ?? [])
  let skipped = 0
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === '--') return args.slice(i + 1)
    if (arg.startsWith('--')) {
      if (!arg.includes('=') && longValue.has(arg.slice(2))) i++
      continue
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        if (shortValue.includes(arg[j] as string)) {
          if (j === arg.length - 1) i++
          break
        }
      }
      continue
    }
    if (skipAssignments && /^[A-Za-z_][A-Za-z0-9_]*=/.test(arg)) continue
    if (skipped < skip) {
      skipped++
      continue
    }
    return args.slice(i)
  }
  return null
}

const SHELLS = new Set(['bash', 'sh', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'fish', 'csh', 'tcsh', 'busybox'])

async function shell(prog: string, args: string[], depth: number): Promise<PartVerdict> {
  // Any `-…c…` or `-s` anywhere counts: a false alarm only means no rule can cover the call.
  const cIndex = args.findIndex((a) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(a))
  const hasC = cIndex >= 0
  const script = hasC ? args[cIndex + 1] : undefined
  const fromInput = args.some((a) => /^-[a-zA-Z]*s[a-zA-Z]*$/.test(a))
  let firstFile: string | undefined
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (/^[-+][oO]$/.test(arg)) {
      i++
      continue
    }
    if (!arg.startsWith('-') && !arg.startsWith('+')) {
      firstFile = arg
      break
    }
  }
  if (hasC) {
    return innerString(
      script,
      depth,
      ask('unknown', 'medium', [`\`${prog} -c\` runs a command string in a new shell`], null)
    )
  }
  if (firstFile === undefined || fromInput) {
    return ask('unknown', 'medium', [`\`${prog}\` runs shell commands it reads from its input`], null)
  }
  return ask('unknown', 'medium', [`\`${prog}\` runs the script \`${firstFile}\``], prog)
}

/** Interpreters and the options that pass program text on the command line. */
const INTERPRETERS: Record<string, string[]> = {
  python: ['-c'],
  python2: ['-c'],
  python3: ['-c'],
  node: ['-e', '--eval', '-p', '--print'],
  nodejs: ['-e', '--eval', '-p', '--print'],
  deno: ['eval'],
  bun: ['-e', '--eval', '-p', '--print'],
  perl: ['-e', '-E'],
  ruby: ['-e'],
  php: ['-r'],
  lua: ['-e'],
  Rscript: ['-e'],
  osascript: ['-e'],
  awk: [],
  gawk: [],
  mawk: [],
  nawk: [],
  tclsh: [],
  expect: ['-c']
}

async function interpreter(prog: string, args: string[], depth: number): Promise<PartVerdict> {
  if (/^python[0-9.]*$/.test(prog)) {
    const m = args.indexOf('-m')
    if (m >= 0 && args[m + 1] === 'pip' && depth < MAX_DEPTH) {
      const inner = await classify(['pip', ...args.slice(m + 2)], [], depth + 1)
      return { ...inner, key: inner.key === null ? null : `${prog} -m ${inner.key}` }
    }
  }
  if (['awk', 'gawk', 'mawk', 'nawk'].includes(prog)) {
    const parsed = parseArgs(args, {
      short: 'fvFE',
      long: ['file', 'assign', 'field-separator', 'exec', 'include', 'load']
    })
    const fromFile = parsed.opts.some((o) =>
      ['-f', '-E', '--file', '--exec', '--include', '--load', '-i', '-l'].includes(o.name)
    )
    const program = parsed.positionals[0] ?? ''
    const runsThings = fromFile || /system|getline|\||>|print[f]?\s*>|close|fflush/.test(program)
    return ask('unknown', 'medium', [`\`${prog}\` runs an awk program`], runsThings ? null : prog)
  }
  const inline = lookup(INTERPRETERS, prog) ?? []
  const hasInline = args.some(
    (a) =>
      inline.includes(a) ||
      inline.some(
        (flag) => flag.length === 2 && a.startsWith('-') && !a.startsWith('--') && a.includes(flag[1] as string)
      ) ||
      inline.some((flag) => flag.startsWith('--') && a.startsWith(flag + '='))
  )
  const script = args.find((a) => !a.startsWith('-'))
  if (hasInline || script === undefined) {
    return ask('unknown', 'medium', [`\`${prog}\` runs code given on the command line or its input`], null)
  }
  return ask('unknown', 'medium', [`\`${prog}\` runs the program \`${script}\``], prog)
}

interface WrapperSpec extends OptSpec {
  /** Positionals before the wrapped command (e.g. the duration of `timeout`). */
  skip?: number
  /** `NAME=value` words before the command (env). */
  assignments?: boolean
  /** The rest of the words form a command string run by a shell (watch). */
  joined?: boolean
  what: string
}

const WRAPPERS: Record<string, WrapperSpec> = {
  xargs: {
    short: 'adEILnPs',
    long: ['arg-file', 'delimiter', 'max-args', 'max-procs', 'max-chars', 'max-lines', 'process-slot-var'],
    what: 'runs another program for each input line'
  },
  env: {
    short: 'uCS',
    long: ['unset', 'chdir', 'split-string'],
    assignments: true,
    what: 'runs another program with a changed environment'
  },
  nice: { short: 'n', long: ['adjustment'], what: 'runs another program' },
  ionice: { short: 'cnpPu', long: ['class', 'classdata', 'pid', 'pgid', 'uid'], what: 'runs another program' },
  nohup: { what: 'runs another program in the background of the session' },
  timeout: { short: 'sk', long: ['signal', 'kill-after'], skip: 1, what: 'runs another program' },
  time: { short: 'fo', long: ['format', 'output'], what: 'runs another program' },
  stdbuf: { short: 'ioe', long: ['input', 'output', 'error'], what: 'runs another program' },
  setsid: { what: 'runs another program' },
  command: { what: 'runs another program' },
  builtin: { what: 'runs another command' },
  exec: { short: 'a', what: 'replaces the shell with another program' },
  chrt: { skip: 1, what: 'runs another program' },
  taskset: { skip: 1, what: 'runs another program' },
  flock: { short: 'wEc', long: ['timeout', 'conflict-exit-code', 'command'], skip: 1, what: 'runs another program' },
  strace: { short: 'abeEIopPsSuUX', what: 'runs and traces another program' },
  ltrace: { short: 'aAbDeEFlnopsSuwx', what: 'runs and traces another program' },
  unbuffer: { what: 'runs another program' },
  caffeinate: { short: 'tw', what: 'runs another program' },
  watch: { short: 'dgnqx', long: ['differences', 'interval', 'exec'], joined: true, what: 'runs a command repeatedly' },
  eval: { joined: true, what: 'runs its arguments as a shell command' },
  'systemd-run': { what: 'runs another program as a service' },
  coproc: { what: 'runs another program alongside the shell' }
}

async function wrapper(prog: string, args: string[], depth: number): Promise<PartVerdict> {
  const spec = lookup(WRAPPERS, prog) as WrapperSpec
  if (prog === 'command' && (args[0] === '-v' || args[0] === '-V')) {
    return safe('system_info', 'none', 'command')
  }
  const base = ask('unknown', 'medium', [`\`${prog}\` ${spec.what}`], null)
  if (spec.joined) {
    const rest = prog === 'eval' ? args : wrappedArgv(args, spec)
    return innerString(rest?.join(' '), depth, base)
  }
  return innerArgv(wrappedArgv(args, spec, spec.skip ?? 0, spec.assignments ?? false), depth, base)
}

// ---------------------------------------------------------------------------------------------
// The read-only allow-list

type Check = (args: string[], prog: string, depth: number) => PartVerdict | null | Promise<PartVerdict | null>

interface ReadOnlyEntry {
  action: ActionType
  risk: RiskLevel
  /** Returns a verdict when the arguments make the call unsafe, null when they are fine. */
  check?: Check
}

const info = (check?: Check): ReadOnlyEntry => ({ action: 'system_info', risk: 'none', check })
const read = (check?: Check): ReadOnlyEntry => ({ action: 'file_read', risk: 'low', check })

/**
 * Read-only programs. Programs without a `check` have no option that writes files or runs
 * other programs. Programs with a `check` are also refused when an unquoted wildcard could
 * expand into an option.
 */
const READ_ONLY: Record<string, ReadOnlyEntry> = {
  // System information
  pwd: info(),
  whoami: info(),
  id: info(),
  groups: info(),
  users: info(),
  who: info(),
  w: info(),
  tty: info(),
  uname: info(),
  arch: info(),
  uptime: info(),
  nproc: info(),
  lscpu: info(),
  lsblk: info(),
  lspci: info(),
  lsusb: info(),
  lsb_release: info(),
  df: info(),
  free: info(),
  ps: info(),
  which: info(),
  whereis: info(),
  type: info(),
  locale: info(),
  getconf: info(),
  echo: info(),
  printf: info(),
  true: info(),
  test: read(),
  false: info(),
  hostname: info(checkHostname),
  date: info(checkDate),
  ip: info(checkIp),
  // Reading files
  cd: read(),
  ls: read(),
  dir: read(),
  cat: read(),
  head: read(),
  tail: read(),
  wc: read(),
  stat: read(),
  du: read(),
  grep: read(),
  egrep: read(),
  fgrep: read(),
  cut: read(),
  tr: read(),
  nl: read(),
  tac: read(),
  rev: read(),
  paste: read(),
  comm: read(),
  join: read(),
  column: read(),
  fold: read(),
  fmt: read(),
  expand: read(),
  unexpand: read(),
  basename: read(),
  dirname: read(),
  realpath: read(),
  readlink: read(),
  md5sum: read(),
  sha1sum: read(),
  sha224sum: read(),
  sha256sum: read(),
  sha384sum: read(),
  sha512sum: read(),
  b2sum: read(),
  cksum: read(),
  sum: read(),
  base64: read(),
  cmp: read(),
  diff: read(),
  strings: read(),
  od: read(),
  hexdump: read(),
  jq: read(),
  file: read(checkFile),
  uniq: read(checkUniq),
  tree: read(checkTree),
  sort: read(checkSort),
  rg: read(checkRipgrep),
  find: read(checkFind),
  sed: read(checkSed)
}

function checkHostname(args: string[]): PartVerdict | null {
  const parsed = parseArgs(args)
  const setting = parsed.opts.some((o) => ['-F', '-b', '--file', '--boot'].includes(o.name))
  if (setting || parsed.positionals.length > 0) {
    return ask('process', 'medium', ["`hostname` with an argument changes the computer's name"], 'hostname')
  }
  return null
}

function checkDate(args: string[]): PartVerdict | null {
  const parsed = parseArgs(args, { short: 'dfr', long: ['date', 'file', 'reference'] })
  const setting =
    parsed.opts.some((o) => o.name === '-s' || longIs(o.name, 'set')) ||
    parsed.positionals.some((p) => !p.startsWith('+'))
  return setting ? ask('process', 'medium', ['`date` with a time sets the system clock'], 'date') : null
}

const IP_OBJECTS = new Set([
  'address',
  'addr',
  'a',
  'link',
  'l',
  'route',
  'r',
  'ro',
  'neigh',
  'neighbour',
  'neighbor',
  'n',
  'rule',
  'ru',
  'maddress',
  'maddr',
  'm'
])
const IP_SHOW = new Set(['show', 'list', 'ls', 'lst', 'sh', 's'])

function checkIp(args: string[]): PartVerdict | null {
  const unsafe = ask('network', 'medium', ['`ip` can change the network configuration'], ipKey(args))
  let i = 0
  for (; i < args.length; i++) {
    const arg = args[i] as string
    if (!arg.startsWith('-')) break
    if (/^-(b|batch|force|n|netns)$/.test(arg)) return unsafe
    if (/^-(f|family|l|loops|rc|rcvbuf)$/.test(arg)) i++
  }
  const object = args[i]
  const verb = args[i + 1]
  if (object === undefined || !IP_OBJECTS.has(object)) return unsafe
  if (verb !== undefined && !IP_SHOW.has(verb) && !(verb.startsWith('-') || /^(dev|to|table)$/.test(verb))) {
    return unsafe
  }
  return null
}

function ipKey(args: string[]): string {
  const sub = args.find((a) => !a.startsWith('-'))
  return sub ? `ip ${sub}` : 'ip'
}

function checkFile(args: string[]): PartVerdict | null {
  const parsed = parseArgs(args, {
    short: 'efFmP',
    long: ['exclude', 'exclude-quiet', 'files-from', 'separator', 'magic-file', 'parameter']
  })
  return hasOpt(parsed, 'C', ['compile'])
    ? ask('file_write', 'medium', ['`file -C` writes a compiled magic file'], 'file')
    : null
}

function checkUniq(args: string[]): PartVerdict | null {
  const parsed = parseArgs(args, { short: 'fsw', long: ['skip-fields', 'skip-chars', 'check-chars'] })
  return parsed.positionals.length > 1
    ? ask('file_write', 'medium', ['`uniq` with two file names writes its output to the second'], 'uniq')
    : null
}

function checkTree(args: string[]): PartVerdict | null {
  for (const arg of args) {
    if (arg.startsWith('--') ? arg.startsWith('--o') : arg.startsWith('-') && /[oR]/.test(arg)) {
      return ask('file_write', 'medium', ['`tree -o` / `tree -R` write output files'], 'tree')
    }
  }
  return null
}

function checkSort(args: string[]): PartVerdict | null {
  const parsed = parseArgs(args, {
    short: 'kotST',
    long: [
      'key',
      'output',
      'field-separator',
      'buffer-size',
      'temporary-directory',
      'files0-from',
      'random-source',
      'parallel',
      'batch-size',
      'compress-program'
    ]
  })
  if (parsed.opts.some((o) => longIs(o.name, 'compress-program'))) {
    return ask('unknown', 'medium', ['`sort --compress-program` runs another program'], null)
  }
  if (hasOpt(parsed, 'o', ['output'])) {
    return ask('file_write', 'medium', ['`sort -o` writes its output to a file'], 'sort')
  }
  return null
}

function checkRipgrep(args: string[]): PartVerdict | null {
  const parsed = parseArgs(args, {
    short: 'ABCEMTdefgjmrt',
    long: [
      'after-context',
      'before-context',
      'context',
      'encoding',
      'max-columns',
      'type-not',
      'max-depth',
      'regexp',
      'file',
      'glob',
      'threads',
      'max-count',
      'replace',
      'type',
      'pre',
      'pre-glob',
      'hostname-bin',
      'iglob',
      'ignore-file',
      'type-add',
      'sort',
      'sortr',
      'colors',
      'path-separator',
      'field-match-separator',
      'field-context-separator',
      'context-separator',
      'max-filesize',
      'dfa-size-limit',
      'regex-size-limit',
      'engine',
      'type-clear'
    ]
  })
  if (parsed.opts.some((o) => o.name === '--pre' || o.name === '--hostname-bin')) {
    return ask('unknown', 'medium', ['`rg --pre` runs another program on every file'], null)
  }
  if (parsed.opts.some((o) => o.name === '-z' || o.name === '--search-zip')) {
    return ask('unknown', 'medium', ['`rg -z` runs decompression programs on files'], 'rg')
  }
  return null
}

const FIND_WRITES = new Set(['-fprint', '-fprint0', '-fprintf', '-fls'])
const FIND_EXEC = new Set(['-exec', '-execdir', '-ok', '-okdir'])

async function checkFind(args: string[], _prog: string, depth: number): Promise<PartVerdict | null> {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (FIND_EXEC.has(arg)) {
      let end = i + 1
      while (end < args.length && args[end] !== ';' && args[end] !== '+') end++
      const inner = args.slice(i + 1, end)
      return innerArgv(
        inner,
        depth,
        ask('unknown', 'medium', [`\`find ${arg}\` runs another program on the files it finds`], null)
      )
    }
    if (arg === '-delete') {
      return ask('file_write', 'high', ['`find -delete` deletes the files it finds'], 'find -delete')
    }
    if (FIND_WRITES.has(arg)) {
      return ask('file_write', 'medium', [`\`find ${arg}\` writes to a file`], `find ${arg}`)
    }
  }
  return null
}

const SED_FLAGS = new Set([
  '-n',
  '-E',
  '-r',
  '-s',
  '-z',
  '-u',
  '--quiet',
  '--silent',
  '--regexp-extended',
  '--separate',
  '--null-data',
  '--zero-terminated',
  '--unbuffered',
  '--posix',
  '--debug',
  '--sandbox',
  '--line-length'
])

function checkSed(args: string[]): PartVerdict | null {
  const parsed = parseArgs(args, { short: 'efil', long: ['expression', 'file', 'line-length'] })
  // -i takes an optional attached suffix, so parseArgs reports `-i` with the rest as value.
  if (parsed.opts.some((o) => o.name === '-i' || o.name === '-I' || longIs(o.name, 'in-place'))) {
    return ask('file_write', 'medium', ['`sed -i` changes files in place'], 'sed')
  }
  if (parsed.opts.some((o) => o.name === '-f' || longIs(o.name, 'file'))) {
    return ask('unknown', 'medium', ['`sed -f` runs a script from a file, which Duck cannot check'], null)
  }
  const unknownOpt = parsed.opts.find(
    (o) => o.name !== '-e' && o.name !== '-l' && o.name !== '--expression' && !SED_FLAGS.has(o.name)
  )
  if (unknownOpt) {
    return ask('file_read', 'low', [`Duck does not know the sed option \`${unknownOpt.name}\``], 'sed')
  }
  const scripts = parsed.opts.filter((o) => o.name === '-e' || o.name === '--expression').map((o) => o.value ?? '')
  if (scripts.length === 0) scripts.push(parsed.positionals[0] ?? '')
  for (const script of scripts) {
    const verdict = checkSedScript(script)
    if (verdict === 'write') return ask('file_write', 'medium', ['the sed script writes to a file (`w`)'], 'sed')
    if (verdict === 'exec') return ask('unknown', 'medium', ['the sed script runs shell commands (`e`)'], null)
    if (verdict === 'unknown') return ask('file_read', 'low', ['Duck cannot check this sed script'], 'sed')
  }
  const quiet = parsed.opts.some((o) => o.name === '-n' || o.name === '--quiet' || o.name === '--silent')
  if (!quiet) {
    return ask('file_read', 'low', ['`sed` only runs without a person when used with `-n`'], 'sed')
  }
  return null
}

// ---------------------------------------------------------------------------------------------
// Programs with subcommands

type SubHandler = (args: string[], prog: string, depth: number) => PartVerdict | Promise<PartVerdict>

function subKey(prog: string, sub: string | undefined): string {
  return sub === undefined ? prog : `${prog} ${sub}`
}

const REASON: Record<ActionType, (what: string) => string> = {
  system_info: (w) => `\`${w}\` shows system information`,
  file_read: (w) => `\`${w}\` reads files`,
  package_check: (w) => `\`${w}\` looks up packages`,
  file_write: (w) => `\`${w}\` changes files`,
  network: (w) => `\`${w}\` uses the network`,
  process: (w) => `\`${w}\` controls running programs or services`,
  package_install: (w) => `\`${w}\` installs or changes software packages`,
  privileged: (w) => `\`${w}\` runs a command as the administrator (root)`,
  unknown: (w) => `\`${w}\` is not a known read-only command`
}

const DEFAULT_RISK: Record<ActionType, RiskLevel> = {
  system_info: 'none',
  file_read: 'low',
  package_check: 'low',
  file_write: 'medium',
  network: 'medium',
  process: 'medium',
  package_install: 'high',
  privileged: 'high',
  unknown: 'medium'
}

/** A non-read-only verdict with the default risk and reason for its action type. */
function asks(action: ActionType, what: string, key: string | null, risk?: RiskLevel): PartVerdict {
  return ask(action, risk ?? DEFAULT_RISK[action], [REASON[action](what)], key)
}

interface SubTable {
  /** Global options that take a value (before the subcommand). */
  valueOpts?: string[]
  /** Read-only subcommands. */
  safe?: Record<string, ActionType>
  /** Other known subcommands and what they do. */
  other?: Record<string, ActionType>
  /** When there is no subcommand. */
  none?: ActionType
  /** What an unknown subcommand is. */
  fallback?: ActionType
  /** Arguments (anywhere) that make a read-only subcommand unsafe, e.g. pip's `--python`. */
  unsafeArgs?: RegExp
}

function words(action: ActionType, list: string): Record<string, ActionType> {
  return Object.fromEntries(
    list
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => [w, action])
  )
}

/** A generic handler for programs whose subcommands are a simple table. */
function table(t: SubTable): SubHandler {
  return (args, prog) => {
    const idx = findSubcommand(args, t.valueOpts)
    const sub = idx >= 0 ? args[idx] : undefined
    const key = subKey(prog, sub)
    if (sub === undefined) {
      if (args.length > 0 && args.every((a) => /^(-v|-V|--version|-h|--help)$/.test(a))) {
        return safe('system_info', 'none', prog)
      }
      const action = t.none ?? 'unknown'
      return action === 'system_info' ? safe(action, 'none', prog) : asks(action, prog, prog)
    }
    const safeAction = t.safe && lookup(t.safe, sub)
    if (safeAction) {
      // Options before the subcommand (`docker -H ssh://…`, `pip --python …`) can make the
      // tool connect elsewhere or run another program: such calls ask.
      const bad = args.slice(0, idx).find((a) => a.startsWith('-')) ?? args.find((a) => t.unsafeArgs?.test(a))
      if (bad !== undefined) {
        return ask(
          safeAction,
          'medium',
          [`\`${key}\` is given the option \`${bad}\`, which Duck does not allow without a person`],
          key
        )
      }
      return safe(safeAction, DEFAULT_RISK[safeAction], key)
    }
    const action = (t.other && lookup(t.other, sub)) ?? t.fallback ?? 'unknown'
    return asks(action, key, key)
  }
}

const APT_INSTALL =
  'install remove purge upgrade full-upgrade dist-upgrade update autoremove autopurge reinstall build-dep satisfy clean autoclean source download edit-sources markauto unmarkauto changelog check'

function apt(args: string[], prog: string): PartVerdict {
  const idx = findSubcommand(args, ['-o', '-c', '-t', '--option', '--config-file', '--target-release'])
  const sub = idx >= 0 ? args[idx] : undefined
  const key = subKey(prog, sub)
  const readSubs =
    prog === 'apt-cache'
      ? [
          'search',
          'show',
          'showpkg',
          'showsrc',
          'policy',
          'depends',
          'rdepends',
          'madison',
          'pkgnames',
          'stats',
          'unmet'
        ]
      : prog === 'apt-get'
        ? []
        : ['list', 'search', 'show', 'policy', 'depends', 'rdepends', 'madison', 'showsrc']
  if (sub !== undefined && readSubs.includes(sub)) {
    const config = args.some((a) => /^(-o|-c|--option|--config-file)(=|$)/.test(a) || /^-o./.test(a))
    if (config) return ask('package_check', 'medium', [`\`${key}\` is given apt configuration options (\`-o\`)`], key)
    return safe('package_check', 'low', key)
  }
  if (sub !== undefined && APT_INSTALL.split(' ').includes(sub)) return asks('package_install', key, key)
  return asks('unknown', key, key)
}

const DPKG_READ = new Set([
  '-l',
  '--list',
  '-s',
  '--status',
  '-L',
  '--listfiles',
  '-S',
  '--search',
  '-p',
  '--print-avail',
  '--get-selections',
  '--print-architecture',
  '--print-foreign-architectures',
  '--audit',
  '-C',
  '--verify',
  '-V',
  '--version',
  '--help',
  '-?',
  '--no-pager',
  '--compare-versions'
])

function dpkg(args: string[]): PartVerdict {
  const first = args.find((a) => a.startsWith('-'))
  const key = first ? `dpkg ${first.split('=')[0]}` : 'dpkg'
  const flags = args.filter((a) => a.startsWith('-'))
  if (flags.length > 0 && flags.every((f) => DPKG_READ.has(f))) return safe('package_check', 'low', key)
  if (flags.some((f) => /^(-x|--extract|-X|--vextract|-b|--build|--fsys-tarfile)$/.test(f))) {
    return asks('file_write', key, key)
  }
  return asks('package_install', key, key)
}

const GIT_READ = new Set([
  'status',
  'log',
  'diff',
  'show',
  'rev-parse',
  'ls-files',
  'blame',
  'shortlog',
  'describe',
  'ls-tree',
  'cat-file',
  'grep',
  'merge-base',
  'count-objects',
  'whatchanged',
  'name-rev',
  'show-ref',
  'diff-tree',
  'diff-files',
  'diff-index',
  'rev-list',
  'for-each-ref',
  'version',
  'check-ignore',
  'annotate',
  'show-branch',
  'cherry',
  'range-diff'
])
const GIT_NETWORK = new Set([
  'pull',
  'push',
  'fetch',
  'clone',
  'ls-remote',
  'submodule',
  'send-email',
  'request-pull',
  'archive'
])
const GIT_SAFE_GLOBALS = new Set([
  '--no-pager',
  '-P',
  '--no-optional-locks',
  '--literal-pathspecs',
  '--no-replace-objects',
  '--glob-pathspecs',
  '--noglob-pathspecs',
  '--icase-pathspecs',
  '--version',
  '--help',
  '-h'
])

function git(args: string[]): PartVerdict {
  let i = 0
  let unsafeGlobal: string | null = null
  let runsConfig = false
  for (; i < args.length; i++) {
    const arg = args[i] as string
    if (!arg.startsWith('-')) break
    if (arg === '-C') {
      i++
    } else if (arg === '-c' || arg.startsWith('--config-env')) {
      runsConfig = true
      if (arg === '-c' || arg === '--config-env') i++
    } else if (/^--(git-dir|work-tree|namespace|super-prefix)$/.test(arg)) {
      unsafeGlobal = arg
      i++
    } else if (!GIT_SAFE_GLOBALS.has(arg)) {
      unsafeGlobal = arg
    }
  }
  const sub = args[i]
  const rest = args.slice(i + 1)
  const key = subKey('git', sub)
  if (runsConfig) {
    return ask('unknown', 'medium', ['`git -c` sets configuration that can make git run other programs'], null)
  }
  if (sub === undefined) {
    return unsafeGlobal ? asks('unknown', 'git', 'git') : safe('system_info', 'none', 'git')
  }
  if (unsafeGlobal) {
    // Another repository, work tree or exec path can bring its own hooks and programs.
    return ask('unknown', 'medium', [`\`git ${unsafeGlobal}\` points git at another repository or setting`], null)
  }

  const parsed = parseArgs(rest)
  if (GIT_READ.has(sub)) {
    if (parsed.opts.some((o) => longIs(o.name, 'output'))) {
      return ask('file_write', 'medium', [`\`${key} --output\` writes to a file`], key)
    }
    if (parsed.opts.some((o) => longIs(o.name, 'ext-diff'))) {
      return ask('unknown', 'medium', [`\`${key} --ext-diff\` runs an external diff program`], key)
    }
    if (
      sub === 'grep' &&
      (rest.some((a) => /^-[^-]*O/.test(a)) || parsed.opts.some((o) => longIs(o.name, 'open-files-in-pager')))
    ) {
      return ask('unknown', 'medium', ['`git grep -O` opens the results in another program'], null)
    }
    return safe('file_read', 'low', key)
  }
  if (sub === 'branch' || sub === 'tag') return gitBranchOrTag(sub, rest)
  if (sub === 'remote') {
    if (rest.every((a) => a === '-v' || a === '--verbose')) return safe('file_read', 'low', key)
    const action = rest[0] === 'show' || rest[0] === 'update' || rest[0] === 'prune' ? 'network' : 'file_write'
    return asks(action, `git remote ${rest[0] ?? ''}`.trim(), key)
  }
  if (sub === 'config') {
    const reads =
      rest.length > 0 &&
      rest.every(
        (a) =>
          /^(--get|--get-all|--get-regexp|--list|-l|--show-origin|--show-scope|--global|--local|--system|--name-only|-z|--null)$/.test(
            a
          ) || !a.startsWith('-')
      )
    const getting = rest.some((a) => /^(--get|--get-all|--get-regexp|--list|-l)$/.test(a))
    if (reads && getting) return safe('file_read', 'low', key)
    return ask(
      'file_write',
      'medium',
      ['`git config` changes settings that can make later git commands run other programs'],
      null
    )
  }
  if (GIT_NETWORK.has(sub)) {
    if (
      sub === 'push' &&
      parsed.opts.some(
        (o) =>
          o.name === '-f' ||
          longIs(o.name, 'force') ||
          o.name.startsWith('--force-with-lease') ||
          o.name === '--mirror' ||
          o.name === '--delete' ||
          o.name === '-d'
      )
    ) {
      return ask('network', 'high', ['`git push --force` can overwrite work on the server'], 'git push --force')
    }
    return asks('network', key, key)
  }
  if (sub === 'clean' && parsed.opts.some((o) => o.name === '-f' || longIs(o.name, 'force'))) {
    return ask('file_write', 'high', ['`git clean -f` deletes files git does not track'], key)
  }
  if (sub === 'reset' && parsed.opts.some((o) => o.name === '--hard')) {
    return ask('file_write', 'high', ['`git reset --hard` throws away uncommitted changes'], 'git reset --hard')
  }
  if (
    sub === 'difftool' ||
    sub === 'mergetool' ||
    sub === 'bisect' ||
    sub === 'filter-branch' ||
    (sub === 'rebase' && rest.some((a) => a === '-x' || a.startsWith('--exec')))
  ) {
    return ask('unknown', 'medium', [`\`${key}\` can run other programs`], null)
  }
  const writes = new Set([
    'add',
    'commit',
    'checkout',
    'switch',
    'reset',
    'restore',
    'rm',
    'mv',
    'merge',
    'rebase',
    'cherry-pick',
    'revert',
    'stash',
    'init',
    'clean',
    'apply',
    'am',
    'notes',
    'worktree',
    'gc',
    'prune',
    'reflog',
    'update-index',
    'update-ref',
    'commit-tree',
    'read-tree',
    'write-tree',
    'hash-object',
    'sparse-checkout',
    'lfs',
    'maintenance',
    'repack',
    'pack-refs',
    'symbolic-ref',
    'replace',
    'format-patch'
  ])
  if (writes.has(sub)) return asks('file_write', key, key)
  return ask('unknown', 'medium', [`\`${key}\` is not a known read-only git command`], key)
}

function gitBranchOrTag(sub: 'branch' | 'tag', rest: string[]): PartVerdict {
  const key = `git ${sub}`
  const listValue = [
    'contains',
    'no-contains',
    'merged',
    'no-merged',
    'points-at',
    'sort',
    'format',
    'color',
    'column',
    'abbrev'
  ]
  const parsed = parseArgs(rest, { long: listValue })
  const bad = parsed.opts.find((o) =>
    sub === 'branch'
      ? /^-[dDmMcCfuet]$/.test(o.name) ||
        /^--(delete|move|copy|force|set-upstream-to|set-upstream|unset-upstream|edit-description|track|no-track|create-reflog|recurse-submodules)/.test(
          o.name
        )
      : /^-[dafsumFe]$/.test(o.name) ||
        /^--(delete|annotate|force|sign|local-user|message|file|edit|create-reflog)/.test(o.name)
  )
  const listing = parsed.opts.some((o) => o.name === '-l' || o.name === '--list')
  if (bad || (parsed.positionals.length > 0 && !listing)) {
    return asks('file_write', key, key)
  }
  return safe('file_read', 'low', key)
}

function npm(args: string[], prog: string): PartVerdict {
  const idx = findSubcommand(args, [
    '--prefix',
    '-C',
    '-w',
    '--workspace',
    '--registry',
    '--loglevel',
    '--userconfig',
    '--cache',
    '--dir',
    '--filter',
    '-F',
    '--cwd'
  ])
  const sub = idx >= 0 ? args[idx] : undefined
  const rest = idx >= 0 ? args.slice(idx + 1) : []
  const tables: Record<string, { read: string; install: string; network: string; run: string }> = {
    npm: {
      read: 'ls list ll la outdated view info show v root prefix explain why search',
      install:
        'install i in ins inst insta instal isnt isntall add ci clean-install install-ci-test cit install-test it uninstall un unlink remove rm r update up upgrade udpate link ln dedupe ddp prune rebuild rb',
      network:
        'publish unpublish deprecate dist-tag owner login logout adduser add-user token access team star unstar org ping',
      run: 'run run-script rum urn test tst t start stop restart exec x pack init create'
    },
    pnpm: {
      read: 'ls list ll la outdated why view info',
      install:
        'add install i remove rm uninstall un update up upgrade link ln unlink prune rebuild rb import dedupe fetch install-test it',
      network: 'publish login logout',
      run: 'run test t start exec dlx create init'
    },
    yarn: {
      read: 'list outdated why info',
      install: 'add install remove upgrade up dedupe link unlink global import',
      network: 'publish login logout npm',
      run: 'run test start exec dlx create node init'
    }
  }
  const t = tables[prog] as (typeof tables)['npm']
  if (sub === undefined) {
    const versionOnly = args.length > 0 && args.every((a) => /^(-v|--version|-h|--help)$/.test(a))
    if (versionOnly) return safe('system_info', 'none', prog)
    if (prog === 'yarn') return asks('package_install', prog, prog)
    return asks('unknown', prog, prog)
  }
  const has = (list: string): boolean => list.split(' ').includes(sub)
  if (has(t.read)) return safe('package_check', 'low', subKey(prog, sub))
  if (has(t.install)) {
    return asks('package_install', subKey(prog, sub), subKey(prog, sub))
  }
  if (has(t.network)) return asks('network', subKey(prog, sub), subKey(prog, sub))
  if (has(t.run)) {
    const script =
      sub === 'run' || sub === 'run-script' || sub === 'rum' || sub === 'urn'
        ? rest.find((a) => !a.startsWith('-'))
        : undefined
    const key = script ? `${prog} ${sub} ${script}` : subKey(prog, sub)
    return ask('unknown', 'medium', [`\`${key}\` runs the project's scripts or other programs`], key)
  }
  if (prog === 'yarn') {
    // `yarn <name>` runs the package.json script of that name.
    return ask('unknown', 'medium', [`\`yarn ${sub}\` runs the project's scripts or other programs`], subKey(prog, sub))
  }
  return asks('unknown', subKey(prog, sub), subKey(prog, sub))
}

function npx(args: string[], prog: string): PartVerdict {
  const idx = findSubcommand(args, ['-p', '--package', '-c', '--call'])
  const pkg = idx >= 0 ? args[idx] : undefined
  const inline = args.some((a) => a === '-c' || a === '--call')
  return ask(
    'unknown',
    'medium',
    [`\`${prog}\` downloads and runs a package's program`],
    inline ? null : subKey(prog, pkg)
  )
}

function pacman(args: string[], prog: string): PartVerdict {
  const op = args.find((a) => a.startsWith('-')) ?? ''
  const key = op ? `${prog} ${op}` : prog
  if (/^-Q[a-zA-Z]*$/.test(op) || /^-S[siql]+$/.test(op)) return safe('package_check', 'low', key)
  return asks('package_install', key, key)
}

function goTool(args: string[]): PartVerdict {
  const idx = findSubcommand(args, ['-C'])
  const sub = idx >= 0 ? args[idx] : undefined
  const key = subKey('go', sub)
  if (sub === 'version') return safe('system_info', 'none', key)
  if (sub === 'env' && !args.some((a) => a === '-w' || a === '-u')) return safe('system_info', 'none', key)
  if (sub === 'install' || sub === 'get') return asks('package_install', key, key)
  if (sub === 'mod' && args[idx + 1] === 'download') return asks('network', key, key)
  if (sub === 'fmt' || sub === 'mod') return asks('file_write', key, key)
  return ask('unknown', 'medium', [`\`${key}\` builds or runs code`], key)
}

const SUBCOMMANDS: Record<string, SubHandler> = {
  git,
  apt,
  'apt-get': apt,
  'apt-cache': apt,
  aptitude: apt,
  dpkg,
  'dpkg-query': () => safe('package_check', 'low', 'dpkg-query'),
  npm,
  pnpm: npm,
  yarn: npm,
  npx,
  pnpx: npx,
  bunx: npx,
  pacman,
  go: goTool,
  pip: table({
    valueOpts: [
      '--python',
      '--log',
      '--proxy',
      '--cache-dir',
      '--cert',
      '--client-cert',
      '--retries',
      '--timeout',
      '--exists-action',
      '--trusted-host'
    ],
    unsafeArgs: /^--(py|log)/, // --python runs another interpreter; --log writes a file
    safe: words('package_check', 'list show freeze check --version'),
    other: {
      ...words('package_install', 'install uninstall download'),
      ...words('file_write', 'wheel cache config'),
      ...words('network', 'search index')
    }
  }),
  pipx: table({
    safe: words('package_check', 'list'),
    other: {
      ...words(
        'package_install',
        'install uninstall upgrade upgrade-all reinstall reinstall-all inject uninject ensurepath'
      ),
      ...words('unknown', 'run')
    }
  }),
  gem: table({
    safe: words('package_check', 'list info search outdated query contents'),
    other: words('package_install', 'install uninstall update cleanup')
  }),
  conda: table({
    safe: words('package_check', 'list info search'),
    other: { ...words('package_install', 'install remove uninstall update upgrade create'), ...words('unknown', 'run') }
  }),
  brew: table({
    safe: words(
      'package_check',
      'list ls info search outdated config deps uses leaves desc home --version --prefix --cellar'
    ),
    other: {
      ...words(
        'package_install',
        'install reinstall uninstall remove rm upgrade update tap untap link unlink cleanup pin unpin autoremove bundle'
      ),
      ...words('process', 'services')
    }
  }),
  dnf: table({
    valueOpts: [
      '-c',
      '--config',
      '--repo',
      '--enablerepo',
      '--disablerepo',
      '--releasever',
      '--installroot',
      '--setopt'
    ],
    unsafeArgs: /^(-c|--config|--setopt|--installroot|--pluginpath|--enableplugin|--repofrompath)/,
    safe: words('package_check', 'list info search check-update repolist provides deplist repoquery'),
    fallback: 'package_install'
  }),
  yum: table({
    valueOpts: ['-c', '--config', '--enablerepo', '--disablerepo', '--releasever', '--installroot', '--setopt'],
    unsafeArgs: /^(-c|--config|--setopt|--installroot|--pluginpath|--enableplugin|--repofrompath)/,
    safe: words('package_check', 'list info search check-update repolist provides deplist'),
    fallback: 'package_install'
  }),
  zypper: table({
    safe: words('package_check', 'search se info if list-updates lu packages pa repos lr'),
    fallback: 'package_install'
  }),
  apk: table({
    safe: words('package_check', 'info list search policy'),
    fallback: 'package_install'
  }),
  snap: table({
    safe: words('package_check', 'list info find version changes'),
    other: {
      ...words('package_install', 'install remove refresh revert enable disable'),
      ...words('process', 'start stop restart'),
      ...words('unknown', 'run')
    },
    fallback: 'package_install'
  }),
  flatpak: table({
    safe: words('package_check', 'list info search remote-ls remotes history'),
    other: {
      ...words('package_install', 'install uninstall update remote-add remote-delete'),
      ...words('unknown', 'run')
    },
    fallback: 'package_install'
  }),
  cargo: table({
    valueOpts: ['-Z', '--config', '-C'],
    other: {
      ...words('package_install', 'install uninstall'),
      ...words('network', 'fetch publish search login'),
      ...words('file_write', 'add remove new init fmt clean update')
    }
  }),
  docker: table({
    valueOpts: ['-H', '--host', '-c', '--context', '--config', '-l', '--log-level'],
    safe: words('system_info', 'ps images version info'),
    other: {
      ...words('process', 'run exec start stop restart kill rm rmi pause unpause compose create'),
      ...words('network', 'pull push login logout search')
    }
  }),
  podman: table({
    safe: words('system_info', 'ps images version info'),
    other: {
      ...words('process', 'run exec start stop restart kill rm rmi pause unpause compose create'),
      ...words('network', 'pull push login logout search')
    }
  }),
  kubectl: table({
    valueOpts: ['-n', '--namespace', '--context', '--cluster', '--kubeconfig', '-s', '--server', '--user'],
    fallback: 'network'
  }),
  gh: table({ valueOpts: ['-R', '--repo'], fallback: 'network' }),
  systemctl: table({
    valueOpts: [
      '-H',
      '--host',
      '-M',
      '--machine',
      '-t',
      '--type',
      '-p',
      '--property',
      '-n',
      '--lines',
      '-o',
      '--output',
      '--state',
      '-s',
      '--signal',
      '--kill-whom',
      '--root'
    ],
    fallback: 'process'
  })
}

// ---------------------------------------------------------------------------------------------
// Other known programs (never read-only)

type OtherHandler = (args: string[], prog: string) => PartVerdict

const simple =
  (action: ActionType, risk?: RiskLevel, reason?: string): OtherHandler =>
  (_args, prog) =>
    ask(action, risk ?? DEFAULT_RISK[action], [reason ?? REASON[action](prog)], prog)

function rm(args: string[], prog: string): PartVerdict {
  const parsed = parseArgs(args)
  const recursive = parsed.opts.some((o) => o.name === '-r' || o.name === '-R' || longIs(o.name, 'recursive'))
  if (recursive) {
    // Its own key: "Always allow `rm`" must not quietly cover recursive deletion.
    return ask('file_write', 'high', ['`rm -r` deletes folders and everything in them'], `${prog} -r`)
  }
  return ask('file_write', 'medium', ['`rm` deletes files'], prog)
}

function rsync(args: string[], prog: string): PartVerdict {
  const remote = args.some((a) => !a.startsWith('-') && /^[^/]*:/.test(a))
  return remote ? asks('network', prog, prog) : asks('file_write', prog, prog)
}

const OTHER_PROGRAMS: Record<string, OtherHandler> = {
  rm,
  rsync,
  rmdir: simple('file_write'),
  mv: simple('file_write'),
  cp: simple('file_write'),
  touch: simple('file_write'),
  mkdir: simple('file_write'),
  chmod: simple('file_write', 'medium', '`chmod` changes file permissions'),
  chown: simple('file_write', 'medium', '`chown` changes who owns files'),
  chgrp: simple('file_write', 'medium', '`chgrp` changes which group owns files'),
  ln: simple('file_write'),
  tee: simple('file_write', 'medium', '`tee` writes its input to files'),
  truncate: simple('file_write'),
  install: simple('file_write'),
  unlink: simple('file_write', 'medium', '`unlink` deletes a file'),
  patch: simple('file_write'),
  tar: simple('file_write'),
  zip: simple('file_write'),
  unzip: simple('file_write'),
  gzip: simple('file_write'),
  gunzip: simple('file_write'),
  bzip2: simple('file_write'),
  bunzip2: simple('file_write'),
  xz: simple('file_write'),
  unxz: simple('file_write'),
  zstd: simple('file_write'),
  '7z': simple('file_write'),
  mkfifo: simple('file_write'),
  mknod: simple('file_write'),
  setfacl: simple('file_write'),
  chattr: simple('file_write'),
  rename: simple('file_write'),
  split: simple('file_write'),
  csplit: simple('file_write'),
  mktemp: simple('file_write'),
  xxd: simple('file_write', 'medium', '`xxd` can write to a file'),
  'ssh-keygen': simple('file_write'),
  shred: simple('file_write', 'high', '`shred` destroys file contents for good'),
  dd: simple('file_write', 'high', '`dd` writes raw data and can overwrite whole disks'),
  fdisk: simple('file_write', 'high', '`fdisk` changes disk partitions'),
  sfdisk: simple('file_write', 'high', '`sfdisk` changes disk partitions'),
  parted: simple('file_write', 'high', '`parted` changes disk partitions'),
  wipefs: simple('file_write', 'high', '`wipefs` erases disk signatures'),
  mkswap: simple('file_write', 'high', '`mkswap` formats a disk area'),
  curl: simple('network'),
  wget: simple('network'),
  ssh: simple('network'),
  scp: simple('network'),
  sftp: simple('network'),
  nc: simple('network'),
  ncat: simple('network'),
  netcat: simple('network'),
  socat: simple('network'),
  telnet: simple('network'),
  ftp: simple('network'),
  ping: simple('network'),
  ping6: simple('network'),
  traceroute: simple('network'),
  tracepath: simple('network'),
  mtr: simple('network'),
  dig: simple('network'),
  nslookup: simple('network'),
  host: simple('network'),
  whois: simple('network'),
  nmap: simple('network'),
  http: simple('network'),
  https: simple('network'),
  aria2c: simple('network'),
  'ssh-copy-id': simple('network'),
  aws: simple('network'),
  gcloud: simple('network'),
  az: simple('network'),
  kill: simple('process', 'medium', '`kill` stops or signals running programs'),
  pkill: simple('process', 'medium', '`pkill` stops running programs'),
  killall: simple('process', 'medium', '`killall` stops running programs'),
  xkill: simple('process'),
  service: simple('process'),
  crontab: simple('process', 'medium', '`crontab` schedules programs to run later'),
  at: simple('process', 'medium', '`at` schedules programs to run later'),
  batch: simple('process'),
  launchctl: simple('process'),
  renice: simple('process'),
  loginctl: simple('process'),
  reboot: simple('process', 'high', '`reboot` restarts the computer'),
  shutdown: simple('process', 'high', '`shutdown` turns the computer off'),
  poweroff: simple('process', 'high', '`poweroff` turns the computer off'),
  halt: simple('process', 'high', '`halt` stops the computer'),
  init: simple('process', 'high'),
  telinit: simple('process', 'high'),
  source: simple('unknown', 'medium', '`source` runs a script in the current shell'),
  '.': simple('unknown', 'medium', '`.` runs a script in the current shell'),
  make: simple('unknown', 'medium', '`make` runs the build commands in a Makefile')
}

/**
 * Shell builtins that can make the shell run other code later (a trap, a loaded builtin, a
 * remembered program path, a callback). They always ask and no rule may cover them.
 */
const CODE_BUILTINS: Record<string, string> = {
  trap: '`trap` sets a command the shell runs later',
  enable: '`enable` can load new shell builtins',
  hash: '`hash` can change which program a name runs',
  alias: '`alias` can change what a command name runs',
  fc: '`fc` re-runs commands from the history',
  mapfile: '`mapfile` can run a callback command',
  readarray: '`readarray` can run a callback command',
  complete: '`complete` can register commands to run',
  bind: '`bind` can register commands to run'
}

// ---------------------------------------------------------------------------------------------

/** Own properties only, so `constructor` or `toString` never look like table entries. */
function lookup<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)]
}
