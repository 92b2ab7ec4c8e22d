/**
 * Class 4 of issue 11: options are read the way the programs read them (abbreviations,
 * clusters, `=value`, BSD meanings) and only known-harmless ones pass (program-options,
 * package-options, and the builtins that assign variables).
 */
import { describe, expect, it } from 'vitest'
import { NPM_LOOKUP, PIP_LOOKUP, refusedLookupOption } from './package-options'
import { refusedOption } from './program-options'
import { assessShellCommand } from './shell-policy'

describe('read-only programs: only listed options', () => {
  it.each<[string, string[], string]>([
    ['sort', ['--out=x', 'a'], '--out=x'],
    ['sort', ['--outp', 'x', 'a'], '--outp'],
    ['sort', ['-uo', 'x', 'a'], '-uo'],
    ['sort', ['-o', 'x'], '-o'],
    ['sort', ['--compress-program=sh'], '--compress-program=sh'],
    ['sort', ['--comp=sh'], '--comp=sh'],
    ['sort', ['-T', '/tmp'], '-T'],
    ['sort', ['--files0-from=l'], '--files0-from=l'],
    ['sort', ['--ran'], '--ran'],
    ['wc', ['--files0-from=l'], '--files0-from=l'],
    ['wc', ['--files0'], '--files0'],
    ['du', ['--files0-from', 'l'], '--files0-from'],
    ['tree', ['-o', 'out'], '-o'],
    ['tree', ['-aR'], '-aR'],
    ['tree', ['--fromfile', 'l'], '--fromfile'],
    ['file', ['-f', 'l'], '-f'],
    ['file', ['--files-from=l'], '--files-from=l'],
    ['file', ['-C'], '-C'],
    ['file', ['-p', 'x'], '-p'],
    ['md5sum', ['-c', 's'], '-c'],
    ['sha256sum', ['--check', 's'], '--check'],
    ['sha256sum', ['--ch', 's'], '--ch'],
    ['base64', ['-o', 'out', 'a'], '-o'],
    ['base64', ['-i', 'a'], '-i'],
    ['rg', ['--pre=sh', 'x'], '--pre=sh'],
    ['rg', ['--pre', 'sh', 'x'], '--pre'],
    ['rg', ['-z', 'x'], '-z'],
    ['rg', ['-iz', 'x'], '-iz'],
    ['rg', ['--search-zip', 'x'], '--search-zip'],
    ['rg', ['--hostname-bin=x'], '--hostname-bin=x'],
    ['grep', ['-S', 'x', '.'], '-S'],
    ['grep', ['-O', 'x', '.'], '-O'],
    ['grep', ['-p', 'x'], '-p'],
    ['cat', ['--show-all=yes', 'a'], '--show-all=yes'],
    ['ls', ['--frobnicate'], '--frobnicate'],
    ['head', ['--follow', 'a'], '--follow'],
    ['strings', ['@args'], '@args'],
    ['strings', ['--', '@args'], '@args'],
    ['cksum', ['-o', '1', 'a'], '-o'],
    ['stat', ['--files0-from=l'], '--files0-from=l'],
    ['diff', ['--to-file=x', '-q', 'a'], null as unknown as string]
  ])('%s %j refuses %s', (prog, args, refused) => {
    expect(refusedOption(prog, args)).toBe(refused)
  })

  it.each<[string, string[]]>([
    ['ls', ['-la', '--color=auto', '-1']],
    ['ls', ['--col=always']],
    ['sort', ['-t,', '-k2', '-rn', '--parallel=2']],
    ['sort', ['-uk', '2']],
    ['head', ['-n', '5', '-q']],
    ['head', ['-5']],
    ['tail', ['-n', '+2', '-f']],
    ['grep', ['-rnA3', '--include=*.ts', '-e', 'x']],
    ['grep', ['-5', 'x']],
    ['cut', ['-d,', '-f1']],
    ['wc', ['-lw', '--total=never']],
    ['du', ['-sh', '--max-depth=1', '-d', '2']],
    ['stat', ['-c', '%s']],
    ['od', ['-An', '-tx1', '-w16']],
    ['base64', ['-w0', '-d']],
    ['rg', ['-n', '--glob', '*.ts', '-t', 'ts', '--pre-glob', '*.gz']],
    ['tree', ['-L', '2', '-I', 'node_modules', '-a']],
    ['file', ['-b', '--mime-type']],
    ['diff', ['-ru', '--color', '-3']],
    ['strings', ['-n', '8', '-8']],
    ['md5sum', ['--tag', '-b']],
    ['uniq', ['-c', '-f1']],
    ['xargs', ['-a', 'list']]
  ])('%s %j passes', (prog, args) => {
    expect(refusedOption(prog, args)).toBeNull()
  })
})

describe('package-manager lookups: only display options', () => {
  it.each([
    [['ls', '--registry=http://x'], '--registry=http://x'],
    [['view', 'react', '--node-options=--require=x'], '--node-options=--require=x'],
    [['outdated', '--script-shell=./x'], '--script-shell=./x'],
    [['ls', '--userconfig', 'x'], '--userconfig'],
    [['ls', '--git=./x'], '--git=./x'],
    [['--prefix', '/tmp', 'ls'], '--prefix'],
    [['ls', '-C', '/tmp'], '-C'],
    [['ls', '--cache=/tmp/x'], '--cache=/tmp/x']
  ])('npm %j refuses %s', (args, refused) => {
    const sub = args.findIndex((a) => ['ls', 'view', 'outdated'].includes(a))
    expect(refusedLookupOption(args, sub, NPM_LOOKUP)).toBe(refused)
  })

  it.each([
    [['list', '--index-url', 'http://x'], '--index-url'],
    [['list', '-i', 'http://x'], '-i'],
    [['list', '--extra-index-url=http://x'], '--extra-index-url=http://x'],
    [['list', '--proxy', 'x'], '--proxy'],
    [['show', '--cert', 'x', 'r'], '--cert'],
    [['list', '--trusted-host', 'x'], '--trusted-host']
  ])('pip %j refuses %s', (args, refused) => {
    expect(refusedLookupOption(args, 0, PIP_LOOKUP)).toBe(refused)
  })

  it.each([
    ['npm ls --depth=0 --json', false],
    ['npm ls --no-color', false],
    ['pip list --format=json --outdated', false],
    ['pip show -f requests', false],
    ['npm ls --registry=http://evil.example', true],
    ['pip list --index-url http://evil.example', true],
    ['gem list --source http://evil.example', true],
    ['brew info --json=v2 jq', false],
    ['docker ps -a --format x', false],
    ['docker ps --host ssh://x', true]
  ])('%s asks: %s', async (command, asks) => {
    expect((await assessShellCommand(command)).needs_approval).toBe(asks)
  })
})

describe('builtins that set variables', () => {
  it.each([
    ['printf -v PATH %s .', true],
    ['printf -vPATH %s .', true],
    ['printf -v IFS x', true],
    ['printf -- -v', false],
    ["printf '%s\\n' a", false],
    ['read x', true],
    ['declare x=1', true],
    ['export PATH=.', true],
    ['mapfile -C cb x', true],
    ['readarray x', true],
    ['getopts ab x', true],
    ['local x=1', true],
    ['typeset x', true],
    ['let x=1', true],
    ['unset PATH', true],
    ['shopt -s dotglob', true],
    ['set -o posix', true],
    ['alias ls=rm', true],
    ['hash -p ./x ls', true]
  ])('%s asks: %s', async (command, asks) => {
    expect((await assessShellCommand(command)).needs_approval).toBe(asks)
  })
})
