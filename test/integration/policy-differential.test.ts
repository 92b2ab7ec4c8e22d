/**
 * The policy against the real shell. Thousands of generated command lines mix allow-listed
 * words with quotes, substitutions, separators, redirects, control characters and line
 * continuations. Every line the policy lets run without asking is run for real — in the
 * read-only sandbox, with a PATH of logging stubs — and the programs that actually started
 * must be ones the policy listed. A program that started unlisted is a mismatch: a way past
 * the policy. Goal: 0.
 */
import { spawnSync } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { parseCommand } from '../../src/main/core/policy/bash-parser'
import { assessShellCommand } from '../../src/main/core/policy/shell-policy'
import { createSandbox, SANDBOX_MAX_PROCESSES } from '../../src/main/core/sandbox/sandbox'
import { runCommand, shellArgv } from '../../src/main/core/tools/process'

const hasBwrap = process.platform === 'linux' && spawnSync('bwrap', ['--version']).status === 0
if (process.env.CI && process.platform === 'linux' && !hasBwrap) {
  throw new Error('bubblewrap is missing: CI must install it (apt-get install -y bubblewrap)')
}

/** Programs that get a logging stub: the allow-listed vocabulary and what an attacker would start. */
const STUBBED = [
  'ls',
  'cat',
  'grep',
  'wc',
  'head',
  'tail',
  'sort',
  'uniq',
  'cut',
  'git',
  'stat',
  'file',
  'date',
  'uname',
  'find',
  'tr',
  'xxd',
  'awk',
  'sed',
  'jq',
  'node',
  'diff',
  'du',
  'df',
  'tree',
  'which',
  'env',
  'id',
  'whoami',
  'rm',
  'curl',
  'wget',
  'touch',
  'sh',
  'bash',
  'python3',
  'perl',
  'nc',
  'mv',
  'cp',
  'chmod',
  'tee',
  'xargs',
  'dd',
  'ssh',
  'scp',
  'make',
  'npm',
  'npx',
  'sudo',
  'kill',
  'pwned'
]
/** Bash builtins: they run inside the shell, so no stub ever logs them. */
const BUILTINS = new Set([
  'echo',
  'printf',
  'cd',
  'pwd',
  'test',
  '[',
  '[[',
  'true',
  'false',
  ':',
  'read',
  'eval',
  'exec',
  'source',
  '.',
  'export',
  'type',
  'command',
  'builtin',
  'set',
  'unset',
  'shift',
  'local',
  'declare',
  'let',
  'ulimit',
  'umask',
  'wait',
  'jobs',
  'hash',
  'times',
  'trap',
  'alias',
  'history',
  'help',
  'return',
  'exit',
  'break',
  'continue'
])

const WORDS = [
  'ls',
  'ls -la',
  'cat a.txt',
  'grep x a.txt',
  'wc -l a.txt',
  'head -n 1 a.txt',
  'tail a.txt',
  'echo hi',
  'git status',
  'git log --oneline',
  'pwd',
  'sort a.txt',
  'uniq a.txt',
  'cut -d, -f1 a.txt',
  'stat a.txt',
  'file a.txt',
  'date',
  'uname -a',
  'tr a-z A-Z',
  'xxd a.txt',
  "awk '{print $1}' a.txt",
  'sed -n 1p a.txt',
  'find . -name a.txt',
  'du -sh .',
  'which ls',
  'node --version',
  '[ -f a.txt ]',
  'diff a.txt b.txt'
]
const HOSTILE = ['rm -rf dir', 'curl http://x', 'touch pwned', 'sh -c id', 'python3 -c 1', 'pwned', 'id']
const WRAP = ['$(%s)', '`%s`', '"$(%s)"', "'%s'", '"%s"', '<(%s)', '$( %s )', '${x:-$(%s)}']
const SEPARATORS = ['; ', ' && ', ' || ', ' | ', '\n', ' & ', ';', '&&']
const REDIRECTS = [' > out', ' 2>/dev/null', ' < a.txt', ' 2>&1', ' >> out', ' > /tmp/x', ' <<< hi', ' >&2']
const CONTROL = ['\r', '\v', '\f', '\\\n', '\\\r\n', '\u00a0', '#', ' #', '\\ #', '\t', '\u2028', '\\\t#']

/** A small deterministic generator (mulberry32), so a failure names a reproducible line. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function generate(count: number, seed = 20261203): string[] {
  const random = rng(seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
  const lines = new Set<string>()
  while (lines.size < count) {
    const segments: string[] = []
    const n = 1 + Math.floor(random() * 3)
    for (let i = 0; i < n; i++) {
      let segment = pick(WORDS)
      const roll = random()
      if (roll < 0.3) segment += ` ${pick(WRAP).replace('%s', pick(random() < 0.5 ? HOSTILE : WORDS))}`
      else if (roll < 0.4) segment = `${pick(WORDS)}${pick(CONTROL)}${pick(HOSTILE)}`
      if (random() < 0.3) segment += pick(REDIRECTS)
      if (random() < 0.25) {
        const at = Math.floor(random() * (segment.length + 1))
        segment = segment.slice(0, at) + pick(CONTROL) + segment.slice(at)
      }
      segments.push(segment)
    }
    let line = segments[0] as string
    for (const segment of segments.slice(1)) line += pick(SEPARATORS) + segment
    if (random() < 0.1) line += `${pick(CONTROL)}${pick(HOSTILE)}`
    lines.add(line)
  }
  return [...lines]
}

let root: string
let workspace: string
let stubs: string
let logs: string

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'duck-differential-')))
  workspace = join(root, 'ws')
  stubs = join(root, 'stubs')
  logs = join(root, 'logs')
  for (const dir of [join(workspace, 'dir'), stubs, logs]) mkdirSync(dir, { recursive: true })
  writeFileSync(join(workspace, 'a.txt'), 'a,1\nb,2\n')
  writeFileSync(join(workspace, 'b.txt'), 'a,1\n')
  for (const name of STUBBED) {
    const path = join(stubs, name)
    writeFileSync(path, `#!/bin/sh\nprintf '%s\\n' "\${0##*/}" >> "$DIFF_LOG"\n`)
    chmodSync(path, 0o755)
  }
})

afterAll(() => {
  rmSync(root, { recursive: true, force: true })
})

/** The programs (not builtins) the policy saw in a line. */
async function listed(line: string): Promise<Set<string>> {
  const parsed = await parseCommand(line)
  const names = parsed.ok ? parsed.parts.map((part) => basename(part.argv[0] ?? '')) : []
  return new Set(names.filter((name) => name && !BUILTINS.has(name)))
}

it.skipIf(!hasBwrap)(
  'every line the policy allows starts only the programs it listed (3,000 generated lines)',
  { timeout: 600_000 },
  async () => {
    const sandbox = createSandbox({ hidden: [] })
    expect((await sandbox.status()).available).toBe(true)
    const lines = generate(3_000)
    const mismatches: { line: string; listed: string[]; started: string[] }[] = []
    let allowed = 0
    let listedNotStarted = 0
    for (const [index, line] of lines.entries()) {
      const assessment = await assessShellCommand(line, undefined, workspace)
      if (assessment.needs_approval || assessment.privileged) continue
      allowed += 1
      const log = join(logs, `${index}.log`)
      const wrapped = sandbox.wrap({
        argv: shellArgv(line),
        workspace,
        grant: { profile: 'read_only', network: false, writablePaths: [] },
        env: { PATH: stubs, DIFF_LOG: log, LANG: 'C.UTF-8' }
      })
      // The test's own addition: the log folder is writable, so the stubs can say they ran.
      const at = wrapped.argv.indexOf('--chdir')
      const argv = [...wrapped.argv.slice(0, at), '--bind', logs, logs, ...wrapped.argv.slice(at)]
      await runCommand(argv, {
        cwd: workspace,
        env: wrapped.env,
        signal: new AbortController().signal,
        timeoutMs: 5_000,
        maxProcesses: SANDBOX_MAX_PROCESSES
      })
      const started = existsSync(log)
        ? new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))
        : new Set<string>()
      const names = await listed(line)
      const unlisted = [...started].filter((name) => !names.has(name))
      if (unlisted.length > 0) mismatches.push({ line, listed: [...names], started: [...started] })
      if ([...names].some((name) => STUBBED.includes(name) && !started.has(name))) listedNotStarted += 1
    }
    console.log(
      `policy differential: ${lines.length} lines, ${allowed} allowed without asking and run, ` +
        `${mismatches.length} mismatches (an unlisted program started), ` +
        `${listedNotStarted} lines where a listed program did not start (short-circuits, failed redirects)`
    )
    expect(allowed).toBeGreaterThan(200)
    expect(mismatches.slice(0, 10)).toEqual([])
  }
)
