/**
 * Programs that run other code: privileged programs (`sudo`, `su`, …), shells, interpreters
 * and wrappers (`xargs`, `env`, `timeout`, …). None of them is ever safe on its own; where the
 * inner command can be found, its verdict is folded in (see nested-commands).
 */
import type { OptSpec } from './argv-options'
import { longIs, parseArgs, wrappedArgv } from './argv-options'
import type { Nesting } from './nested-commands'
import { awkProblem } from './awk-program'
import { innerArgv, innerString, MAX_DEPTH } from './nested-commands'
import type { PartVerdict } from './verdict'
import { ask, lookup, safe } from './verdict'

export const PRIVILEGED = new Set(['sudo', 'sudoedit', 'su', 'pkexec', 'doas', 'run0'])

export async function privileged(prog: string, args: string[], nest: Nesting): Promise<PartVerdict> {
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
    return innerString(cmd?.value, nest, base)
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
  return innerArgv(inner, nest, base)
}

export const SHELLS = new Set(['bash', 'sh', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'fish', 'csh', 'tcsh', 'busybox'])

export async function shell(prog: string, args: string[], nest: Nesting): Promise<PartVerdict> {
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
      nest,
      ask('unknown', 'medium', [`\`${prog} -c\` runs a command string in a new shell`], null)
    )
  }
  if (firstFile === undefined || fromInput) {
    return ask('unknown', 'medium', [`\`${prog}\` runs shell commands it reads from its input`], null)
  }
  return ask('unknown', 'medium', [`\`${prog}\` runs the script \`${firstFile}\``], prog)
}

/** Interpreters and the options that pass program text on the command line. */
export const INTERPRETERS: Record<string, string[]> = {
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

export async function interpreter(prog: string, args: string[], nest: Nesting): Promise<PartVerdict> {
  if (/^python[0-9.]*$/.test(prog)) {
    const m = args.indexOf('-m')
    if (m >= 0 && args[m + 1] === 'pip' && nest.depth < MAX_DEPTH) {
      // `-m` looks the module up in the current folder first: a `pip.py` or `pip/` in the
      // workspace would run instead of pip. Even pip's lookups ask.
      const inner = await nest.classify(['pip', ...args.slice(m + 2)], [], nest.depth + 1)
      const reason = `\`${prog} -m pip\` runs a \`pip\` module from the current folder first, if there is one`
      return {
        ...inner,
        safe: false,
        risk: inner.safe ? 'medium' : inner.risk,
        reasons: inner.safe ? [reason] : inner.reasons,
        key: inner.key === null ? null : `${prog} -m ${inner.key}`
      }
    }
    // `-m module` runs that module: its own key, so a rule for one script never covers it.
    const module = args.find((a) => /^-[a-zA-Z]*m/.test(a) && !a.startsWith('--'))
    if (module !== undefined) {
      const name = module.endsWith('m') ? args[args.indexOf(module) + 1] : module.slice(module.indexOf('m') + 1)
      const inline = args.some((a) => /^-[a-zA-Z]*c/.test(a) && !a.startsWith('--'))
      return ask(
        'unknown',
        'medium',
        [`\`${prog} -m\` runs the module \`${name ?? ''}\``],
        name === undefined || inline ? null : `${prog} -m ${name}`
      )
    }
  }
  // Asking a runtime its version runs no code of anyone's (version-manager files in the
  // workspace that could pick another program are judged with the files, see workspace-config).
  if (args.length === 1 && versionFlag(prog, args[0] as string)) {
    return safe('system_info', 'none', `${prog} --version`)
  }
  if (['node', 'nodejs', 'bun', 'deno'].includes(prog)) {
    // Preloaded modules and loaders run before the script: no rule may cover them.
    const preload = args.find((a) => /^(-r|--require|--import|--loader|--experimental-loader)(=|$)/.test(a))
    if (preload !== undefined) {
      return ask('unknown', 'medium', [`\`${prog} ${preload.split('=')[0] ?? ''}\` loads other code first`], null)
    }
  }
  if (['awk', 'gawk', 'mawk', 'nawk'].includes(prog)) {
    // A print-only program (see awk-program) with plain options only reads: the files it reads
    // are judged as operands like any reader's.
    const problem = awkProblem(args)
    if (problem === null) return safe('file_read', 'low', prog)
    // A program that could run a command, write a file, read the environment or load code has
    // no key; one that only calls a function Duck does not know keeps the program's key.
    const covered = /does not know the awk function|division from a regular expression/.test(problem)
    return ask('unknown', 'medium', [`\`${prog}\` runs an awk program`, problem], covered ? prog : null)
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

export const WRAPPERS: Record<string, WrapperSpec> = {
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

export async function wrapper(prog: string, args: string[], nest: Nesting): Promise<PartVerdict> {
  const spec = lookup(WRAPPERS, prog) as WrapperSpec
  if (prog === 'command' && (args[0] === '-v' || args[0] === '-V')) {
    return safe('system_info', 'none', 'command')
  }
  const base = ask('unknown', 'medium', [`\`${prog}\` ${spec.what}`], null)
  if (spec.joined) {
    const rest = prog === 'eval' ? args : wrappedArgv(args, spec)
    return innerString(rest?.join(' '), nest, base)
  }
  return innerArgv(wrappedArgv(args, spec, spec.skip ?? 0, spec.assignments ?? false), nest, base)
}

/** `--version` and the short flags each runtime prints its version with (and nothing else). */
function versionFlag(prog: string, flag: string): boolean {
  if (/^python[0-9.]*$/.test(prog)) return flag === '--version' || flag === '-V'
  if (['node', 'nodejs', 'bun', 'deno'].includes(prog)) return flag === '--version' || flag === '-v'
  if (prog === 'perl' || prog === 'ruby') return flag === '--version' || flag === '-v'
  return false
}
