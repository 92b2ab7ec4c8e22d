/**
 * Package managers and language toolchains with their own argument conventions (apt, dpkg,
 * npm/pnpm/yarn, npx, pacman, go). Lookups may run without a person; installs, removals,
 * publishing and running project scripts ask. Simpler package managers are plain tables in
 * subcommand-programs.
 */
import { findSubcommand, longIs } from './argv-options'
import { NPM_LOOKUP, PNPM_LOOKUP, refusedLookupOption, YARN_LOOKUP } from './package-options'
import type { PartVerdict } from './verdict'
import { ask, asks, safe, subKey } from './verdict'

const APT_INSTALL =
  'install remove purge upgrade full-upgrade dist-upgrade update autoremove autopurge reinstall build-dep satisfy clean autoclean source download edit-sources markauto unmarkauto changelog check'

export function apt(args: string[], prog: string): PartVerdict {
  const idx = findSubcommand(args, ['-o', '-c', '-t', '--option', '--config-file', '--target-release'])
  const sub = idx >= 0 ? args[idx] : undefined
  const key = subKey(prog, sub)
  const readSubs =
    prog === 'apt-cache'
      ? [
          'search',
          'show',
          'showpkg',
          'showsrc',
          'policy',
          'depends',
          'rdepends',
          'madison',
          'pkgnames',
          'stats',
          'unmet'
        ]
      : prog === 'apt-get'
        ? []
        : ['list', 'search', 'show', 'policy', 'depends', 'rdepends', 'madison', 'showsrc']
  // Configuration options can make apt run any program (`-o APT::Update::Pre-Invoke::=…`):
  // such calls ask and no rule may cover them.
  const config = args.some(
    (a) =>
      /^-[oc]/.test(a) ||
      (a.startsWith('--') && ['option', 'config-file'].some((full) => longIs(a.split('=')[0] as string, full)))
  )
  if (config) {
    const action = sub !== undefined && readSubs.includes(sub) ? 'package_check' : 'package_install'
    return ask(action, 'medium', [`\`${key}\` is given apt configuration options (\`-o\`)`], null)
  }
  if (sub !== undefined && readSubs.includes(sub)) return safe('package_check', 'low', key)
  if (sub !== undefined && APT_INSTALL.split(' ').includes(sub)) return asks('package_install', key, key)
  return asks('unknown', key, key)
}

const DPKG_READ = new Set([
  '-l',
  '--list',
  '-s',
  '--status',
  '-L',
  '--listfiles',
  '-S',
  '--search',
  '-p',
  '--print-avail',
  '--get-selections',
  '--print-architecture',
  '--print-foreign-architectures',
  '--audit',
  '-C',
  '--verify',
  '-V',
  '--version',
  '--help',
  '-?',
  '--no-pager',
  '--compare-versions'
])

export function dpkg(args: string[]): PartVerdict {
  const first = args.find((a) => a.startsWith('-'))
  const key = first ? `dpkg ${first.split('=')[0]}` : 'dpkg'
  const flags = args.filter((a) => a.startsWith('-'))
  if (flags.length > 0 && flags.every((f) => DPKG_READ.has(f))) return safe('package_check', 'low', key)
  if (flags.some((f) => /^(-x|--extract|-X|--vextract|-b|--build|--fsys-tarfile)$/.test(f))) {
    return asks('file_write', key, key)
  }
  return asks('package_install', key, key)
}

export function npm(args: string[], prog: string): PartVerdict {
  const idx = findSubcommand(args, [
    '--prefix',
    '-C',
    '-w',
    '--workspace',
    '--registry',
    '--loglevel',
    '--userconfig',
    '--cache',
    '--dir',
    '--filter',
    '-F',
    '--cwd'
  ])
  const sub = idx >= 0 ? args[idx] : undefined
  const rest = idx >= 0 ? args.slice(idx + 1) : []
  const tables: Record<string, { read: string; install: string; network: string; run: string }> = {
    npm: {
      read: 'ls list ll la outdated view info show v root prefix explain why search',
      install:
        'install i in ins inst insta instal isnt isntall add ci clean-install install-ci-test cit install-test it uninstall un unlink remove rm r update up upgrade udpate link ln dedupe ddp prune rebuild rb',
      network:
        'publish unpublish deprecate dist-tag owner login logout adduser add-user token access team star unstar org ping',
      run: 'run run-script rum urn test tst t start stop restart exec x pack init create'
    },
    pnpm: {
      read: 'ls list ll la outdated why view info',
      install:
        'add install i remove rm uninstall un update up upgrade link ln unlink prune rebuild rb import dedupe fetch install-test it',
      network: 'publish login logout',
      run: 'run test t start exec dlx create init'
    },
    yarn: {
      read: 'list outdated why info',
      install: 'add install remove upgrade up dedupe link unlink global import',
      network: 'publish login logout npm',
      run: 'run test start exec dlx create node init'
    }
  }
  const t = tables[prog] as (typeof tables)['npm']
  if (sub === undefined) {
    const versionOnly = args.length > 0 && args.every((a) => /^(-v|--version|-h|--help)$/.test(a))
    if (versionOnly) return safe('system_info', 'none', prog)
    if (prog === 'yarn') return asks('package_install', prog, prog)
    return asks('unknown', prog, prog)
  }
  const has = (list: string): boolean => list.split(' ').includes(sub)
  const key = subKey(prog, sub)
  // Settings that change which shell or Node runs the scripts, or where they come from.
  const reconfigured = args.some(
    (a) =>
      a === '-c' ||
      (a.startsWith('--') &&
        ['script-shell', 'node-options', 'userconfig', 'globalconfig', 'call', 'shell'].some((full) =>
          longIs(a.split('=')[0] as string, full)
        ))
  )
  if (has(t.read)) {
    const lookup = prog === 'npm' ? NPM_LOOKUP : prog === 'pnpm' ? PNPM_LOOKUP : YARN_LOOKUP
    const refused = refusedLookupOption(args, idx, lookup)
    if (refused !== null) {
      return ask(
        'package_check',
        'medium',
        [`\`${key}\` is given the option \`${refused}\`, which Duck does not allow without a person`],
        null
      )
    }
    return safe('package_check', 'low', key)
  }
  if (has(t.install)) return asks('package_install', key, reconfigured ? null : key)
  if (has(t.network)) return asks('network', key, reconfigured ? null : NPM_GROUPS.has(sub) ? verbKey(key, rest) : key)
  if (has(t.run)) {
    const reason = (k: string): string => `\`${k}\` runs the project's scripts or other programs`
    // exec / dlx / node / create run any package or code given on the command line.
    const anything =
      ['exec', 'x', 'dlx', 'node'].includes(sub) ||
      ((sub === 'create' || sub === 'init') && rest.some((a) => !a.startsWith('-')))
    if (anything || reconfigured) return ask('unknown', 'medium', [reason(key)], null)
    const script =
      sub === 'run' || sub === 'run-script' || sub === 'rum' || sub === 'urn'
        ? rest.find((a) => !a.startsWith('-'))
        : undefined
    const runKey = script ? `${prog} ${sub} ${script}` : key
    return ask('unknown', 'medium', [reason(runKey)], runKey)
  }
  if (prog === 'yarn') {
    // `yarn <name>` runs the package.json script of that name.
    return ask(
      'unknown',
      'medium',
      [`\`yarn ${sub}\` runs the project's scripts or other programs`],
      reconfigured ? null : key
    )
  }
  // `npm config get` and `npm config set script-shell=…` are not the same thing; settings
  // (`config set`, `set`, `pkg set`) can change what later commands run, so they have no key.
  const verb = rest.find((a) => !a.startsWith('-'))
  const setting =
    sub === 'set' || ((sub === 'config' || sub === 'c' || sub === 'pkg') && /^(set|edit|delete)$/.test(verb ?? ''))
  if (setting)
    return ask('file_write', 'medium', [`\`${key}\` changes settings that can change what later commands run`], null)
  return asks('unknown', key, reconfigured ? null : NPM_GROUPS.has(sub) ? verbKey(key, rest) : key)
}

/** npm subcommands whose next word is a verb with its own meaning (`npm config set`). */
const NPM_GROUPS = new Set([
  'config',
  'c',
  'pkg',
  'cache',
  'token',
  'access',
  'owner',
  'dist-tag',
  'team',
  'org',
  'profile',
  'hook',
  'set',
  'get'
])

/**
 * The key of a subcommand with a verb (`npm config set`): the verb when it comes first, the
 * subcommand alone when there is no word after the options, and no key when options come
 * before a word (it could be an option's value).
 */
export function verbKey(key: string, rest: string[]): string | null {
  const first = rest[0]
  if (first === undefined) return key
  if (!first.startsWith('-')) return `${key} ${first}`
  return rest.some((a) => !a.startsWith('-')) ? null : key
}

export function npx(args: string[], prog: string): PartVerdict {
  const idx = findSubcommand(args, ['-p', '--package', '-c', '--call'])
  const pkg = idx >= 0 ? args[idx] : undefined
  // `-c` runs a command line; `-p` names the package the program comes from, which the key
  // (the program's name) would not show.
  const other = args.some((a) => /^(-c|-p|--call|--package)(=|$)/.test(a) || /^-[cp]./.test(a))
  return ask(
    'unknown',
    'medium',
    [`\`${prog}\` downloads and runs a package's program`],
    other || pkg === undefined ? null : subKey(prog, pkg)
  )
}

export function pacman(args: string[], prog: string): PartVerdict {
  const op = args.find((a) => a.startsWith('-')) ?? ''
  const key = op ? `${prog} ${op}` : prog
  if (/^-Q[a-zA-Z]*$/.test(op) || /^-S[siql]+$/.test(op)) return safe('package_check', 'low', key)
  return asks('package_install', key, key)
}

export function goTool(args: string[]): PartVerdict {
  const idx = findSubcommand(args, ['-C'])
  const sub = idx >= 0 ? args[idx] : undefined
  const key = subKey('go', sub)
  if (sub === 'version') return safe('system_info', 'none', key)
  if (sub === 'env' && !args.some((a) => a === '-w' || a === '-u')) return safe('system_info', 'none', key)
  if (sub === 'install' || sub === 'get') return asks('package_install', key, key)
  if (sub === 'mod' && args[idx + 1] === 'download') return asks('network', key, key)
  if (sub === 'fmt' || sub === 'mod') return asks('file_write', key, key)
  // `-exec`, `-toolexec`, `-vettool`, `-overlay` swap in other programs.
  const swapped = args.some((a) => /^--?(exec|toolexec|vettool|overlay)(=|$)/.test(a))
  return ask('unknown', 'medium', [`\`${key}\` builds or runs code`], swapped ? null : key)
}
