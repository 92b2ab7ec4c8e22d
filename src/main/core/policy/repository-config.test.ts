/**
 * Class 3 of issue 11: repository and workspace configuration that makes a read-only command
 * run a program. What can be forced off is forced off (run-environment, checked here with the
 * real git); what cannot makes the command ask (git-repository, workspace-config).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configHazard, inspectRepositories, parseGitConfig } from './git-repository'
import { applyRunEnvironment, gitConfigParameters, POLICY_RUN_ENV } from './run-environment'
import { assessShellCommand } from './shell-policy'
import type { Fixture } from './test-corpus'
import { EVIL_REPOS, makeFixture } from './test-corpus'
import { toolchainProblems } from './workspace-config'

let fx: Fixture

beforeAll(() => {
  fx = makeFixture()
})

afterAll(() => {
  fx.remove()
})

describe('git configuration Duck reads the way git does', () => {
  it('parses sections, subsections, continuations and comments', () => {
    expect(
      parseGitConfig(
        '[core]\n\tbare = false ; c\n[remote "o r"]\n\turl = "a;b" # c\n[Diff.X]\n\ttextconv\n[a] b = c \\\n d\n'
      )
    ).toEqual([
      { section: 'core', subsection: null, name: 'bare', value: 'false ' },
      { section: 'remote', subsection: 'o r', name: 'url', value: '"a;b" ' },
      { section: 'diff', subsection: 'x', name: 'textconv', value: '' },
      { section: 'a', subsection: null, name: 'b', value: 'c  d' }
    ])
  })

  it.each(['[core\nx = 1\n', 'x = 1\n', '[a "b]\n', '[a]\n\tb = "unterminated\n', '[a]\n\t1b = c\n', '[a]\nb = \\q\n'])(
    'refuses %j',
    (text) => {
      expect(parseGitConfig(text)).toBeNull()
    }
  )

  it.each(Object.entries(EVIL_REPOS))('%s: its configuration asks', async (name) => {
    expect(await configHazard(path.join(fx.ws, name, '.git', 'config'))).not.toBeNull()
  })

  it.each([
    '[core]\n\tfsmonitor = true\n',
    '[core]\n\tfsmonitor = false\n',
    '[core]\n\thooksPath = .husky\n\tpager = less\n\teditor = vim\n',
    '[log]\n\tshowSignature = true\n[gpg]\n\tprogram = gpg2\n',
    '[alias]\n\tst = !sh -c id\n',
    '[remote "origin"]\n\turl = https://github.com/example/external.git\n',
    '[merge "x"]\n\tdriver = ./merge.sh\n'
  ])('%j is undone by the forced settings, or never used by a read', async (config) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'duck-gitcfg-'))
    writeFileSync(path.join(dir, 'config'), config)
    expect(await configHazard(path.join(dir, 'config'))).toBeNull()
    rmSync(dir, { recursive: true, force: true })
  })
})

describe('the repository git would use', () => {
  it.each([
    ['evil-gitfile', /points git at .*outside the workspace/],
    ['evil-commondir', /shares .*outside the workspace/],
    ['evil-alternates', /borrows objects .*outside the workspace/],
    ['evil-worktreeconfig', /config\.worktree/],
    ['evil-module', /modules\/lib\/config/],
    ['evil-symlinked', /leads to .*outside the workspace/],
    ['evil-bare.git', /bare git repository/],
    ['vendor/lib.git', /bare git repository/],
    ['vendor/lib.git/refs', /bare git repository/]
  ])('%s asks: %s', async (dir, reason) => {
    const finding = await inspectRepositories(fx.ws, [path.join(fx.ws, dir)])
    expect(finding.reasons.join('\n')).toMatch(reason)
  })

  it('finds the workspace repository and nested clean ones without a reason', async () => {
    const finding = await inspectRepositories(fx.ws, [fx.ws, path.join(fx.ws, 'src'), path.join(fx.ws, 'clean-sub')])
    expect(finding).toEqual({ found: true, reasons: [], outside: [] })
  })

  it('says when no repository is inside the workspace (the one above is judged elsewhere)', async () => {
    const finding = await inspectRepositories(path.join(fx.ws, 'src'), [path.join(fx.ws, 'src')])
    expect(finding.found).toBe(false)
  })
})

describe('version and package managers', () => {
  it.each([
    ['python3', 'py-evil', /python-version/],
    ['pip', 'py-evil', /python-version/],
    ['ruby', 'rb-evil', /ruby-version/],
    ['node', 'node-evil', /node-version/],
    ['node', 'asdf-evil', /tool-versions/],
    ['python3', 'asdf-ref', /tool-versions/],
    ['cargo', 'rust-evil', /rust-toolchain/],
    ['rustc', 'rust-plain', /rust-toolchain/],
    ['yarn', 'yarn-evil', /yarnPath/],
    ['yarn', 'yarn-plugin', /plugins/],
    ['yarn', 'yarn-classic', /yarn-path/],
    ['pnpm', 'pnpm-evil', /pnpmfile/],
    ['npm', 'npmrc-evil', /\.npmrc/],
    ['npm', 'npmrc-shell', /\.npmrc/],
    ['npx', 'npmrc-node', /\.npmrc/],
    ['npm', 'pm-evil', /packageManager/],
    ['corepack', 'pm-evil', /packageManager/],
    ['node', 'volta-evil', /volta/]
  ])('%s in %s asks', async (prog, dir, reason) => {
    expect((await toolchainProblems(prog, [path.join(fx.ws, dir)], fx.ws)).join('\n')).toMatch(reason)
  })

  it('reads the folders above, up to the workspace root only', async () => {
    expect(await toolchainProblems('python3', [path.join(fx.ws, 'py-evil')], fx.ws)).not.toEqual([])
    expect(await toolchainProblems('python3', [fx.ws, path.join(fx.ws, 'src')], fx.ws)).toEqual([])
    expect(await toolchainProblems('npm', [fx.ws], fx.ws)).toEqual([])
    expect(await toolchainProblems('ls', [path.join(fx.ws, 'py-evil')], fx.ws)).toEqual([])
    expect(await toolchainProblems('node', [path.join(fx.ws, 'pm-evil')], fx.ws)).toEqual([])
  })
})

describe('the forced environment', () => {
  it('is given with every command that runs without a person, and only then', async () => {
    expect((await assessShellCommand('git status', undefined, fx.ws)).run_env).toBe(POLICY_RUN_ENV)
    expect((await assessShellCommand('git commit -m x', undefined, fx.ws)).run_env).toBeUndefined()
  })

  it('removes the variables it unsets and sets the rest', () => {
    const env = applyRunEnvironment({ PATH: '/usr/bin', GIT_DIR: '/x', GIT_EXTERNAL_DIFF: 'x', GIT_CONFIG_GLOBAL: 'y' })
    expect(env.PATH).toBe('/usr/bin')
    expect(env.GIT_DIR).toBeUndefined()
    expect(env.GIT_EXTERNAL_DIFF).toBeUndefined()
    expect(env.GIT_CONFIG_GLOBAL).toBe('/dev/null')
    expect(gitConfigParameters([['a.b', "it's"]])).toBe("'a.b=it'\\''s'")
  })

  const hasGit = spawnSync('git', ['--version']).status === 0

  it.runIf(hasGit)('stops the real git from running what the repository names', () => {
    const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'duck-realgit-')))
    const marker = path.join(dir, 'ran')
    const git = (args: string[], env: Record<string, string | undefined>) =>
      spawnSync('git', args, { cwd: path.join(dir, 'repo'), env: env as NodeJS.ProcessEnv, encoding: 'utf8' })
    mkdirSync(path.join(dir, 'repo'))
    const base = { ...process.env, HOME: dir } as Record<string, string>
    git(['init', '-q', '.'], base)
    writeFileSync(path.join(dir, 'repo', 'f.txt'), 'a\n')
    git(['add', 'f.txt'], base)
    git(['-c', 'user.name=a', '-c', 'user.email=a@b', 'commit', '-qm', 'x'], base)
    writeFileSync(path.join(dir, 'repo', 'f.txt'), 'b\n')
    const hook = path.join(dir, 'hook.sh')
    writeFileSync(hook, `#!/bin/sh\ntouch '${marker}'\nexit 1\n`, { mode: 0o755 })
    git(['config', 'core.fsmonitor', hook], base)
    git(['config', 'core.pager', hook], base)

    // Without the forced environment the repository's fsmonitor runs: the test is real.
    git(['status', '--short'], base)
    expect(existsSync(marker)).toBe(true)
    rmSync(marker)

    const forced = applyRunEnvironment(base)
    const status = git(['status', '--short'], forced)
    expect(status.stdout).toContain('f.txt')
    git(['log', '-p'], forced)
    git(['diff'], forced)
    expect(existsSync(marker)).toBe(false)

    // An embedded bare repository is refused by git itself.
    git(['init', '-q', '--bare', path.join(dir, 'repo', 'inner.git')], base)
    const bare = spawnSync('git', ['log'], { cwd: path.join(dir, 'repo', 'inner.git'), env: forced, encoding: 'utf8' })
    expect(bare.stderr).toMatch(/safe\.bareRepository|not a git repository/)
    rmSync(dir, { recursive: true, force: true })
  })
})
