/**
 * The read-only allow-list: the only programs that may run without a person. Argument checks
 * for the entries that need them live in system-info-checks and file-read-checks.
 */
import type { ActionType, RiskLevel } from '../../../shared/events'
import {
  checkFile,
  checkFind,
  checkJq,
  checkRipgrep,
  checkSed,
  checkSort,
  checkTree,
  checkUniq
} from './file-read-checks'
import type { Nesting } from './nested-commands'
import { checkDate, checkHostname, checkIp, checkPrintf, checkPs } from './system-info-checks'
import type { PartVerdict } from './verdict'

export type Check = (args: string[], prog: string, nest: Nesting) => PartVerdict | null | Promise<PartVerdict | null>

export interface ReadOnlyEntry {
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
export const READ_ONLY: Record<string, ReadOnlyEntry> = {
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
  ps: info(checkPs),
  which: info(),
  whereis: info(),
  type: info(),
  locale: info(),
  getconf: info(),
  echo: info(),
  printf: info(checkPrintf),
  true: info(),
  test: read(),
  '[': read(),
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
  jq: read(checkJq),
  file: read(checkFile),
  uniq: read(checkUniq),
  tree: read(checkTree),
  sort: read(checkSort),
  rg: read(checkRipgrep),
  find: read(checkFind),
  sed: read(checkSed)
}
