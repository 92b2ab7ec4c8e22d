/** GNU-style option parsing for the argv of one part, shared by the per-program classifiers. */

export interface Opt {
  /** `-x` for short options, `--name` for long ones. */
  name: string
  value?: string
}

export interface OptSpec {
  /** Short options that take a value, e.g. `'kot'`. */
  short?: string
  /** Long options (without `--`) that take a value. */
  long?: string[]
}

export interface ParsedArgs {
  opts: Opt[]
  positionals: string[]
}

/**
 * GNU-style option parsing: clustered short flags (`-rk2`), `--name=value`, `--` ends the
 * options. Options may follow positionals (GNU permutation).
 */
export function parseArgs(args: string[], spec: OptSpec = {}): ParsedArgs {
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
export function longIs(given: string, full: string): boolean {
  if (!given.startsWith('--') || given.length < 3) return false
  return full.startsWith(given.slice(2))
}

export function hasOpt(parsed: ParsedArgs, shortNames: string, longNames: string[]): Opt | undefined {
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
export function findSubcommand(args: string[], valueOpts: string[] = []): number {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === '--') return i + 1 < args.length ? i + 1 : -1
    if (!arg.startsWith('-') || arg === '-') return i
    if (valueOpts.includes(arg)) i++
  }
  return -1
}

/** The wrapped command: the first positional after the options (and `skip` positionals). */
export function wrappedArgv(args: string[], spec: OptSpec, skip = 0, skipAssignments = false): string[] | null {
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
