/**
 * Argument checks for read-only file tools that have options which write files or run other
 * programs (`sort -o`, `rg --pre`, `find -exec`, `sed -i`, …). Each returns a verdict when the
 * call is unsafe, null when it only reads.
 */
import { hasOpt, longIs, parseArgs } from './argv-options'
import type { Nesting } from './nested-commands'
import { innerArgv } from './nested-commands'
import { jqProgramProblem, parseJqArgs } from './jq-program'
import type { SedScriptVerdict } from './sed-script'
import { scanSedScript } from './sed-script'
import type { PartVerdict } from './verdict'
import { ask } from './verdict'

export function checkFile(args: string[]): PartVerdict | null {
  const parsed = parseArgs(args, {
    short: 'efFmP',
    long: ['exclude', 'exclude-quiet', 'files-from', 'separator', 'magic-file', 'parameter']
  })
  return hasOpt(parsed, 'C', ['compile'])
    ? ask('file_write', 'medium', ['`file -C` writes a compiled magic file'], 'file -C')
    : null
}

export function checkUniq(args: string[]): PartVerdict | null {
  const parsed = parseArgs(args, { short: 'fsw', long: ['skip-fields', 'skip-chars', 'check-chars'] })
  return parsed.positionals.length > 1
    ? ask('file_write', 'medium', ['`uniq` with two file names writes its output to the second'], 'uniq')
    : null
}

export function checkTree(args: string[]): PartVerdict | null {
  for (const arg of args) {
    if (arg.startsWith('--') ? arg.startsWith('--o') : arg.startsWith('-') && /[oR]/.test(arg)) {
      return ask('file_write', 'medium', ['`tree -o` / `tree -R` write output files'], 'tree')
    }
  }
  return null
}

export function checkSort(args: string[]): PartVerdict | null {
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

export function checkRipgrep(args: string[]): PartVerdict | null {
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

export async function checkFind(args: string[], _prog: string, nest: Nesting): Promise<PartVerdict | null> {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (FIND_EXEC.has(arg)) {
      let end = i + 1
      while (end < args.length && args[end] !== ';' && args[end] !== '+') end++
      const inner = args.slice(i + 1, end)
      return innerArgv(
        inner,
        nest,
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
  const unknown = findUnknownPrimary(args)
  if (unknown !== null) {
    return ask('file_read', 'medium', [`\`find ${unknown}\` is not one of the tests Duck knows to be harmless`], null)
  }
  return null
}

/** find's tests and actions that only read, with how many words each takes. */
const FIND_PRIMARIES: Record<string, number> = Object.fromEntries([
  ...`name iname path ipath wholename iwholename regex iregex regextype type xtype size mtime mmin atime
      amin ctime cmin newer anewer cnewer used perm user group uid gid links inum samefile lname ilname
      maxdepth mindepth fstype context printf`
    .split(/\s+/)
    .map((p) => [`-${p}`, 1] as const),
  ...`print print0 ls prune quit true false empty readable writable executable nouser nogroup depth mount
      xdev noleaf follow daystart ignore_readdir_race noignore_readdir_race not a and o or d help
      version nowarn warn`
    .split(/\s+/)
    .map((p) => [`-${p}`, 0] as const)
])

/**
 * The first word of find's expression that is not a known harmless test, action or operator
 * (`-files0-from`, which reads the folders to walk from a file, among them), or null.
 */
function findUnknownPrimary(args: string[]): string | null {
  let i = 0
  // Leading options: -H, -L, -P (symbolic links), -D debug options, -O level; BSD -E -X -s -x.
  for (; i < args.length; i++) {
    const arg = args[i] as string
    if (/^-[HLPEXsx]$/.test(arg) || /^-O[0-9]$/.test(arg)) continue
    if (arg === '-D') {
      i++
      continue
    }
    break
  }
  // Starting points, then the expression.
  while (i < args.length && !(args[i] as string).startsWith('-') && !['(', ')', '!', ','].includes(args[i] as string)) {
    i++
  }
  for (; i < args.length; i++) {
    const arg = args[i] as string
    if (['(', ')', '!', ','].includes(arg)) continue
    if (/^-newer[aBcmt][aBcmt]$/.test(arg)) {
      i++
      continue
    }
    const count = Object.hasOwn(FIND_PRIMARIES, arg) ? FIND_PRIMARIES[arg] : undefined
    if (count === undefined) return arg
    i += count
  }
  return null
}

const SED_LONG_FLAGS = [
  'quiet',
  'silent',
  'regexp-extended',
  'separate',
  'null-data',
  'zero-terminated',
  'unbuffered',
  'posix',
  'debug',
  'sandbox',
  'follow-symlinks',
  'binary',
  'help',
  'version'
]

/** One reading of a sed command line. */
export interface SedArgs {
  /** Scripts given with `-e` / `--expression`, or the first operand when there is none. */
  scripts: string[]
  /** Script files given with `-f` / `--file`. */
  scriptFiles: string[]
  /** The input files. */
  files: string[]
  inPlace: boolean
  quiet: boolean
  /** An option Duck does not know. */
  unknown: string | null
}

/**
 * Parses sed's arguments. GNU sed takes `-i`'s suffix only attached (`-i.bak`); BSD sed takes
 * the next word (`-i ''`). `bsdInPlace` picks the reading; callers check both.
 */
export function parseSedArgs(args: string[], bsdInPlace: boolean): SedArgs {
  const out: SedArgs = { scripts: [], scriptFiles: [], files: [], inPlace: false, quiet: false, unknown: null }
  const positionals: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === '--') {
      positionals.push(...args.slice(i + 1))
      break
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      const name = eq >= 0 ? arg.slice(0, eq) : arg
      const value = (): string => (eq >= 0 ? arg.slice(eq + 1) : (args[++i] ?? ''))
      if (longIs(name, 'in-place')) out.inPlace = true
      else if (longIs(name, 'file')) out.scriptFiles.push(value())
      else if (longIs(name, 'expression')) out.scripts.push(value())
      else if (longIs(name, 'line-length')) value()
      else if (SED_LONG_FLAGS.some((f) => longIs(name, f))) {
        if (longIs(name, 'quiet') || longIs(name, 'silent')) out.quiet = true
      } else out.unknown ??= name
      continue
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const c = arg[j] as string
        const rest = arg.slice(j + 1)
        // GNU sed's `-l N` takes a value; BSD sed's `-l` (line-buffered output) does not.
        if (c === 'e' || c === 'f' || (c === 'l' && !bsdInPlace)) {
          const value = rest !== '' ? rest : (args[++i] ?? '')
          if (c === 'e') out.scripts.push(value)
          if (c === 'f') out.scriptFiles.push(value)
          break
        }
        if (c === 'i' || c === 'I') {
          out.inPlace = true
          if (rest === '' && bsdInPlace) i++
          break
        }
        if (c === 'n') out.quiet = true
        else if (!(bsdInPlace ? 'Ealru' : 'Ersuz').includes(c)) out.unknown ??= `-${c}`
      }
      continue
    }
    positionals.push(arg)
  }
  if (out.scripts.length === 0 && out.scriptFiles.length === 0) {
    const script = positionals.shift()
    out.scripts.push(script ?? '')
  }
  out.files = positionals
  return out
}

/** BSD sed (macOS, the BSDs) takes `-i`'s suffix as the next word; GNU and busybox sed do not. */
const BSD_SED = process.platform === 'darwin' || process.platform === 'freebsd' || process.platform === 'openbsd'

/** Both readings of a sed command line, this system's first. */
export function sedReadings(args: string[]): [SedArgs, SedArgs] {
  return [parseSedArgs(args, BSD_SED), parseSedArgs(args, !BSD_SED)]
}

const SED_DANGER: readonly SedScriptVerdict[] = ['safe', 'write', 'unknown', 'exec']

/**
 * sed may run without a person only with `-n` and a script that neither writes nor runs
 * commands. Keys: none when the script runs commands or cannot be checked, `sed -i` for
 * in-place edits, `sed w` for scripts that write files, `sed` for the rest. A script that
 * runs commands in the other reading of `-i` (GNU or BSD) counts as running commands.
 */
export function checkSed(args: string[]): PartVerdict | null {
  const readings = sedReadings(args)
  if (readings.some((r) => r.scriptFiles.length > 0)) {
    return ask('unknown', 'medium', ['`sed -f` runs a script from a file, which Duck cannot check'], null)
  }
  // sed joins its `-e` scripts with newlines into one script; both readings of the options
  // (GNU and BSD) are read and the more dangerous one counts.
  let verdict: SedScriptVerdict = 'safe'
  let quiet = false
  for (const [n, reading] of readings.entries()) {
    const scan = scanSedScript(reading.scripts.join('\n'))
    // The other reading only matters for what it would run or write: a script it cannot read
    // (the `-i` suffix taken for the script) is not this system's script.
    const counts = n === 0 || scan.verdict === 'exec' || scan.verdict === 'write'
    if (counts && SED_DANGER.indexOf(scan.verdict) > SED_DANGER.indexOf(verdict)) verdict = scan.verdict
    if (n === 0) quiet = reading.quiet || scan.quiet
  }
  const inPlace = readings.some((r) => r.inPlace)
  const action = inPlace || verdict === 'write' ? 'file_write' : 'file_read'
  if (verdict === 'exec') return ask('unknown', 'medium', ['the sed script runs shell commands (`e`)'], null)
  if (verdict === 'unknown') return ask(action, inPlace ? 'medium' : 'low', ['Duck cannot check this sed script'], null)
  // An option only this system's sed would not know (the other reading is for scripts only).
  const unknownOpt = readings[0].unknown
  if (unknownOpt) {
    return ask(action, inPlace ? 'medium' : 'low', [`Duck does not know the sed option \`${unknownOpt}\``], null)
  }
  if (inPlace && verdict === 'write') {
    return ask(
      'file_write',
      'medium',
      ['`sed -i` changes files in place', 'the sed script writes to a file (`w`)'],
      null
    )
  }
  if (inPlace) return ask('file_write', 'medium', ['`sed -i` changes files in place'], 'sed -i')
  if (verdict === 'write') return ask('file_write', 'medium', ['the sed script writes to a file (`w`)'], 'sed w')
  if (!quiet) {
    return ask('file_read', 'low', ['`sed` only runs without a person when used with `-n`'], 'sed')
  }
  return null
}

/**
 * jq may run without a person only with options that shape input and output and a program
 * whose every function is a pure builtin (see jq-program): the environment, modules, a program
 * from a file and options Duck does not know ask, and no rule may cover them.
 */
export function checkJq(args: string[]): PartVerdict | null {
  const parsed = parseJqArgs(args)
  if (parsed.refused !== null) {
    const fromFile = /^(-[a-zA-Z]*f|--from-file)/.test(parsed.refused)
    return ask(
      'unknown',
      'medium',
      [
        fromFile
          ? '`jq -f` runs a jq program from a file, which Duck cannot check'
          : `Duck does not know the jq option \`${parsed.refused}\``
      ],
      null
    )
  }
  const problem = jqProgramProblem(parsed.program ?? '.')
  return problem === null ? null : ask('file_read', 'medium', [problem], null)
}
