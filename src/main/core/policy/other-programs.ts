/**
 * Known programs that are never read-only (they change files, use the network or control
 * processes), and shell builtins that can make the shell run other code later. Naming them
 * gives the approval card a precise action type, risk and reason.
 */
import type { ActionType, RiskLevel } from '../../../shared/events'
import { longIs, parseArgs } from './argv-options'
import type { PartVerdict } from './verdict'
import { ask, asks, DEFAULT_RISK, REASON } from './verdict'

export type OtherHandler = (args: string[], prog: string) => PartVerdict

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

export const OTHER_PROGRAMS: Record<string, OtherHandler> = {
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
