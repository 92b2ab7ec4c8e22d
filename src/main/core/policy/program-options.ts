/**
 * The options each read-only program may be given without a person: an allow-list, read the
 * way the program reads its command line (GNU `getopt_long`: short options clustered with the
 * value of the last one attached or in the next word, `--name=value` or `--name value`, a
 * unique prefix of a long name standing for it, options after operands, `--` ending them).
 * An option that is not on the list asks: a dangerous option can no longer slip through as an
 * abbreviation (`--out` for `--output`), as a setting hidden in a cluster (`-uo x`), with a
 * `=value` on a flag, or as one that means something else on BSD / macOS.
 *
 * Left out on purpose (they ask): options that write (`sort -o`, `tree -o`, `base64 -o` on
 * macOS), run programs (`sort --compress-program`, `rg --pre`, `rg -z`), read a list of files
 * from a file (`--files0-from`, `file -f`, `tree --fromfile`, `md5sum -c`), and options whose
 * value is taken on one system and not on the other where that would hide a word from the
 * workspace check (such letters are listed as flags, so the next word is still judged).
 *
 * Programs not listed here take any option: the ones with their own reader (`sed`, `jq`,
 * `find`, `awk`, `git`, `ps`, `date`, `hostname`, `ip`) and system-information tools whose
 * options only choose what to show (`lsblk`, `lscpu`, `lspci`, `df`, `free`, …).
 */
import { lookup } from './verdict'

interface OptionSpec {
  /** Short options without a value. */
  flags: string
  /** Short options with a value (attached or the next word). */
  values: string
  /** Short options with an optional value that must be attached (`od -w16`). */
  optional: string
  /** Long options: `name` (flag), `name=` (value), `name?` (optional, only `--name=value`). */
  long: Map<string, 'flag' | 'value' | 'optional'>
  /** `-NUM` is allowed (`head -5`, `diff -3`). */
  numeric: boolean
  /** Operands starting with `@` are response files (binutils): refused. */
  responseFiles: boolean
}

function spec(flags: string, values: string, long: string, extra: Partial<OptionSpec> = {}): OptionSpec {
  const map = new Map<string, 'flag' | 'value' | 'optional'>()
  for (const word of `${long} help version`.split(/\s+/).filter(Boolean)) {
    if (word.endsWith('=')) map.set(word.slice(0, -1), 'value')
    else if (word.endsWith('?')) map.set(word.slice(0, -1), 'optional')
    else map.set(word, 'flag')
  }
  return { flags, values, optional: '', long: map, numeric: false, responseFiles: false, ...extra }
}

const SUMS = spec('btz', '', 'binary tag text zero')
const GREP = spec(
  'EFGPiyvwxcLloqsbHhnTZzaIrRUuV',
  'ABCDdefm',
  `extended-regexp fixed-strings basic-regexp perl-regexp regexp= file= ignore-case no-ignore-case
   word-regexp line-regexp null-data no-messages invert-match max-count= byte-offset line-number
   line-buffered with-filename no-filename label= only-matching quiet silent binary-files= text
   directories= devices= recursive dereference-recursive include= exclude= exclude-from= exclude-dir=
   files-without-match files-with-matches count initial-tab null before-context= after-context=
   context= color? colour? group-separator= no-group-separator`,
  { numeric: true }
)
const LS = spec(
  'aAbBcCdDfFgGhHiIkLlmnNopqQrRsStTuUvwxXZ1eOPW@%,',
  '',
  `all almost-all author escape block-size= ignore-backups color? directory dired classify? file-type
   format= full-time group-directories-first no-group human-readable si dereference-command-line
   dereference-command-line-symlink-to-dir hide= hyperlink? indicator-style= inode ignore= kibibytes
   dereference numeric-uid-gid literal hide-control-chars show-control-chars quote-name
   quoting-style= reverse recursive size sort= time= time-style= tabsize= width= context zero`
)

const SPECS: Record<string, OptionSpec> = {
  pwd: spec('LP', '', 'logical physical'),
  whoami: spec('', '', ''),
  id: spec('aZgGnruz', '', 'context group groups name real user zero'),
  groups: spec('', '', ''),
  users: spec('', '', ''),
  tty: spec('s', '', 'silent quiet'),
  uname: spec(
    'asnrvmpio',
    '',
    'all kernel-name nodename kernel-release kernel-version machine processor hardware-platform operating-system'
  ),
  arch: spec('', '', ''),
  uptime: spec('psV', '', 'pretty since'),
  nproc: spec('', '', 'all ignore='),
  cd: spec('LPe@', '', ''),
  ls: LS,
  dir: LS,
  cat: spec('AbeEnstTuvl', '', 'show-all number-nonblank show-ends number squeeze-blank show-tabs show-nonprinting'),
  head: spec('qvz', 'cn', 'bytes= lines= quiet silent verbose zero-terminated', { numeric: true }),
  tail: spec(
    'fFqrvz',
    'cns',
    'bytes= follow? lines= max-unchanged-stats= pid= quiet retry silent sleep-interval= verbose zero-terminated',
    { numeric: true }
  ),
  wc: spec('clLmw', '', 'bytes chars lines max-line-length words total='),
  stat: spec('LftFlnqrsxH', 'c', 'dereference file-system format= printf= terse cached='),
  du: spec(
    'aAbcDhHkLlmPsSx0',
    'BdtX',
    `null all apparent-size block-size= bytes total dereference-args max-depth= human-readable inodes
     count-links dereference no-dereference separate-dirs si summarize threshold= time? time-style=
     exclude-from= exclude= one-file-system`
  ),
  grep: GREP,
  egrep: GREP,
  fgrep: GREP,
  cut: spec(
    'nswz',
    'bcdf',
    'bytes= characters= delimiter= fields= complement only-delimited output-delimiter= zero-terminated'
  ),
  tr: spec('cCdst', '', 'complement delete squeeze-repeats truncate-set1'),
  nl: spec(
    'p',
    'bdfhilnsvw',
    `body-numbering= section-delimiter= footer-numbering= header-numbering= line-increment=
     join-blank-lines= number-format= no-renumber number-separator= starting-line-number= number-width=`
  ),
  tac: spec('br', 's', 'before regex separator='),
  rev: spec('', '', ''),
  paste: spec('sz', 'd', 'serial delimiters= zero-terminated'),
  comm: spec('123iz', '', 'check-order nocheck-order output-delimiter= total zero-terminated'),
  join: spec('iz', 'aeotjv12', 'check-order nocheck-order header ignore-case zero-terminated'),
  column: spec(
    'txen',
    'cso',
    'table separator= output-separator= output-width= fillrows table-empty-lines json table-columns= table-name='
  ),
  fold: spec('bs', 'w', 'bytes spaces width=', { numeric: true }),
  fmt: spec('cstup', 'wg', 'crown-margin prefix= split-only tagged-paragraph uniform-spacing width= goal=', {
    numeric: true
  }),
  expand: spec('i', 't', 'initial tabs=', { numeric: true }),
  unexpand: spec('a', 't', 'all first-only tabs=', { numeric: true }),
  basename: spec('az', 's', 'multiple suffix= zero'),
  dirname: spec('z', '', 'zero'),
  realpath: spec(
    'emLPqsz',
    '',
    'canonicalize-existing canonicalize-missing logical physical quiet relative-to= relative-base= strip no-symlinks zero'
  ),
  readlink: spec(
    'femnqsvz',
    '',
    'canonicalize canonicalize-existing canonicalize-missing no-newline quiet silent verbose zero'
  ),
  md5sum: SUMS,
  sha1sum: SUMS,
  sha224sum: SUMS,
  sha256sum: SUMS,
  sha384sum: SUMS,
  sha512sum: SUMS,
  b2sum: spec('btz', 'l', 'binary tag text zero length='),
  cksum: spec('z', 'al', 'algorithm= base64 debug length= raw tag untagged zero'),
  sum: spec('rs', '', 'sysv'),
  base64: spec('dD', 'w', 'decode ignore-garbage wrap='),
  cmp: spec('blsxzh', 'in', 'print-bytes ignore-initial= verbose bytes= quiet silent'),
  diff: spec(
    'abBcdeEfHilNnpqrsStTuvwyZ',
    'CDFILUWxXS',
    `normal brief report-identical-files context? unified? ed rcs side-by-side left-column
     suppress-common-lines show-c-function show-function-line= label= expand-tabs initial-tab tabsize=
     suppress-blank-empty paginate recursive no-dereference new-file unidirectional-new-file
     ignore-file-name-case no-ignore-file-name-case exclude= exclude-from= starting-file= from-file=
     to-file= ignore-case ignore-tab-expansion ignore-trailing-space ignore-space-change
     ignore-all-space ignore-blank-lines ignore-matching-lines= text strip-trailing-cr minimal
     horizon-lines= speed-large-files color? palette= width= ifdef= line-format= old-line-format=
     new-line-format= unchanged-line-format= old-group-format= new-group-format= changed-group-format=
     unchanged-group-format=`,
    { numeric: true }
  ),
  strings: spec(
    'adfowvV',
    'ntesTU',
    'all data print-file-name bytes= radix= encoding= target= include-all-whitespace output-separator= unicode=',
    { numeric: true, responseFiles: true }
  ),
  od: spec(
    'abcdfhilosvxBDeFHILOX',
    'AjNSt',
    'address-radix= endian= skip-bytes= read-bytes= strings? format= output-duplicates width? traditional',
    { optional: 'w' }
  ),
  hexdump: spec(
    'bcCdoxv',
    'efns',
    'one-byte-octal one-byte-char canonical two-bytes-decimal two-bytes-octal two-bytes-hex color? format= format-file= length= skip= no-squeezing',
    { optional: 'L' }
  ),
  file: spec(
    'bcdEhiIkLlNnrsSvzZ0',
    'eFmP',
    `brief checking-printout exclude= exclude-quiet= extension mime mime-type mime-encoding keep-going
     raw print0 dereference no-dereference magic-file= no-buffer no-pad special-files separator=
     uncompress uncompress-noreport apple parameter=`
  ),
  uniq: spec(
    'cdDiuz',
    'fsw',
    'count repeated all-repeated? group? skip-fields= skip-chars= check-chars= ignore-case unique zero-terminated',
    { numeric: true }
  ),
  tree: spec(
    'adlfxqNQpugshDFvtcUriASnCXJ',
    'LPIHT',
    `gitignore gitfile= ignore-case matchdirs metafirst prune info infofile= noreport charset= filelimit=
     timefmt= si du inodes device dirsfirst filesfirst sort= nolinks fflinks hintro= houtro=`
  ),
  sort: spec(
    'bdfgiMhnRrVcCmsuz',
    'ktS',
    `ignore-leading-blanks dictionary-order ignore-case general-numeric-sort ignore-nonprinting
     month-sort human-numeric-sort numeric-sort random-sort random-source= reverse sort= version-sort
     batch-size= check? debug key= merge stable field-separator= buffer-size= parallel= unique
     zero-terminated`
  ),
  rg: spec(
    'abcFhHiIlLnNopPqsSuUvVwx0.',
    'ABCEdefgjmMrtT',
    `after-context= before-context= context= byte-offset count count-matches case-sensitive color=
     colors= column context-separator= no-context-separator crlf debug dfa-size-limit= encoding= engine=
     field-context-separator= field-match-separator= file= files files-with-matches files-without-match
     fixed-strings follow glob= glob-case-insensitive heading hidden iglob= ignore-case ignore-file=
     ignore-file-case-insensitive include-zero invert-match json line-buffered line-number line-regexp
     max-columns= max-columns-preview max-count= max-depth= max-filesize= mmap multiline
     multiline-dotall no-config no-filename no-heading no-ignore no-ignore-dot no-ignore-exclude
     no-ignore-files no-ignore-global no-ignore-messages no-ignore-parent no-ignore-vcs no-line-number
     no-messages no-mmap no-pcre2-unicode no-require-git no-unicode null null-data one-file-system
     only-matching passthru path-separator= pcre2 pre-glob= pcre2-version pretty quiet regex-size-limit= regexp=
     replace= smart-case sort= sort-files sortr= stats text threads= trim type= type-add= type-clear=
     type-list type-not= unrestricted vimgrep with-filename word-regexp`
  )
}

/**
 * The first option of `args` that `prog` may not be given without a person, or null when
 * every option is on its list (or the program takes any).
 */
export function refusedOption(prog: string, args: readonly string[]): string | null {
  const s = lookup(SPECS, prog)
  if (s === undefined) return null
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === '--') {
      if (s.responseFiles) {
        const response = args.slice(i + 1).find((a) => a.startsWith('@'))
        if (response !== undefined) return response
      }
      return null
    }
    if (arg === '-' || !arg.startsWith('-')) {
      if (s.responseFiles && arg.startsWith('@')) return arg
      continue
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2)
      const kind = resolveLong(s, name)
      if (kind === undefined) return arg
      if (kind === 'flag' && eq >= 0) return arg
      if (kind === 'value' && eq < 0) i++
      continue
    }
    if (s.numeric && /^-[0-9]+$/.test(arg)) continue
    for (let j = 1; j < arg.length; j++) {
      const c = arg[j] as string
      if (s.flags.includes(c)) continue
      if (s.values.includes(c)) {
        if (j === arg.length - 1) i++
        break
      }
      if (s.optional.includes(c)) break
      if (s.numeric && /[0-9]/.test(c) && /^[0-9]+$/.test(arg.slice(j))) break
      return arg
    }
  }
  return null
}

/** A long option as getopt_long reads it: the exact name, else the one name it is a prefix of. */
function resolveLong(s: OptionSpec, name: string): 'flag' | 'value' | 'optional' | undefined {
  const exact = s.long.get(name)
  if (exact !== undefined) return exact
  if (name === '') return undefined
  const candidates = [...s.long.keys()].filter((full) => full.startsWith(name))
  return candidates.length === 1 ? s.long.get(candidates[0] as string) : undefined
}
