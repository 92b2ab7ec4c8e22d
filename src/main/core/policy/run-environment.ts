/**
 * The environment a command the policy let run without a person must run with. The policy
 * judges a command by its words and by the workspace's files; programs also read settings
 * from configuration and the environment, and a few of those can make a read-only command run
 * another program or read elsewhere. These values take that away: they are forced, whatever
 * Duck's own environment, the repository or the project say.
 *
 * git: no system or global configuration (`GIT_CONFIG_NOSYSTEM`, `GIT_CONFIG_GLOBAL`), and
 * settings given the way `git -c` gives them (`GIT_CONFIG_PARAMETERS`, which every git since
 * 1.7 reads and which beats every configuration file): no fsmonitor program, no hooks, `cat`
 * as the pager, no signature checks (no gpg program), implicit bare repositories refused, no
 * walks into submodules. No optional index writes (`GIT_OPTIONAL_LOCKS=0`), no replace refs,
 * no prompts, and none of the variables that point git at another repository, another
 * external diff program, trace files or other programs.
 * Package managers and toolchains: corepack, pnpm and yarn neither download nor switch to the
 * version a project names, yarn ignores a project's `yarnPath`, npm reads no user or global
 * npmrc and runs no scripts, go uses the installed toolchain (never a `toolchain` line's),
 * python does not put the current folder first on its module path.
 * Others: ripgrep reads no configuration file, bash gets no `GLOBIGNORE` / `CDPATH` /
 * `POSIXLY_CORRECT` that would make it expand or look up what the policy judged differently.
 *
 * Contract for the executor (tools/registry.ts): when a shell command runs because the policy
 * allowed it (the assessment had `needs_approval: false`, the grant is the policy's), start
 * from the child environment (`childEnv()`), remove every name in `unset`, then set every
 * entry of `set`, and pass that environment to the sandbox and the process
 * (`applyRunEnvironment` does exactly this). Commands a person approved run with their normal
 * environment.
 */

export interface RunEnvironment {
  /** Variables to set, overriding any inherited value. */
  set: Record<string, string>
  /** Variables to remove. */
  unset: string[]
}

/** `git -c` settings forced on every git the policy lets run. */
const GIT_SETTINGS: [string, string][] = [
  ['core.fsmonitor', 'false'],
  ['core.hooksPath', '/dev/null'],
  ['core.pager', 'cat'],
  ['log.showSignature', 'false'],
  ['gpg.program', 'false'],
  ['gpg.ssh.program', 'false'],
  ['gpg.x509.program', 'false'],
  ['safe.bareRepository', 'explicit'],
  ['diff.ignoreSubmodules', 'all'],
  ['status.submoduleSummary', 'false'],
  ['submodule.recurse', 'false'],
  ['protocol.allow', 'never']
]

/** The value of `GIT_CONFIG_PARAMETERS` for `settings` (git's `'key=value'` quoting). */
export function gitConfigParameters(settings: readonly [string, string][]): string {
  return settings.map(([key, value]) => `'${key}=${value.replace(/'/g, "'\\''")}'`).join(' ')
}

export const POLICY_RUN_ENV: RunEnvironment = Object.freeze({
  set: Object.freeze({
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_PARAMETERS: gitConfigParameters(GIT_SETTINGS),
    GIT_ATTR_NOSYSTEM: '1',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_NO_REPLACE_OBJECTS: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_PAGER: 'cat',
    PAGER: 'cat',
    COREPACK_ENABLE_NETWORK: '0',
    COREPACK_ENABLE_PROJECT_SPEC: '0',
    COREPACK_ENABLE_STRICT: '0',
    COREPACK_ENABLE_AUTO_PIN: '0',
    COREPACK_ENABLE_DOWNLOAD_PROMPT: '0',
    YARN_IGNORE_PATH: '1',
    npm_config_userconfig: '/dev/null',
    npm_config_globalconfig: '/dev/null',
    npm_config_ignore_scripts: 'true',
    npm_config_update_notifier: 'false',
    npm_config_manage_package_manager_versions: 'false',
    GOTOOLCHAIN: 'local',
    PYTHONSAFEPATH: '1',
    PYTHONDONTWRITEBYTECODE: '1'
  }) as Record<string, string>,
  unset: Object.freeze([
    'GIT_DIR',
    'GIT_WORK_TREE',
    'GIT_COMMON_DIR',
    'GIT_INDEX_FILE',
    'GIT_OBJECT_DIRECTORY',
    'GIT_ALTERNATE_OBJECT_DIRECTORIES',
    'GIT_NAMESPACE',
    'GIT_ATTR_SOURCE',
    'GIT_EXTERNAL_DIFF',
    'GIT_EXEC_PATH',
    'GIT_CONFIG',
    'GIT_CONFIG_COUNT',
    'GIT_SSH',
    'GIT_SSH_COMMAND',
    'GIT_ASKPASS',
    'SSH_ASKPASS',
    'GIT_EDITOR',
    'GIT_SEQUENCE_EDITOR',
    'GIT_TRACE',
    'GIT_TRACE2',
    'GIT_TRACE2_EVENT',
    'GIT_TRACE2_PERF',
    'GIT_TRACE_PACKET',
    'GIT_TRACE_PERFORMANCE',
    'GIT_TRACE_SETUP',
    'GIT_TRACE_CURL',
    'GIT_TRACE_PACK_ACCESS',
    'GIT_TRACE_SHALLOW',
    'RIPGREP_CONFIG_PATH',
    'GREP_OPTIONS',
    'GLOBIGNORE',
    'CDPATH',
    'POSIXLY_CORRECT'
  ]) as string[]
})

/** `env` with `runEnv` applied: the names in `unset` removed, then `set` on top. */
export function applyRunEnvironment(
  env: Readonly<Record<string, string>>,
  runEnv: RunEnvironment = POLICY_RUN_ENV
): Record<string, string> {
  const out: Record<string, string> = {}
  const drop = new Set(runEnv.unset)
  for (const [name, value] of Object.entries(env)) if (!drop.has(name)) out[name] = value
  return { ...out, ...runEnv.set }
}
