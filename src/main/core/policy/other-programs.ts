/**
 * Known programs that are never read-only (they change files, use the network or control
 * processes), and shell builtins that can make the shell run other code later. Naming them
 * gives the approval card a precise action type, risk and reason.
 */
import type { ActionType, RiskLevel } from '../../../shared/events'
import { longIs, parseArgs } from './argv-options'
import type { PartVerdict } from './verdict'
import { ask, asks, DEFAULT_RISK, REASON, safe } from './verdict'

export type OtherHandler = (args: string[], prog: string) => PartVerdict

const simple =
  (action: ActionType, risk?: RiskLevel, reason?: string): OtherHandler =>
  (_args, prog) =>
    ask(action, risk ?? DEFAULT_RISK[action], [reason ?? REASON[action](prog)], prog)

/**
 * `xxd file` only prints a hex dump. xxd reads its options its own way: a word starting with
 * `-` is an option (`--cols` is `-cols`, any `-c…` is `-c`), options end at the first other word
 * or `--`, and from there every word is a file: a second one is the file xxd writes. `-r` turns
 * a dump back into bytes. Only display options with their values pass.
 */
function xxd(args: string[], prog: string): PartVerdict {
  const writes = ask('file_write', 'medium', ['`xxd` can write to a file (a second file name, or `-r`)'], prog)
  const withValue = /^-(c|cols|g|groupsize|l|len|n|name|o|offset|s|seek|R)$/
  const display =
    /^-(a|autoskip|b|bits|C|capitalize|E|EBCDIC|e|i|include|p|ps|postscript|plain|u|uppercase|d|decimal|h|help|v|version|[cglos][0-9+-]*[0-9]|[cglos]|cols|len|seek|groupsize|offset|name|R)$/
  let i = 0
  for (; i < args.length; i++) {
    const raw = args[i] as string
    if (raw === '--') {
      i++
      break
    }
    const arg = raw.startsWith('--') && raw.length > 2 ? raw.slice(1) : raw
    if (!arg.startsWith('-') || arg === '-') break
    if (!display.test(arg)) return writes
    if (withValue.test(arg)) i++
  }
  const operands = args.slice(i)
  return operands.length <= 1 ? safe('file_read', 'low', prog) : writes
}

function rm(args: string[], prog: string): PartVerdict {
  const parsed = parseArgs(args)
  const recursive = parsed.opts.some((o) => o.name === '-r' || o.name === '-R' || longIs(o.name, 'recursive'))
  if (recursive) {
    // Its own key: "Always allow `rm`" must not quietly cover recursive deletion.
    return ask('file_write', 'high', ['`rm -r` deletes folders and everything in them'], `${prog} -r`)
  }
  return ask('file_write', 'medium', ['`rm` deletes files'], prog)
}

/** Letters of the single-dash option clusters in `args` (the first word too, for `tar xzf`). */
function shortLetters(args: string[], firstBundled = false): string {
  let out = ''
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === '--') break
    if (arg.startsWith('-') && !arg.startsWith('--')) out += arg.slice(1)
    else if (i === 0 && firstBundled && !arg.startsWith('-')) out += arg
  }
  return out
}

/** The `--long` option among `args` that is (an abbreviation of) one of `names`. */
function longAmong(args: string[], names: string[]): string | undefined {
  for (const arg of args) {
    if (arg === '--') return undefined
    const name = arg.split('=')[0] as string
    if (arg.startsWith('--') && names.some((full) => longIs(name, full))) return name
  }
  return undefined
}

/** A verdict for a call that runs another program: it asks and no rule may cover it. */
function runsOther(prog: string, how: string, action: ActionType = 'unknown'): PartVerdict {
  return ask(action, 'medium', [`\`${prog} ${how}\` runs another program`], null)
}

const TAR_RUNS = [
  'to-command',
  'checkpoint-action',
  'use-compress-program',
  'info-script',
  'new-volume-script',
  'rsh-command',
  'rmt-command'
]

function tar(args: string[], prog: string): PartVerdict {
  const long = longAmong(args, TAR_RUNS)
  if (long) return runsOther(prog, long, 'file_write')
  const letters = shortLetters(args, true)
  if (letters.includes('I')) return runsOther(prog, '-I', 'file_write')
  if (letters.includes('F')) return runsOther(prog, '-F', 'file_write')
  return asks('file_write', prog, prog)
}

function zip(args: string[], prog: string): PartVerdict {
  const long = longAmong(args, ['test', 'unzip-command'])
  if (long) return runsOther(prog, long, 'file_write')
  if (shortLetters(args).includes('T')) return runsOther(prog, '-T', 'file_write')
  return asks('file_write', prog, prog)
}

function rsync(args: string[], prog: string): PartVerdict {
  const remote = args.some((a) => !a.startsWith('-') && /^[^/]*:/.test(a))
  const action = remote ? 'network' : 'file_write'
  const long = longAmong(args, ['rsh', 'rsync-path', 'remote-option'])
  if (long) return runsOther(prog, long, action)
  const letters = shortLetters(args)
  if (letters.includes('e')) return runsOther(prog, '-e', action)
  if (letters.includes('M')) return runsOther(prog, '-M', action)
  return asks(action, prog, prog)
}

/**
 * ssh, scp and sftp: options that name a configuration, a proxy or a program make them run
 * local programs (`-o ProxyCommand=…`, `-o LocalCommand=…`, `-F config`, `-J host`, `-S prog`,
 * `-I pkcs11`, sftp's `-b batch` with `!cmd`, `-D server`). Such calls have no rule key.
 */
const SSH_RUNS: Record<string, string> = { ssh: 'oSFJI', scp: 'oSFJD', sftp: 'oSFJDb' }

function sshFamily(args: string[], prog: string): PartVerdict {
  const letters = shortLetters(args)
  const risky = [...(SSH_RUNS[prog] ?? '')].find((c) => letters.includes(c))
  if (risky) {
    return ask(
      'network',
      'medium',
      [`\`${prog} -${risky}\` can make ${prog} run other programs on this computer`],
      null
    )
  }
  return asks('network', prog, prog)
}

function make(args: string[], prog: string): PartVerdict {
  const base = `\`${prog}\` runs the build commands in a Makefile`
  // Another makefile, extra makefile text, include folders or variables change what runs.
  const long = longAmong(args, ['file', 'makefile', 'eval', 'include-dir', 'environment-overrides'])
  const letters = shortLetters(args)
  const assignment = args.find((a) => /^[A-Za-z_][A-Za-z0-9_.]*[:+?!]?=/.test(a))
  if (long || /[fEIe]/.test(letters) || assignment !== undefined) {
    return ask('unknown', 'medium', [base, 'it is given another makefile, makefile text or variables'], null)
  }
  const words: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === '-C' || arg === '--directory') {
      words.push(`-C ${args[++i] ?? ''}`)
    } else if (arg.startsWith('-C')) {
      words.push(`-C ${arg.slice(2)}`)
    } else if (arg.startsWith('--directory=')) {
      words.push(`-C ${arg.slice('--directory='.length)}`)
    } else if (/^-[oWlj]$/.test(arg) || /^--(old-file|what-if|new-file|assume-old|assume-new)$/.test(arg)) {
      if (/^-[oW]$/.test(arg) || arg.startsWith('--')) i++
    } else if (!arg.startsWith('-') && !/^[0-9]+$/.test(arg)) {
      words.push(arg)
    }
  }
  // The key names the folder and targets: a rule for `make test` never covers `make deploy`.
  return ask('unknown', 'medium', [base], [prog, ...words].join(' '))
}

function man(args: string[], prog: string): PartVerdict {
  const long = longAmong(args, ['pager', 'html', 'browser', 'preprocessor'])
  const letters = shortLetters(args)
  if (long || /[PHB]/.test(letters)) return runsOther(prog, long ?? '-P', 'file_read')
  return asks('file_read', prog, prog)
}

/** Interactive viewers and editors: they can change files and run commands (`!cmd`, `:!cmd`). */
const viewer =
  (action: ActionType, what: string): OtherHandler =>
  (_args, prog) =>
    ask(action, 'medium', [`\`${prog}\` ${what}`], null)

const pager = viewer('file_read', 'is an interactive viewer that can run commands (`!cmd`)')
const editor = viewer('file_write', 'is an editor: it changes files and can run commands')

function printenv(_args: string[], prog: string): PartVerdict {
  return ask(
    'system_info',
    'medium',
    [`\`${prog}\` shows environment variables, which can hold secrets such as API keys`],
    null
  )
}

function set(args: string[], prog: string): PartVerdict {
  if (args.length === 0) return printenv(args, prog)
  return ask('unknown', 'medium', ['`set` changes how the shell runs the rest of the command'], null)
}

export const OTHER_PROGRAMS: Record<string, OtherHandler> = {
  rm,
  rsync,
  tar,
  zip,
  make,
  man,
  printenv,
  set,
  ssh: sshFamily,
  scp: sshFamily,
  sftp: sshFamily,
  less: pager,
  more: pager,
  most: pager,
  pg: pager,
  vi: editor,
  vim: editor,
  nvim: editor,
  view: editor,
  vimdiff: editor,
  ex: editor,
  ed: editor,
  nano: editor,
  pico: editor,
  emacs: editor,
  micro: editor,
  joe: editor,
  mg: editor,
  kak: editor,
  hx: editor,
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
  xxd,
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
  '.': simple('unknown', 'medium', '`.` runs a script in the current shell')
}

/**
 * Shell builtins that can make the shell run other code later (a trap, a loaded builtin, a
 * remembered program path, a callback). They always ask and no rule may cover them.
 */
export const CODE_BUILTINS: Record<string, string> = {
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
