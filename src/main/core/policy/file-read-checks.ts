/**
 * Argument checks for read-only file tools that have options which write files or run other
 * programs (`sort -o`, `rg --pre`, `find -exec`, `sed -i`, …). Each returns a verdict when the
 * call is unsafe, null when it only reads.
 */
import { hasOpt, longIs, parseArgs } from './argv-options'
import type { Nesting } from './nested-commands'
import { innerArgv } from './nested-commands'
import { checkSedScript } from './sed-script'
import type { PartVerdict } from './verdict'
import { ask } from './verdict'

export function checkFile(args: string[]): PartVerdict | null {
  const parsed = parseArgs(args, {
    short: 'efFmP',
    long: ['exclude', 'exclude-quiet', 'files-from', 'separator', 'magic-file', 'parameter']
  })
  return hasOpt(parsed, 'C', ['compile'])
    ? ask('file_write', 'medium', ['`file -C` writes a compiled magic file'], 'file')
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

export function checkSed(args: string[]): PartVerdict | null {
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
