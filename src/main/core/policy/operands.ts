/**
 * Which words of a part could name files: the operands the workspace check judges (see
 * confinement). Pure: no file system access.
 *
 * Every word that is not an option counts, and so does every `--opt=value` value and the
 * value of an option known to take a path. Words that are clearly not paths (a `head -n`
 * count, a `cut -d` delimiter, grep's pattern, sed's script) are skipped only where the
 * program's options are known well enough to be sure which word they are; anything else is
 * judged as a path, which at worst asks a person once too often.
 */
import { longIs } from './argv-options'
import { parseAwkArgs } from './awk-program'
import { sedReadings } from './file-read-checks'
import { scanSedScript } from './sed-script'
import { lookup } from './verdict'

export interface Operand {
  word: string
  /** The shell may expand it as a wildcard (unquoted `*`, `?`, `[…]`). */
  glob: boolean
}

export interface PartOperands {
  /** Words that may name files. */
  paths: Operand[]
  /** For `cd` / `pushd`: where it goes (`~` without an argument); null when Duck cannot tell. */
  cd?: string | null
  /** How the part follows symbolic links while walking folders (`grep -R`), if it does. */
  follows?: string
}

interface OperandSpec {
  /** Short options whose value is not a path (skipped). */
  short?: string
  /** Short options whose value is a path. */
  pathShort?: string
  /** Short options without a value (only needed for `pattern`). */
  flags?: string
  /** Long options (without `--`) whose value, given as the next word, is not a path. Exact. */
  long?: string[]
  /** Long options whose value is a path (GNU abbreviations count). */
  pathLong?: string[]
  /** Long options without a value (only needed for `pattern`). Exact. */
  longFlags?: string[]
  /** Long options with two values; true marks a value that is a path. Exact. */
  long2?: Record<string, [boolean, boolean]>
  /** Positionals are names, formats or numbers, never files. */
  noPositionals?: boolean
  /** The first positional is a pattern, filter or script, unless one of these options is given. */
  pattern?: string[]
}

const NO_OPERANDS: OperandSpec = { noPositionals: true }

// Value lists hold only options that take a value in GNU and BSD (macOS) versions alike: a
// flag taken for an option with a value would hide the next word from the check.
const GREP: OperandSpec = {
  short: 'ABDdem',
  pathShort: 'f',
  flags: 'EFGPiyvwxcLloqsbHhnTZzaIrRUuV0123456789',
  long: [
    'regexp',
    'max-count',
    'label',
    'binary-files',
    'devices',
    'directories',
    'exclude',
    'include',
    'exclude-dir',
    'group-separator'
  ],
  pathLong: ['file', 'exclude-from'],
  longFlags: [
    'extended-regexp',
    'fixed-strings',
    'basic-regexp',
    'perl-regexp',
    'ignore-case',
    'no-ignore-case',
    'invert-match',
    'word-regexp',
    'line-regexp',
    'count',
    'color',
    'colour',
    'files-without-match',
    'files-with-matches',
    'only-matching',
    'quiet',
    'silent',
    'no-messages',
    'byte-offset',
    'with-filename',
    'no-filename',
    'line-number',
    'line-buffered',
    'initial-tab',
    'null',
    'null-data',
    'text',
    'recursive',
    'dereference-recursive',
    'no-group-separator',
    'help',
    'version'
  ],
  pattern: ['-e', '--regexp', '-f', '--file']
}

const RIPGREP: OperandSpec = {
  short: 'ABCdEgjmMrtTe',
  pathShort: 'f',
  flags: 'bcFhHiIlLnNopPqsSuUvVwxza0.',
  long: [
    'after-context',
    'before-context',
    'context',
    'max-depth',
    'encoding',
    'glob',
    'iglob',
    'threads',
    'max-count',
    'max-columns',
    'replace',
    'type',
    'type-not',
    'type-add',
    'type-clear',
    'regexp',
    'sort',
    'sortr',
    'color',
    'colors',
    'context-separator',
    'field-context-separator',
    'field-match-separator',
    'path-separator',
    'max-filesize',
    'dfa-size-limit',
    'regex-size-limit',
    'engine',
    'pre-glob',
    'hyperlink-format'
  ],
  pathLong: ['file', 'ignore-file', 'pre', 'hostname-bin'],
  longFlags: [
    'byte-offset',
    'count',
    'count-matches',
    'fixed-strings',
    'follow',
    'hidden',
    'ignore-case',
    'smart-case',
    'case-sensitive',
    'invert-match',
    'line-number',
    'no-line-number',
    'line-regexp',
    'word-regexp',
    'files-with-matches',
    'files-without-match',
    'only-matching',
    'quiet',
    'no-ignore',
    'no-ignore-vcs',
    'no-ignore-dot',
    'no-ignore-parent',
    'no-messages',
    'no-heading',
    'heading',
    'with-filename',
    'no-filename',
    'pretty',
    'vimgrep',
    'json',
    'multiline',
    'multiline-dotall',
    'pcre2',
    'null',
    'null-data',
    'text',
    'binary',
    'column',
    'trim',
    'stats',
    'unrestricted',
    'search-zip',
    'passthru',
    'crlf',
    'no-config',
    'max-columns-preview',
    'one-file-system',
    'sort-files',
    'help',
    'version'
  ],
  pattern: ['-e', '--regexp', '-f', '--file', '--files', '--type-list']
}

const JQ: OperandSpec = {
  pathShort: 'fL',
  flags: 'nrjaseSCMcRhV',
  long: ['indent'],
  pathLong: ['from-file'],
  longFlags: [
    'null-input',
    'raw-input',
    'slurp',
    'compact-output',
    'raw-output',
    'raw-output0',
    'join-output',
    'ascii-output',
    'sort-keys',
    'color-output',
    'monochrome-output',
    'tab',
    'stream',
    'stream-errors',
    'seq',
    'exit-status',
    'unbuffered',
    'args',
    'jsonargs',
    'help',
    'version'
  ],
  long2: {
    arg: [false, false],
    argjson: [false, false],
    slurpfile: [false, true],
    rawfile: [false, true]
  },
  pattern: ['-f', '--from-file']
}

/** Programs whose operands are known well enough to skip some words. */
const SPECS: Record<string, OperandSpec> = {
  grep: GREP,
  egrep: GREP,
  fgrep: GREP,
  rg: RIPGREP,
  jq: JQ,
  head: { short: 'nc', long: ['lines', 'bytes'] },
  tail: { short: 'nc', long: ['lines', 'bytes', 'sleep-interval', 'pid', 'max-unchanged-stats'] },
  cut: { short: 'bcdf', long: ['bytes', 'characters', 'delimiter', 'fields', 'output-delimiter'] },
  sort: {
    short: 'ktS',
    pathShort: 'oT',
    long: ['key', 'field-separator', 'buffer-size', 'parallel', 'batch-size', 'sort'],
    pathLong: ['output', 'temporary-directory', 'files0-from', 'random-source', 'compress-program']
  },
  uniq: { short: 'fsw', long: ['skip-fields', 'skip-chars', 'check-chars'] },
  wc: { pathLong: ['files0-from'] },
  du: {
    short: 'dBt',
    pathShort: 'X',
    long: ['max-depth', 'block-size', 'threshold', 'exclude'],
    pathLong: ['exclude-from', 'files0-from']
  },
  ls: { long: ['ignore', 'hide', 'tabsize', 'width', 'block-size'] },
  dir: { long: ['ignore', 'hide', 'tabsize', 'width', 'block-size'] },
  tree: { short: 'LPIHT', pathShort: 'o', long: ['filelimit', 'timefmt', 'charset', 'sort'] },
  stat: { short: 'c', long: ['format', 'printf'] },
  file: { short: 'FeP', pathShort: 'fm', long: ['separator', 'exclude', 'exclude-quiet', 'parameter'] },
  nl: { short: 'bdfhilnsvw' },
  fold: { short: 'w', long: ['width'] },
  fmt: { short: 'w', long: ['width', 'goal', 'prefix'] },
  expand: { short: 't', long: ['tabs'] },
  unexpand: { short: 't', long: ['tabs'] },
  column: { short: 'cso' },
  paste: { short: 'd', long: ['delimiters'] },
  join: { short: 'aejotv12' },
  comm: { long: ['output-delimiter'] },
  od: { short: 'AjNt', long: ['address-radix', 'skip-bytes', 'read-bytes', 'format'] },
  hexdump: { short: 'ens', pathShort: 'f' },
  strings: { short: 'nt', long: ['bytes', 'radix', 'encoding', 'target', 'output-separator'] },
  cmp: { long: ['ignore-initial', 'bytes'] },
  diff: {
    short: 'xIL',
    pathShort: 'X',
    long: ['exclude', 'ignore-matching-lines', 'show-function-line', 'label', 'width', 'tabsize', 'ifdef'],
    pathLong: ['exclude-from', 'from-file', 'to-file']
  },
  base64: { short: 'w', pathShort: 'io', long: ['wrap'], pathLong: ['input', 'output'] },
  b2sum: { short: 'l', long: ['length'] },
  date: { short: 'd', pathShort: 'fr', long: ['date'], pathLong: ['file', 'reference'], noPositionals: true },
  lspci: { pathShort: 'ipF', noPositionals: true },
  lsusb: { pathShort: 'D', noPositionals: true },
  lscpu: { pathShort: 's', noPositionals: true },
  git: { pathShort: 'C', pathLong: ['git-dir', 'work-tree', 'output'] },
  dpkg: { pathLong: ['admindir', 'root', 'instdir'], noPositionals: true },
  'dpkg-query': { pathLong: ['admindir', 'root', 'instdir'], noPositionals: true },
  // Names, formats, numbers and text: never files.
  echo: NO_OPERANDS,
  printf: NO_OPERANDS,
  true: NO_OPERANDS,
  false: NO_OPERANDS,
  pwd: NO_OPERANDS,
  whoami: NO_OPERANDS,
  id: NO_OPERANDS,
  groups: NO_OPERANDS,
  tty: NO_OPERANDS,
  uname: NO_OPERANDS,
  arch: NO_OPERANDS,
  uptime: NO_OPERANDS,
  nproc: NO_OPERANDS,
  lsb_release: NO_OPERANDS,
  free: NO_OPERANDS,
  ps: NO_OPERANDS,
  w: NO_OPERANDS,
  which: NO_OPERANDS,
  type: NO_OPERANDS,
  locale: NO_OPERANDS,
  getconf: NO_OPERANDS,
  hostname: NO_OPERANDS,
  ip: NO_OPERANDS,
  basename: NO_OPERANDS,
  dirname: NO_OPERANDS,
  tr: NO_OPERANDS
}

/**
 * Programs whose words name things elsewhere (another host, a container, a cloud, a service, a
 * process), not files here. They always ask anyway; judging their words as paths would only
 * take away their rule keys.
 */
const ELSEWHERE = new Set([
  'ssh',
  'gh',
  'docker',
  'podman',
  'kubectl',
  'aws',
  'gcloud',
  'az',
  'systemctl',
  'service',
  'launchctl',
  'kill',
  'pkill',
  'killall',
  'ping',
  'ping6',
  'traceroute',
  'tracepath',
  'mtr',
  'dig',
  'nslookup',
  'host',
  'whois',
  'nmap',
  'telnet',
  'nc',
  'ncat',
  'netcat'
])

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1)
}

/** The words of one part that could name files. */
export function partOperands(argv: string[], globs: boolean[]): PartOperands {
  const prog = basename(argv[0] ?? '')
  const args = argv.slice(1)
  const argGlobs = globs.slice(1)
  if (prog === 'cd' || prog === 'pushd') return cdOperands(prog, args)
  if (prog === 'sed') return sedOperands(args, argGlobs)
  if (['awk', 'gawk', 'mawk', 'nawk'].includes(prog)) return awkOperands(args, argGlobs)
  if (ELSEWHERE.has(prog)) return { paths: [] }
  const spec = lookup(SPECS, prog) ?? {}
  const operands = genericOperands(args, argGlobs, spec)
  const follows = followsLinks(prog, args)
  return follows ? { ...operands, follows } : operands
}

function genericOperands(args: string[], globs: boolean[], spec: OperandSpec): PartOperands {
  const paths: Operand[] = []
  const positionals: { word: string; glob: boolean; index: number }[] = []
  let unknownOption = false
  let patternGiven = false
  let afterDashDash = false
  const pattern = spec.pattern ?? []
  const path = (word: string | undefined): void => {
    if (word !== undefined) paths.push({ word, glob: false })
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (afterDashDash || arg === '-' || !arg.startsWith('-')) {
      positionals.push({ word: arg, glob: globs[i] ?? false, index: i })
      continue
    }
    if (arg === '--') {
      afterDashDash = true
      continue
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      const name = eq >= 0 ? arg.slice(0, eq) : arg
      const body = name.slice(2)
      if (pattern.some((p) => p.startsWith('--') && longIs(name, p.slice(2)))) patternGiven = true
      if (eq >= 0) {
        path(arg.slice(eq + 1)) // every `--opt=value` value is judged
        const two = spec.long2 && lookup(spec.long2, body)
        if (two) {
          if (two[1]) path(args[i + 1])
          i++
        }
        continue
      }
      const two = spec.long2 && lookup(spec.long2, body)
      if ((spec.pathLong ?? []).some((full) => longIs(name, full))) {
        path(args[++i])
      } else if (two) {
        if (two[0]) path(args[i + 1])
        if (two[1]) path(args[i + 2])
        i += 2
      } else if ((spec.long ?? []).includes(body)) {
        // After an operand, BSD programs (which stop at the first operand) read this as a file.
        if (positionals.length > 0) path(args[i + 1])
        i++
      } else if (!(spec.longFlags ?? []).includes(body)) {
        unknownOption = true
      }
      continue
    }
    // A cluster of short options (`-rn`, `-A3`, `-f/etc/x`).
    let consumed = false
    let unknownHere = false
    for (let j = 1; j < arg.length; j++) {
      const c = arg[j] as string
      const rest = arg.slice(j + 1)
      if (pattern.includes('-' + c)) patternGiven = true
      if ((spec.pathShort ?? '').includes(c)) {
        path(rest !== '' ? rest : args[++i])
        consumed = true
        break
      }
      if ((spec.short ?? '').includes(c)) {
        if (rest === '') {
          // After an operand, BSD programs (which stop at the first operand) read this as a file.
          if (positionals.length > 0) path(args[i + 1])
          i++
        }
        consumed = true
        break
      }
      if (!(spec.flags ?? '').includes(c)) {
        unknownOption = true
        unknownHere = true
      }
    }
    // An unknown option may carry an attached path (`-X/etc/x`): judge what follows a `/` or `~`.
    if (unknownHere && !consumed) {
      const at = arg.search(/[/~]/)
      if (at > 0) path(arg.slice(at))
    }
  }
  if (!spec.noPositionals) {
    // The pattern is skipped only when it is surely the first word that is not an option:
    // no unknown option (whose value it could be) and no option value before it.
    const firstWord = args.findIndex((a) => a === '-' || !a.startsWith('-') || a === '--')
    const firstIndex = args[firstWord] === '--' ? firstWord + 1 : firstWord
    const skipFirst = pattern.length > 0 && !patternGiven && !unknownOption && positionals[0]?.index === firstIndex
    for (const p of skipFirst ? positionals.slice(1) : positionals) {
      paths.push({ word: p.word, glob: p.glob })
      // `NAME=~/x` gets tilde expansion after the `=` (bash does this for arguments too).
      const assignment = /^[A-Za-z_][A-Za-z0-9_]*=(.*)$/s.exec(p.word)
      if (assignment) paths.push({ word: assignment[1] as string, glob: p.glob })
    }
  }
  return { paths }
}

function cdOperands(prog: string, args: string[]): PartOperands {
  const positionals: string[] = []
  let afterDashDash = false
  for (const arg of args) {
    if (afterDashDash || arg === '-' || !arg.startsWith('-') || /^[-+][0-9]+$/.test(arg)) positionals.push(arg)
    else if (arg === '--') afterDashDash = true
  }
  const target = positionals[0]
  if (prog === 'pushd') {
    // No argument swaps the top two folders; `+N` / `-N` rotate the stack: Duck cannot tell.
    if (target === undefined || /^[-+][0-9]+$/.test(target)) return { paths: [], cd: null }
  }
  if (target === '-') return { paths: [], cd: null } // the previous folder
  const cd = target ?? '~'
  return { paths: [{ word: cd, glob: false }], cd }
}

function sedOperands(args: string[], globs: boolean[]): PartOperands {
  const paths: Operand[] = []
  const globAt = new Map(args.map((a, i) => [a, globs[i] ?? false]))
  for (const reading of sedReadings(args)) {
    for (const file of reading.files) paths.push({ word: file, glob: globAt.get(file) ?? false })
    for (const file of reading.scriptFiles) paths.push({ word: file, glob: false })
    // `r FILE`, `R FILE`, `w FILE` in the script.
    for (const file of scanSedScript(reading.scripts.join('\n')).files) paths.push({ word: file, glob: false })
  }
  for (const arg of args) {
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1
    if (eq >= 0) paths.push({ word: arg.slice(eq + 1), glob: false })
  }
  const seen = new Set<string>()
  return { paths: paths.filter((p) => (seen.has(p.word) ? false : (seen.add(p.word), true))) }
}

/** awk: every operand after the program is a file (or a `name=value` assignment), dashes or not. */
function awkOperands(args: string[], globs: boolean[]): PartOperands {
  const parsed = parseAwkArgs(args)
  const start = args.length - parsed.operands.length
  const paths: Operand[] = parsed.operands.map((word, k) => ({ word, glob: globs[start + k] ?? false }))
  for (const word of parsed.operands) {
    const assignment = /^[A-Za-z_][A-Za-z0-9_]*=(.*)$/s.exec(word)
    if (assignment) paths.push({ word: assignment[1] as string, glob: false })
  }
  return { paths }
}

/** Short options of `args` (clusters before `--`), for flag checks. */
function shortFlags(args: string[]): string {
  let out = ''
  for (const arg of args) {
    if (arg === '--') break
    if (arg.startsWith('-') && !arg.startsWith('--')) out += arg.slice(1)
  }
  return out
}

function hasLong(args: string[], full: string): boolean {
  return args.some((a) => a.startsWith('--') && longIs(a.split('=')[0] as string, full))
}

/** Whether the part walks folders following symbolic links, and how it is asked to. */
function followsLinks(prog: string, args: string[]): string | undefined {
  const flags = shortFlags(args)
  switch (prog) {
    case 'grep':
    case 'egrep':
    case 'fgrep':
      return flags.includes('R') || hasLong(args, 'dereference-recursive') ? `${prog} -R` : undefined
    case 'rg':
      return flags.includes('L') || hasLong(args, 'follow') ? 'rg -L' : undefined
    case 'find':
      return args.includes('-L') || args.includes('-follow') ? 'find -L' : undefined
    case 'tree':
      return flags.includes('l') ? 'tree -l' : undefined
    case 'ls':
    case 'dir':
      return (flags.includes('L') || hasLong(args, 'dereference')) &&
        (flags.includes('R') || hasLong(args, 'recursive'))
        ? `${prog} -RL`
        : undefined
    case 'du':
      return flags.includes('L') || hasLong(args, 'dereference') ? 'du -L' : undefined
    case 'diff':
      // GNU diff follows symbolic links while it walks unless told not to.
      return (flags.includes('r') || hasLong(args, 'recursive')) && !hasLong(args, 'no-dereference')
        ? 'diff -r'
        : undefined
    default:
      return undefined
  }
}
