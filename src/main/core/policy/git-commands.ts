/**
 * `git`: read-only subcommands may run without a person; global options that point git at
 * another repository or configuration, and subcommands that write, use the network or run
 * other programs, ask. Destructive forms get their own rule keys (`git push --force` for
 * forced, `+refspec`, `:branch`, `--delete`, `--mirror` and `--prune` pushes; `git reset --hard`;
 * `git clean -f`; `git branch --delete`; `git tag --delete`), subcommands with verbs key with
 * the verb (`git stash drop`, `git remote add`), and forms that run other programs (`-c`,
 * `--ext-diff`, `--upload-pack`, `submodule foreach`, …) have no key. Long options are
 * matched with the abbreviations git accepts (`--ha` is `--hard`).
 */
import { longIs, parseArgs } from './argv-options'
import { verbKey } from './package-managers'
import type { PartVerdict } from './verdict'
import { ask, asks, safe, subKey } from './verdict'

const GIT_READ = new Set([
  'status',
  'log',
  'diff',
  'show',
  'rev-parse',
  'ls-files',
  'blame',
  'shortlog',
  'describe',
  'ls-tree',
  'cat-file',
  'grep',
  'merge-base',
  'count-objects',
  'whatchanged',
  'name-rev',
  'show-ref',
  'diff-tree',
  'diff-files',
  'diff-index',
  'rev-list',
  'for-each-ref',
  'version',
  'check-ignore',
  'annotate',
  'show-branch',
  'cherry',
  'range-diff'
])
const GIT_NETWORK = new Set([
  'pull',
  'push',
  'fetch',
  'clone',
  'ls-remote',
  'submodule',
  'send-email',
  'request-pull',
  'archive'
])
const GIT_SAFE_GLOBALS = new Set([
  '--no-pager',
  '-P',
  '--no-optional-locks',
  '--literal-pathspecs',
  '--no-replace-objects',
  '--glob-pathspecs',
  '--noglob-pathspecs',
  '--icase-pathspecs',
  '--version',
  '--help',
  '-h'
])

export function git(args: string[]): PartVerdict {
  let i = 0
  let unsafeGlobal: string | null = null
  let runsConfig = false
  for (; i < args.length; i++) {
    const arg = args[i] as string
    if (!arg.startsWith('-')) break
    if (arg === '-C') {
      i++
    } else if (arg === '-c' || arg.startsWith('--config-env')) {
      runsConfig = true
      if (arg === '-c' || arg === '--config-env') i++
    } else if (/^--(git-dir|work-tree|namespace|super-prefix)$/.test(arg)) {
      unsafeGlobal = arg
      i++
    } else if (!GIT_SAFE_GLOBALS.has(arg)) {
      unsafeGlobal = arg
    }
  }
  const sub = args[i]
  const rest = args.slice(i + 1)
  const key = subKey('git', sub)
  if (runsConfig) {
    return ask('unknown', 'medium', ['`git -c` sets configuration that can make git run other programs'], null)
  }
  if (sub === undefined) {
    return unsafeGlobal ? asks('unknown', 'git', 'git') : safe('system_info', 'none', 'git')
  }
  if (unsafeGlobal) {
    // Another repository, work tree or exec path can bring its own hooks and programs.
    return ask('unknown', 'medium', [`\`git ${unsafeGlobal}\` points git at another repository or setting`], null)
  }

  const parsed = parseArgs(rest)
  const hasLong = (...names: string[]): boolean =>
    parsed.opts.some((o) => o.name.startsWith('--') && names.some((full) => longIs(o.name, full)))
  const hasShort = (...names: string[]): boolean => parsed.opts.some((o) => names.includes(o.name))
  // `git --help log`, `git log --help`, `git help log`: the manual opens in a viewer (`man`, a
  // browser) that configuration can name. `-h` only prints the usage.
  if (sub === 'help' || hasLong('help') || args.slice(0, i).includes('--help')) {
    return ask('unknown', 'medium', ['`git --help` opens the manual in a viewer, which can be any program'], null)
  }
  if (GIT_READ.has(sub)) {
    if (hasLong('ext-diff')) {
      return ask('unknown', 'medium', [`\`${key} --ext-diff\` runs an external diff program`], null)
    }
    if (hasLong('output')) {
      return ask('file_write', 'medium', [`\`${key} --output\` writes to a file`], `${key} --output`)
    }
    if (
      sub === 'grep' &&
      (rest.some((a) => /^-[^-]*O/.test(a)) || parsed.opts.some((o) => longIs(o.name, 'open-files-in-pager')))
    ) {
      return ask('unknown', 'medium', ['`git grep -O` opens the results in another program'], null)
    }
    return safe('file_read', 'low', key)
  }
  if (sub === 'branch' || sub === 'tag') return gitBranchOrTag(sub, rest)
  // `git stash list` only lists; `--ext-diff` and `--output` (which `git stash show` passes to
  // diff) are the forms that run or write something.
  if (sub === 'stash' && (rest[0] === 'list' || rest[0] === 'show') && !hasLong('ext-diff', 'output')) {
    return safe('file_read', 'low', `git stash ${rest[0]}`)
  }
  // Other listings: worktrees, the reflog, notes.
  if (
    (sub === 'worktree' && rest[0] === 'list') ||
    ((sub === 'reflog' || sub === 'notes') && (rest[0] === undefined || rest[0] === 'show' || rest[0] === 'list'))
  ) {
    if (!hasLong('ext-diff', 'output')) return safe('file_read', 'low', verbKey(key, rest) ?? key)
  }
  if (sub === 'remote') {
    if (rest.every((a) => a === '-v' || a === '--verbose')) return safe('file_read', 'low', key)
    const action = rest[0] === 'show' || rest[0] === 'update' || rest[0] === 'prune' ? 'network' : 'file_write'
    return asks(action, `git remote ${rest[0] ?? ''}`.trim(), verbKey(key, rest))
  }
  if (sub === 'config') {
    const reads =
      rest.length > 0 &&
      rest.every(
        (a) =>
          /^(--get|--get-all|--get-regexp|--list|-l|--show-origin|--show-scope|--global|--local|--system|--name-only|-z|--null)$/.test(
            a
          ) || !a.startsWith('-')
      )
    const getting = rest.some((a) => /^(--get|--get-all|--get-regexp|--list|-l)$/.test(a))
    if (reads && getting) return safe('file_read', 'low', key)
    return ask(
      'file_write',
      'medium',
      ['`git config` changes settings that can make later git commands run other programs'],
      null
    )
  }
  if (GIT_NETWORK.has(sub)) {
    // The program git runs on the other side; for a path remote that is this computer.
    if (
      hasLong('upload-pack', 'receive-pack', 'exec', 'template', 'config') ||
      (sub === 'clone' && hasShort('-u', '-c')) ||
      (sub === 'submodule' && rest.includes('foreach'))
    ) {
      return ask('unknown', 'medium', [`\`${key}\` is given a program or settings to run`], null)
    }
    if (sub === 'push') {
      const forced =
        hasShort('-f', '-d') ||
        hasLong('force', 'force-with-lease', 'force-if-includes', 'mirror', 'delete', 'prune') ||
        parsed.positionals.some((p) => p.startsWith('+') || p.startsWith(':'))
      if (forced) {
        return ask(
          'network',
          'high',
          ['`git push --force` can overwrite or delete work on the server'],
          'git push --force'
        )
      }
    }
    return asks('network', key, sub === 'submodule' ? verbKey(key, rest) : key)
  }
  if (sub === 'clean' && (hasShort('-f') || hasLong('force'))) {
    return ask('file_write', 'high', ['`git clean -f` deletes files git does not track'], 'git clean -f')
  }
  if (sub === 'reset' && hasLong('hard')) {
    return ask('file_write', 'high', ['`git reset --hard` throws away uncommitted changes'], 'git reset --hard')
  }
  if ((sub === 'checkout' || sub === 'switch') && (hasShort('-f') || hasLong('force', 'discard-changes'))) {
    return ask('file_write', 'high', [`\`${key} --force\` throws away uncommitted changes`], `${key} --force`)
  }
  if (
    sub === 'difftool' ||
    sub === 'mergetool' ||
    sub === 'bisect' ||
    sub === 'filter-branch' ||
    (sub === 'rebase' && (hasShort('-x') || hasLong('exec')))
  ) {
    return ask('unknown', 'medium', [`\`${key}\` can run other programs`], null)
  }
  const writes = new Set([
    'add',
    'commit',
    'checkout',
    'switch',
    'reset',
    'restore',
    'rm',
    'mv',
    'merge',
    'rebase',
    'cherry-pick',
    'revert',
    'stash',
    'init',
    'clean',
    'apply',
    'am',
    'notes',
    'worktree',
    'gc',
    'prune',
    'reflog',
    'update-index',
    'update-ref',
    'commit-tree',
    'read-tree',
    'write-tree',
    'hash-object',
    'sparse-checkout',
    'lfs',
    'maintenance',
    'repack',
    'pack-refs',
    'symbolic-ref',
    'replace',
    'format-patch'
  ])
  const verbs = new Set(['stash', 'worktree', 'notes', 'reflog', 'lfs', 'sparse-checkout', 'maintenance'])
  if (writes.has(sub)) return asks('file_write', key, verbs.has(sub) ? verbKey(key, rest) : key)
  return ask('unknown', 'medium', [`\`${key}\` is not a known read-only git command`], key)
}

function gitBranchOrTag(sub: 'branch' | 'tag', rest: string[]): PartVerdict {
  const key = `git ${sub}`
  const listValue = [
    'contains',
    'no-contains',
    'merged',
    'no-merged',
    'points-at',
    'sort',
    'format',
    'color',
    'column',
    'abbrev'
  ]
  const parsed = parseArgs(rest, { long: listValue })
  const bad = parsed.opts.find((o) =>
    sub === 'branch'
      ? /^-[dDmMcCfuet]$/.test(o.name) ||
        /^--(delete|move|copy|force|set-upstream-to|set-upstream|unset-upstream|edit-description|track|no-track|create-reflog|recurse-submodules)/.test(
          o.name
        )
      : /^-[dafsumFe]$/.test(o.name) ||
        /^--(delete|annotate|force|sign|local-user|message|file|edit|create-reflog)/.test(o.name)
  )
  const listing = parsed.opts.some((o) => o.name === '-l' || o.name === '--list')
  const deletes = parsed.opts.some(
    (o) => o.name === '-d' || o.name === '-D' || (o.name.startsWith('--') && longIs(o.name, 'delete'))
  )
  if (deletes) {
    return ask('file_write', 'medium', [`\`${key} --delete\` deletes a ${sub}`], `${key} --delete`)
  }
  const abbreviated = parsed.opts.some(
    (o) =>
      o.name.startsWith('--') &&
      ['move', 'copy', 'force', 'set-upstream-to', 'unset-upstream', 'edit-description', 'annotate', 'sign'].some(
        (full) => longIs(o.name, full)
      )
  )
  if (bad || abbreviated || (parsed.positionals.length > 0 && !listing)) {
    return asks('file_write', key, key)
  }
  return safe('file_read', 'low', key)
}
