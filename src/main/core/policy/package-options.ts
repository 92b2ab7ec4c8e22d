/**
 * The options a package manager's lookup (`npm ls`, `pip list`, `brew info`, …) may be given
 * without a person: an allow-list of options that only choose what is shown. Everything else
 * asks: a registry, index or proxy (`--registry`, `--index-url`, `--proxy`), a program or a
 * setting that names one (`--node-options`, `--script-shell`, `--git`), another configuration
 * or prefix (`--userconfig`, `--prefix`, `-C`), and whatever the tool adds later. npm takes any
 * configuration key as `--key=value`, so only the names below pass there too.
 */

export interface LookupOptions {
  /** Long flags (`--json`; `--no-json` too). */
  flags: readonly string[]
  /** Long options with a value (`--depth=1`, `--depth 1`). */
  values: readonly string[]
  /** Short flags (clusters allowed). */
  short: string
  /** Short options with a value. */
  shortValues: string
  /** Long flags that may also be given `=value` (`--json=v2`, `--color=always`). */
  optional: readonly string[]
}

function options(flags: string, values: string, short: string, shortValues = ''): LookupOptions {
  return {
    flags: `${flags} help version`.split(/\s+/).filter(Boolean),
    values: values.split(/\s+/).filter(Boolean),
    short,
    shortValues,
    optional: ['json', 'color']
  }
}

export const NPM_LOOKUP = options(
  `all json long parseable global link unicode production dev prod workspaces include-workspace-root
   package-lock-only silent quiet verbose color`,
  'depth omit include workspace loglevel',
  'alpgsqd',
  'w'
)
export const PNPM_LOOKUP = options(
  'json long parseable global recursive dev prod no-optional only-projects silent',
  'depth filter',
  'grDPs',
  'F'
)
export const YARN_LOOKUP = options('json verbose silent all recursive', 'depth pattern', 'AR')
export const PIP_LOOKUP = options(
  `local user editable outdated uptodate not-required exclude-editable include-editable pre verbose quiet
   files all isolated disable-pip-version-check no-color require-virtualenv no-input`,
  'format exclude path requirement',
  'leouvqf',
  'r'
)
/** What lookups of the other package managers and of docker / podman may show. */
export const DISPLAY_LOOKUP = options(
  `all installed upgradable upgradeable manual-installed all-versions names-only full verbose quiet json
   long versions cask casks formula formulae installed-on-request local user outdated explicit export
   revisions show-channel-urls canonical md5 size recursive pinned tree available updates extras
   no-trunc digests latest`,
  'format filter depth fields columns last',
  'aAlvqhsn'
)

/** The first option of `args` (all but `subIndex`) not on `allowed`, or null. */
export function refusedLookupOption(args: readonly string[], subIndex: number, allowed: LookupOptions): string | null {
  for (let i = 0; i < args.length; i++) {
    if (i === subIndex) continue
    const arg = args[i] as string
    if (arg === '--') return null
    if (arg === '-' || !arg.startsWith('-')) continue
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2)
      if (allowed.values.includes(name)) {
        if (eq < 0) i++
        continue
      }
      const flag = name.startsWith('no-') && !allowed.flags.includes(name) ? name.slice(3) : name
      const valued = eq < 0 || /^(true|false)$/.test(arg.slice(eq + 1)) || allowed.optional.includes(flag)
      if (allowed.flags.includes(flag) && valued) continue
      return arg
    }
    for (let j = 1; j < arg.length; j++) {
      const c = arg[j] as string
      if (allowed.short.includes(c)) continue
      if (allowed.shortValues.includes(c)) {
        if (j === arg.length - 1) i++
        break
      }
      return arg
    }
  }
  return null
}
