/** Workspace confinement of shell commands (finding 1) and process environments (finding 2). */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ToolRegistry } from '../tools/registry'
import { callCovered, SHELL_TOOL } from './rules'
import { assessShellCommand, POLICY_RUN_ENV } from './shell-policy'

let base: string
/** A plain workspace: src/a.ts, src/b.ts, README.md, file.txt, notes.txt. */
let ws: string
/** A workspace whose symlinks lead out: src/secret → ../outside/secret.txt, docs → ../outside. */
let trap: string
/** Files next to the workspaces, outside both. */
let outside: string

function write(file: string, text = 'x\n'): void {
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, text)
}

beforeAll(() => {
  base = realpathSync(mkdtempSync(path.join(tmpdir(), 'duck-confine-')))
  ws = path.join(base, 'ws')
  trap = path.join(base, 'trap')
  outside = path.join(base, 'outside')
  for (const dir of [ws, trap]) {
    write(path.join(dir, 'README.md'))
    write(path.join(dir, 'file.txt'))
    write(path.join(dir, 'notes.txt'))
    write(path.join(dir, 'src', 'a.ts'))
    write(path.join(dir, 'src', 'b.ts'))
  }
  write(path.join(outside, 'secret.txt'))
  write(path.join(base, 'outside.txt'))
  symlinkSync(path.join(outside, 'secret.txt'), path.join(trap, 'src', 'secret'))
  symlinkSync(outside, path.join(trap, 'docs'))
})

afterAll(() => {
  rmSync(base, { recursive: true, force: true })
})

describe('read-only commands outside the workspace ask (finding 1)', () => {
  it.each<[string, RegExp]>([
    ['cat ~/.ssh/id_rsa', /\/\.ssh\/id_rsa$/],
    ['cat ~/.config/Duck/api-token', /\/\.config\/Duck\/api-token$/],
    ['cat /proc/self/environ', /^\/proc\/.*environ$/],
    ['ls /', /^\/$/],
    ['find / -name x', /^\/$/],
    ['git -C /tmp status', /^\/(private\/)?tmp$/],
    ['grep -rn TODO /etc', /^\/(private\/)?etc$/],
    ['stat ~', /./],
    ['df -h /', /^\/$/],
    ['wc -l --files0-from=/etc/passwd', /\/etc\/passwd$/],
    ['grep -f /etc/passwd src', /\/etc\/passwd$/],
    ['grep -rf/etc/passwd src', /\/etc\/passwd$/],
    ["sed -n 'r /etc/passwd' file.txt", /\/etc\/passwd$/],
    ["sed -n '1,5p' /etc/passwd", /\/etc\/passwd$/],
    ['jq . /etc/os-release', /os-release$/],
    ['test -f ~/.ssh/id_rsa', /\/\.ssh\/id_rsa$/],
    ['cat README.md | head -5 /etc/hosts', /\/etc\/hosts$/],
    ['diff --from-file=/etc/hosts file.txt', /\/etc\/hosts$/]
  ])('%s', async (command, resolved) => {
    const a = await assessShellCommand(command, 'none', ws)
    expect(a.needs_approval).toBe(true)
    expect(a.rule_keys).toEqual([])
    expect(a.outside_workspace.some((p) => resolved.test(p))).toBe(true)
    expect(a.reasons.some((r) => r.includes('outside the workspace'))).toBe(true)
  })

  it('names the program, what it reads and where', async () => {
    const a = await assessShellCommand('cat ~/.ssh/id_rsa', undefined, ws)
    const key = path.join(realpathSync(homedir()), '.ssh', 'id_rsa')
    expect(a.outside_workspace).toEqual([key])
    expect(a.reasons).toEqual([`\`cat\` reads \`${key}\`, outside the workspace`])
    expect(a).toMatchObject({ action_type: 'file_read', risk_level: 'medium', privileged: false })
  })

  it('judges a relative path that climbs out', async () => {
    const a = await assessShellCommand('head ../outside.txt', undefined, ws)
    expect(a.needs_approval).toBe(true)
    expect(a.outside_workspace).toEqual([path.join(base, 'outside.txt')])
  })

  it('asks for a `cd` out of the workspace, and judges what follows from there', async () => {
    const a = await assessShellCommand('cd / && cat etc/shadow', undefined, ws)
    expect(a.needs_approval).toBe(true)
    expect(a.rule_keys).toEqual([])
    expect(a.outside_workspace).toEqual(['/', '/etc/shadow'])
    expect(a.reasons).toEqual([
      '`cd` goes to `/`, outside the workspace',
      '`cat` reads `/etc/shadow`, outside the workspace'
    ])
  })

  it('treats `cd` without a folder as going home, and `cd -` as unknown', async () => {
    const home = await assessShellCommand('cd && cat .bashrc', undefined, ws)
    expect(home.needs_approval).toBe(true)
    expect(home.outside_workspace).toContain(path.join(realpathSync(homedir()), '.bashrc'))
    const back = await assessShellCommand('cd - && ls', undefined, ws)
    expect(back.needs_approval).toBe(true)
    expect(back.rule_keys).toEqual([])
    expect(back.reasons).toEqual(['`cd -` goes to a folder Duck cannot check'])
  })

  it('asks for tilde forms Duck does not expand (`~user`, `~+`, `~-`)', async () => {
    for (const command of ['cat ~root/.bashrc', 'ls ~-', 'cat ~+/x']) {
      const a = await assessShellCommand(command, undefined, ws)
      expect(a.needs_approval, command).toBe(true)
      expect(a.rule_keys, command).toEqual([])
    }
  })

  it('does not let a rule for the program cover a read outside the workspace', async () => {
    const a = await assessShellCommand('cat ~/.ssh/id_rsa', undefined, ws)
    expect(callCovered(a, [{ tool: SHELL_TOOL, pattern: 'cat' }], SHELL_TOOL)).toBe(false)
    const ok = await assessShellCommand('sed -n 1p README.md /etc/passwd', undefined, ws)
    expect(callCovered(ok, [{ tool: SHELL_TOOL, pattern: 'sed' }], SHELL_TOOL)).toBe(false)
  })

  it('takes the rule key of a part that asks anyway when it names a path outside', async () => {
    const a = await assessShellCommand('cp notes.txt ~/.bashrc', undefined, ws)
    expect(a.needs_approval).toBe(true)
    expect(a.rule_keys).toEqual([])
    expect(a.reasons).toContain(
      `\`cp\` uses \`${path.join(realpathSync(homedir()), '.bashrc')}\`, outside the workspace`
    )
    expect((await assessShellCommand('cp notes.txt copy.txt', undefined, ws)).rule_keys).toEqual(['cp'])
  })

  it('lists outside paths of commands that are not plain, for the card', async () => {
    const a = await assessShellCommand('cat ~/.ssh/id_rsa > out.txt', undefined, ws)
    expect(a.needs_approval).toBe(true)
    expect(a.outside_workspace).toEqual([path.join(realpathSync(homedir()), '.ssh', 'id_rsa')])
    const redirect = await assessShellCommand('ls > /etc/x', undefined, ws)
    expect(redirect.outside_workspace).toEqual(['/etc/x'])
  })
})

describe('normal use inside the workspace does not ask', () => {
  it.each([
    'grep -rn TODO src',
    'grep -rn "TODO" src',
    'cat README.md | head -20',
    "find . -name '*.ts'",
    'git status && git log --oneline -5',
    'ls -la',
    'wc -l src/*.ts',
    'sed -n 1,20p file.txt',
    "sed -n '/start/,/end/p' file.txt",
    "sed -En 's|/usr|X|p' file.txt",
    'cd src && ls',
    'cd src && cat a.ts',
    'cat *.md',
    'head -n 5 notes.txt',
    'tail -20 notes.txt',
    'cut -d / -f 1 notes.txt',
    'rg -n foo --glob "*.ts"',
    "rg -n '/usr/bin' src",
    'jq .name README.md',
    'du -h -d 2 . | sort -rh | head -n 20',
    "find . -type f -size +50M -not -path './.git/*'",
    "git log --since='1 week ago' --stat --oneline",
    'git diff HEAD~1 -- src',
    'git -C src status',
    'tree -L 2',
    'stat README.md',
    'uname -a',
    'apt list --upgradable',
    'whoami',
    'df -h .',
    'command -v git',
    'which apt dnf pacman',
    'echo /etc/passwd',
    'ps aux',
    'ps -ef'
  ])('%s', async (command) => {
    const a = await assessShellCommand(command, 'none', ws)
    expect(a.reasons).toEqual([])
    expect(a.needs_approval).toBe(false)
    expect(a.outside_workspace).toEqual([])
  })

  it('keeps rule keys for commands without path operands', async () => {
    expect(await assessShellCommand('apt list --upgradable', undefined, ws)).toEqual({
      risk_level: 'low',
      action_type: 'package_check',
      needs_approval: false,
      reasons: [],
      outside_workspace: [],
      privileged: false,
      rule_keys: ['apt list'],
      rule_parts: [{ key: 'apt list', words: 'apt list --upgradable' }],
      run_env: POLICY_RUN_ENV
    })
  })
})

describe('symlinks and wildcards that lead out', () => {
  it.each([
    ['cat src/secret', 'secret.txt'],
    ['cat src/*', 'secret.txt'],
    ['cat s*/s?cr*', 'secret.txt'],
    ['cat docs/secret.txt', 'secret.txt'],
    ['cat */secret.txt', 'secret.txt'],
    ['cd src && cat secret', 'secret.txt'],
    ['cd docs && ls', 'outside'],
    ['cat .*/outside.txt', 'outside.txt']
  ])('%s asks', async (command, leaf) => {
    const a = await assessShellCommand(command, undefined, trap)
    expect(a.needs_approval).toBe(true)
    expect(a.rule_keys).toEqual([])
    expect(a.outside_workspace.some((p) => p.endsWith(leaf))).toBe(true)
  })

  it.each([
    'grep -R secret .',
    'grep --dereference-recursive x',
    'rg -L x',
    'find -L . -name x',
    'find . -follow',
    'tree -l'
  ])('%s follows a link out and asks', async (command) => {
    const a = await assessShellCommand(command, undefined, trap)
    expect(a.needs_approval).toBe(true)
    expect(a.rule_keys).toEqual([])
    expect(a.reasons.some((r) => r.includes('follows the symbolic link'))).toBe(true)
  })

  it('lets the same walks run where no link leads out', async () => {
    for (const command of ['grep -R TODO .', 'rg -L x', 'find -L . -name x', 'grep -rn secret .']) {
      expect((await assessShellCommand(command, undefined, ws)).needs_approval, command).toBe(false)
    }
    // Not following links: the links are not read.
    expect((await assessShellCommand('grep -rn secret .', undefined, trap)).needs_approval).toBe(false)
  })
})

describe('git in a workspace inside a larger repository', () => {
  it('asks: the repository above is outside the workspace', async () => {
    const repo = path.join(base, 'repo')
    const sub = path.join(repo, 'packages', 'app')
    mkdirSync(path.join(repo, '.git'), { recursive: true })
    mkdirSync(sub, { recursive: true })
    const a = await assessShellCommand('git log -p', undefined, sub)
    expect(a.needs_approval).toBe(true)
    expect(a.outside_workspace).toEqual([path.join(repo, '.git')])
    expect(a.rule_keys).toEqual([])
    expect((await assessShellCommand('git --version', undefined, sub)).needs_approval).toBe(false)
    expect((await assessShellCommand('git status', undefined, repo)).needs_approval).toBe(false)
  })
})

describe('process environments (finding 2)', () => {
  it.each([
    'ps eww',
    'ps aux e',
    'ps -eo pid,command e',
    'ps e',
    'ps axe',
    'ps -axe',
    'ps -eux',
    'ps -E',
    'ps -o pid,environ'
  ])('%s asks and can never be a rule', async (command) => {
    const a = await assessShellCommand(command, 'none')
    expect(a.needs_approval).toBe(true)
    expect(a.rule_keys).toEqual([])
    expect(a.reasons).toEqual(['`ps e` shows the environment variables of running programs'])
  })

  it.each([
    'ps aux',
    'ps -ef',
    'ps -eo pid,user,args',
    'ps -u root',
    'ps axo pid,user',
    'ps -e --sort=-pcpu',
    'ps -fp 1',
    'ps -eF'
  ])('%s stays read-only', async (command) => {
    const a = await assessShellCommand(command, 'none')
    expect(a).toMatchObject({ needs_approval: false, action_type: 'system_info', rule_keys: ['ps'] })
  })

  it.each([
    'printenv',
    'printenv OPENAI_API_KEY',
    'env',
    'set',
    'export -p',
    'declare -p',
    'jq -n env',
    'jq -n $ENV',
    "jq -n 'env.HOME'"
  ])('%s asks and can never be a rule', async (command) => {
    const a = await assessShellCommand(command, 'none')
    expect(a.needs_approval).toBe(true)
    expect(a.rule_keys).toEqual([])
  })

  it('asks for process folders under /proc even without a workspace', async () => {
    for (const command of [
      'cat /proc/self/environ',
      'cat /proc/1/environ',
      'grep -ra KEY /proc/1',
      'cat /proc/*/environ',
      'cd /proc && cat self/environ',
      'ls /proc'
    ]) {
      const a = await assessShellCommand(command, 'none')
      expect(a.needs_approval, command).toBe(true)
      expect(a.rule_keys, command).toEqual([])
    }
    expect((await assessShellCommand('cat /proc/cpuinfo', 'none')).needs_approval).toBe(false)
  })
})

describe('the shell tool', () => {
  it('assesses commands against the task workspace', async () => {
    const tool = new ToolRegistry().get('shell_exec_safe')
    expect(tool).toBeDefined()
    const outsideRead = await tool?.assess({ command: 'cat ~/.ssh/id_rsa' }, { workspace: ws })
    expect(outsideRead?.needs_approval).toBe(true)
    const insideRead = await tool?.assess({ command: 'cat README.md' }, { workspace: ws })
    expect(insideRead?.needs_approval).toBe(false)
  })
})
