/**
 * Programs with subcommands (`git status`, `apt list`, `docker ps`, …): the "Always allow" key
 * is the program plus its subcommand. Programs with their own conventions have a handler in
 * git-commands or package-managers; the rest are described by a simple table.
 */
import type { ActionType } from '../../../shared/events'
import { findSubcommand } from './argv-options'
import type { LookupOptions } from './package-options'
import { DISPLAY_LOOKUP, PIP_LOOKUP, refusedLookupOption } from './package-options'
import { git } from './git-commands'
import { apt, dpkg, goTool, npm, npx, pacman, verbKey } from './package-managers'
import type { PartVerdict } from './verdict'
import { ask, asks, DEFAULT_RISK, lookup, safe, subKey } from './verdict'

export type SubHandler = (args: string[], prog: string) => PartVerdict | Promise<PartVerdict>

interface SubTable {
  /** Global options that take a value (before the subcommand). */
  valueOpts?: string[]
  /** Read-only subcommands. */
  safe?: Record<string, ActionType>
  /** Other known subcommands and what they do. */
  other?: Record<string, ActionType>
  /** When there is no subcommand. */
  none?: ActionType
  /** What an unknown subcommand is. */
  fallback?: ActionType
  /**
   * Arguments (anywhere) that make a read-only subcommand unsafe, e.g. pip's `--python`. Calls
   * with them have no rule key, whatever the subcommand.
   */
  unsafeArgs?: RegExp
  /** Options before the subcommand that point the tool elsewhere or at other code: no key. */
  unsafeGlobals?: RegExp
  /** Subcommands whose next word is a verb of its own (`docker volume ls` / `rm`): key with it. */
  groups?: string[]
  /** Subcommands that run any program given on the command line: no key. */
  runsAnything?: string[]
  /** Options a read-only subcommand may be given (default: DISPLAY_LOOKUP); others ask. */
  lookup?: LookupOptions
  /** Arguments after these subcommands that give access to the host (`docker run --privileged`): no key. */
  hostAccess?: { subs: string[]; args: RegExp }
}

function words(action: ActionType, list: string): Record<string, ActionType> {
  return Object.fromEntries(
    list
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => [w, action])
  )
}

/** A generic handler for programs whose subcommands are a simple table. */
function table(t: SubTable): SubHandler {
  return (args, prog) => {
    const idx = findSubcommand(args, t.valueOpts)
    const sub = idx >= 0 ? args[idx] : undefined
    const key = subKey(prog, sub)
    if (sub === undefined) {
      if (args.length > 0 && args.every((a) => /^(-v|-V|--version|-h|--help)$/.test(a))) {
        return safe('system_info', 'none', prog)
      }
      const action = t.none ?? 'unknown'
      return action === 'system_info' ? safe(action, 'none', prog) : asks(action, prog, prog)
    }
    const rest = args.slice(idx + 1)
    const unsafeGlobal = t.unsafeGlobals && args.slice(0, idx).find((a) => t.unsafeGlobals?.test(a))
    const unsafeArg = args.find((a) => t.unsafeArgs?.test(a))
    const hostArg =
      t.hostAccess && t.hostAccess.subs.includes(sub) ? rest.find((a) => t.hostAccess?.args.test(a)) : undefined
    let ruleKey: string | null = t.groups?.includes(sub) ? verbKey(key, rest) : key
    if (unsafeGlobal !== undefined || unsafeArg !== undefined || hostArg !== undefined) ruleKey = null
    if (t.runsAnything?.includes(sub)) ruleKey = null
    const safeAction = t.safe && lookup(t.safe, sub)
    if (safeAction) {
      // Options before the subcommand (`docker -H ssh://…`, `pip --python …`) can make the
      // tool connect elsewhere or run another program: such calls ask.
      const bad =
        args.slice(0, idx).find((a) => a.startsWith('-')) ??
        unsafeArg ??
        refusedLookupOption(args.slice(idx), 0, t.lookup ?? DISPLAY_LOOKUP) ??
        undefined
      if (bad !== undefined) {
        return ask(
          safeAction,
          'medium',
          [`\`${key}\` is given the option \`${bad}\`, which Duck does not allow without a person`],
          null
        )
      }
      return safe(safeAction, DEFAULT_RISK[safeAction], key)
    }
    const action = (t.other && lookup(t.other, sub)) ?? t.fallback ?? 'unknown'
    return asks(action, key, ruleKey)
  }
}

/** gh subcommands without a verb after them. */
const GH_SINGLE = new Set(['api', 'browse', 'status', 'completion', 'help', 'version', 'search'])

/**
 * `gh`: the key holds the verb (`gh pr view` is not `gh repo delete`). `gh api` with another
 * method or with fields (which make it a POST) has no key.
 */
function gh(args: string[], prog: string): PartVerdict {
  const idx = findSubcommand(args, ['-R', '--repo'])
  const sub = idx >= 0 ? args[idx] : undefined
  if (sub === undefined) {
    if (args.length > 0 && args.every((a) => /^(--version|-h|--help)$/.test(a))) {
      return safe('system_info', 'none', prog)
    }
    return asks('network', prog, prog)
  }
  const rest = args.slice(idx + 1)
  const key = subKey(prog, sub)
  if (sub === 'api') {
    const writes = rest.some(
      (a) => /^(-X|--method|-f|-F|--field|--raw-field|--input)(=|$)/.test(a) || /^-[XfF]./.test(a)
    )
    return asks('network', key, writes ? null : key)
  }
  return asks('network', key, GH_SINGLE.has(sub) ? key : verbKey(key, rest))
}

const DOCKER_HOST_ACCESS = {
  subs: ['run', 'create', 'exec', 'container', 'compose'],
  args: /^(-v|--(privileged|pid|ipc|uts|userns|cgroupns|cap-add|security-opt|device|volume|volumes-from|mount|net|network)(=|$))/
}
const DOCKER_GROUPS = [
  'compose',
  'container',
  'image',
  'volume',
  'network',
  'system',
  'builder',
  'buildx',
  'context',
  'plugin',
  'swarm',
  'node',
  'service',
  'stack',
  'secret',
  'config',
  'manifest',
  'trust',
  'machine',
  'pod'
]

export const SUBCOMMANDS: Record<string, SubHandler> = {
  git,
  apt,
  'apt-get': apt,
  'apt-cache': apt,
  aptitude: apt,
  dpkg,
  'dpkg-query': () => safe('package_check', 'low', 'dpkg-query'),
  npm,
  pnpm: npm,
  yarn: npm,
  npx,
  pnpx: npx,
  bunx: npx,
  pacman,
  go: goTool,
  pip: table({
    valueOpts: [
      '--python',
      '--log',
      '--proxy',
      '--cache-dir',
      '--cert',
      '--client-cert',
      '--retries',
      '--timeout',
      '--exists-action',
      '--trusted-host'
    ],
    unsafeArgs: /^--(py|log)/, // --python runs another interpreter; --log writes a file
    lookup: PIP_LOOKUP,
    groups: ['config', 'cache'],
    safe: words('package_check', 'list show freeze check --version'),
    other: {
      ...words('package_install', 'install uninstall download'),
      ...words('file_write', 'wheel cache config'),
      ...words('network', 'search index')
    }
  }),
  pipx: table({
    unsafeArgs: /^--(spec|python|pip-args)/,
    groups: ['run'],
    safe: words('package_check', 'list'),
    other: {
      ...words(
        'package_install',
        'install uninstall upgrade upgrade-all reinstall reinstall-all inject uninject ensurepath'
      ),
      ...words('unknown', 'run')
    }
  }),
  gem: table({
    safe: words('package_check', 'list info search outdated query contents'),
    other: words('package_install', 'install uninstall update cleanup')
  }),
  conda: table({
    runsAnything: ['run'],
    safe: words('package_check', 'list info search'),
    other: { ...words('package_install', 'install remove uninstall update upgrade create'), ...words('unknown', 'run') }
  }),
  brew: table({
    groups: ['services', 'bundle', 'tap-new'],
    safe: words(
      'package_check',
      'list ls info search outdated config deps uses leaves desc home --version --prefix --cellar'
    ),
    other: {
      ...words(
        'package_install',
        'install reinstall uninstall remove rm upgrade update tap untap link unlink cleanup pin unpin autoremove bundle'
      ),
      ...words('process', 'services')
    }
  }),
  dnf: table({
    valueOpts: [
      '-c',
      '--config',
      '--repo',
      '--enablerepo',
      '--disablerepo',
      '--releasever',
      '--installroot',
      '--setopt'
    ],
    unsafeArgs: /^(-c|--config|--setopt|--installroot|--pluginpath|--enableplugin|--repofrompath)/,
    safe: words('package_check', 'list info search check-update repolist provides deplist repoquery'),
    fallback: 'package_install'
  }),
  yum: table({
    valueOpts: ['-c', '--config', '--enablerepo', '--disablerepo', '--releasever', '--installroot', '--setopt'],
    unsafeArgs: /^(-c|--config|--setopt|--installroot|--pluginpath|--enableplugin|--repofrompath)/,
    safe: words('package_check', 'list info search check-update repolist provides deplist'),
    fallback: 'package_install'
  }),
  zypper: table({
    safe: words('package_check', 'search se info if list-updates lu packages pa repos lr'),
    fallback: 'package_install'
  }),
  apk: table({
    safe: words('package_check', 'info list search policy'),
    fallback: 'package_install'
  }),
  snap: table({
    groups: ['run'],
    safe: words('package_check', 'list info find version changes'),
    other: {
      ...words('package_install', 'install remove refresh revert enable disable'),
      ...words('process', 'start stop restart'),
      ...words('unknown', 'run')
    },
    fallback: 'package_install'
  }),
  flatpak: table({
    groups: ['run'],
    safe: words('package_check', 'list info search remote-ls remotes history'),
    other: {
      ...words('package_install', 'install uninstall update remote-add remote-delete'),
      ...words('unknown', 'run')
    },
    fallback: 'package_install'
  }),
  cargo: table({
    valueOpts: ['-Z', '--config', '-C'],
    unsafeGlobals: /^(-Z|--config)/,
    unsafeArgs: /^--config(=|$)/,
    other: {
      ...words('package_install', 'install uninstall'),
      ...words('network', 'fetch publish search login'),
      ...words('file_write', 'add remove new init fmt clean update')
    }
  }),
  docker: table({
    valueOpts: ['-H', '--host', '-c', '--context', '--config', '-l', '--log-level'],
    unsafeGlobals: /^(-H|--host|-c|--context|--config)/,
    groups: DOCKER_GROUPS,
    hostAccess: DOCKER_HOST_ACCESS,
    safe: words('system_info', 'ps images version info'),
    other: {
      ...words('process', 'run exec start stop restart kill rm rmi pause unpause compose create'),
      ...words('network', 'pull push login logout search')
    }
  }),
  podman: table({
    unsafeGlobals: /^(--url|--connection|-c|--remote|-r|--root|--runroot|--conmon|--runtime|--hooks-dir)/,
    groups: DOCKER_GROUPS,
    hostAccess: DOCKER_HOST_ACCESS,
    safe: words('system_info', 'ps images version info'),
    other: {
      ...words('process', 'run exec start stop restart kill rm rmi pause unpause compose create'),
      ...words('network', 'pull push login logout search')
    }
  }),
  kubectl: table({
    valueOpts: ['-n', '--namespace', '--context', '--cluster', '--kubeconfig', '-s', '--server', '--user'],
    // A kubeconfig can name credential programs to run.
    unsafeGlobals: /^--kubeconfig/,
    groups: ['rollout', 'config', 'auth', 'certificate', 'plugin', 'set', 'create', 'cluster-info'],
    fallback: 'network'
  }),
  gh,
  systemctl: table({
    valueOpts: [
      '-H',
      '--host',
      '-M',
      '--machine',
      '-t',
      '--type',
      '-p',
      '--property',
      '-n',
      '--lines',
      '-o',
      '--output',
      '--state',
      '-s',
      '--signal',
      '--kill-whom',
      '--root'
    ],
    fallback: 'process'
  })
}
