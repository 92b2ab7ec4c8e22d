import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { chmod, mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeFakeSudo } from '../../../../test/support/scripting'
import { childEnv, runCommand, runShellCommand, runSudo, scrubSecret, type SudoOptions } from './process'

let dir: string

beforeEach(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'duck-process-')))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

function opts(extra: Partial<SudoOptions> = {}): SudoOptions {
  return { cwd: dir, signal: new AbortController().signal, ...extra }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** True when the process exists and is not a zombie (orphans may not be reaped here). */
async function alive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    const s = await readFile(`/proc/${pid}/stat`, 'utf8')
    const state = s.slice(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3)
    return state !== 'Z' && state !== 'X'
  } catch {
    return true // no /proc: trust kill(0)
  }
}

async function waitFor<T>(fn: () => Promise<T | undefined>, ms = 5_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error('timed out waiting')
    await sleep(20)
  }
}

async function readPid(file: string): Promise<number | undefined> {
  try {
    const n = Number.parseInt(await readFile(file, 'utf8'), 10)
    return Number.isFinite(n) && n > 0 ? n : undefined
  } catch {
    return undefined
  }
}

async function waitGone(pid: number, ms = 5_000): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (!(await alive(pid))) return true
    await sleep(25)
  }
  return false
}

describe('runCommand', () => {
  it('runs a program without a shell and returns its output and exit code', async () => {
    const r = await runCommand(['printf', '%s|', 'a b', '"q"', "it's", '$HOME', '*'], opts())
    expect(r).toMatchObject({ exitCode: 0, output: `a b|"q"|it's|$HOME|*|`, timedOut: false, cancelled: false })
    expect(r.durationMs).toBeGreaterThanOrEqual(0)
  })

  it('reports non-zero exit codes', async () => {
    const r = await runCommand(['sh', '-c', 'echo nope; exit 3'], opts())
    expect(r.exitCode).toBe(3)
    expect(r.output).toBe('nope\n')
  })

  it('interleaves stdout and stderr as they arrive', async () => {
    const r = await runCommand(
      ['sh', '-c', 'echo out1; sleep 0.1; echo err1 >&2; sleep 0.1; echo out2; sleep 0.1; echo err2 >&2'],
      opts()
    )
    expect(r.output).toBe('out1\nerr1\nout2\nerr2\n')
  })

  it('runs in cwd and adds env', async () => {
    const r = await runCommand(
      ['sh', '-c', 'pwd; echo "$DUCK_TEST_VAR"; echo "$PATH" | grep -c /'],
      opts({ env: { DUCK_TEST_VAR: 'quack' } })
    )
    expect(r.output).toBe(`${dir}\nquack\n1\n`)
  })

  it('ignores stdin (does not inherit it)', async () => {
    const r = await runCommand(['cat'], opts({ timeoutMs: 5_000 }))
    expect(r).toMatchObject({ exitCode: 0, output: '', timedOut: false })
  })

  it('gives a clear message, not a throw, for a missing program', async () => {
    const r = await runCommand(['duck-no-such-program-xyz', '--flag'], opts())
    expect(r.exitCode).toBe(127)
    expect(r.output).toBe('command not found: duck-no-such-program-xyz')
    expect(r.timedOut).toBe(false)
  })

  it('gives a clear message for a non-executable file and for a missing cwd', async () => {
    const f = join(dir, 'not-exec.sh')
    await writeFile(f, 'echo hi\n')
    const r1 = await runCommand([f], opts())
    expect(r1.exitCode).toBe(127)
    expect(r1.output).toBe(`permission denied: ${f}`)

    const r2 = await runCommand(['true'], opts({ cwd: join(dir, 'missing') }))
    expect(r2.exitCode).toBe(127)
    expect(r2.output).toBe(`working directory not found: ${join(dir, 'missing')}`)
  })

  it('handles an empty argv', async () => {
    const r = await runCommand([], opts())
    expect(r.exitCode).toBe(127)
    expect(r.output).toBe('no command given')
  })

  it('bounds huge output, keeping head and tail', async () => {
    const r = await runCommand(
      ['sh', '-c', 'echo START; head -c 20000000 /dev/zero | tr "\\0" a; echo; echo END'],
      opts({ maxOutputChars: 1000 })
    )
    expect(r.exitCode).toBe(0)
    expect(r.output.startsWith('START\naaa')).toBe(true)
    expect(r.output.endsWith('aaa\nEND\n')).toBe(true)
    expect(r.output).toContain('\n… [19,999,011 characters omitted] …\n')
    expect(r.output.length).toBeLessThan(1100)
  })

  it('decodes multi-byte UTF-8 split across chunks', async () => {
    const text = 'é😀ü'.repeat(50_000)
    const r = await runCommand(
      [process.execPath, '-e', "process.stdout.write('é😀ü'.repeat(50000))"],
      opts({ maxOutputChars: 1_000_000 })
    )
    expect(r.output.length).toBe(text.length)
    expect(r.output === text).toBe(true)
  })

  it('returns at once when already cancelled', async () => {
    const ac = new AbortController()
    ac.abort()
    const marker = join(dir, 'ran')
    const r = await runCommand(['touch', marker], opts({ signal: ac.signal }))
    expect(r).toMatchObject({ cancelled: true, exitCode: null, timedOut: false })
    await expect(stat(marker)).rejects.toThrow()
  })

  it('kills the whole process tree on abort', async () => {
    const ac = new AbortController()
    const pidFile = join(dir, 'pid')
    const p = runCommand(
      ['sh', '-c', `echo before; sleep 30 & echo $! > "${pidFile}"; wait`],
      opts({ signal: ac.signal })
    )
    const grandchild = await waitFor(() => readPid(pidFile))
    expect(await alive(grandchild)).toBe(true)
    const t0 = Date.now()
    ac.abort()
    const r = await p
    expect(Date.now() - t0).toBeLessThan(4_000)
    expect(r).toMatchObject({ cancelled: true, timedOut: false, exitCode: null })
    expect(r.output).toBe('before\n')
    expect(await waitGone(grandchild)).toBe(true)
  })

  it('kills the whole process tree on timeout', async () => {
    const pidFile = join(dir, 'pid')
    const r = await runCommand(['sh', '-c', `sleep 30 & echo $! > "${pidFile}"; wait`], opts({ timeoutMs: 500 }))
    expect(r).toMatchObject({ timedOut: true, cancelled: false, exitCode: null })
    expect(r.durationMs).toBeLessThan(5_000)
    const grandchild = await readPid(pidFile)
    expect(grandchild).toBeDefined()
    expect(await waitGone(grandchild ?? 0)).toBe(true)
  })

  it('SIGKILLs processes that ignore SIGTERM after the grace period', async () => {
    const pidFile = join(dir, 'pid')
    const r = await runCommand(
      ['sh', '-c', `trap "" TERM; sleep 30 & echo $! > "${pidFile}"; wait; wait`],
      opts({ timeoutMs: 300, killGraceMs: 300 })
    )
    expect(r.timedOut).toBe(true)
    expect(r.durationMs).toBeLessThan(5_000)
    const grandchild = await readPid(pidFile)
    expect(grandchild).toBeDefined()
    expect(await waitGone(grandchild ?? 0)).toBe(true)
  })

  it('finishes when the program exits but a background child keeps the output pipe open', async () => {
    const pidFile = join(dir, 'pid')
    const r = await runCommand(['sh', '-c', `sleep 30 & echo $! > "${pidFile}"; echo done`], opts())
    expect(r.exitCode).toBe(0)
    expect(r.output).toBe('done\n')
    expect(r.durationMs).toBeLessThan(5_000)
    expect(await waitGone((await readPid(pidFile)) ?? 0)).toBe(true)
  })

  it('does not kill a background job that redirected its output', async () => {
    const pidFile = join(dir, 'pid')
    const r = await runCommand(['sh', '-c', `sleep 30 >/dev/null 2>&1 & echo $! > "${pidFile}"; echo done`], opts())
    expect(r.output).toBe('done\n')
    const pid = (await readPid(pidFile)) ?? 0
    await sleep(1_500)
    expect(await alive(pid)).toBe(true)
    process.kill(pid, 'SIGKILL')
  })
})

describe('runShellCommand', () => {
  it('runs a command line through bash, the shell whose grammar the policy parses', async () => {
    const r = await runShellCommand('echo abc | tr a-c x-z && echo "$0" && echo "${BASH_VERSION:+bash}"', opts())
    expect(r.exitCode).toBe(0)
    expect(r.output).toMatch(/^xyz\n\/(usr\/)?bin\/bash\nbash\n$/)
  })

  it('never lets BASH_ENV or ENV run a file before the command', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duck-bashenv-'))
    const hook = join(dir, 'hook.sh')
    writeFileSync(hook, 'echo HOOKED\n')
    const before = { BASH_ENV: process.env.BASH_ENV, ENV: process.env.ENV }
    process.env.BASH_ENV = hook
    process.env.ENV = hook
    try {
      const r = await runShellCommand('echo plain', opts())
      expect(r.output).toBe('plain\n')
    } finally {
      for (const [name, value] of Object.entries(before)) {
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('reports exit codes and missing commands like a shell', async () => {
    expect((await runShellCommand('exit 7', opts())).exitCode).toBe(7)
    const r = await runShellCommand('duck-no-such-program-xyz', opts())
    expect(r.exitCode).toBe(127)
    expect(r.output).toMatch(/not found/)
  })

  it('kills the tree on abort', async () => {
    const ac = new AbortController()
    const pidFile = join(dir, 'pid')
    const p = runShellCommand(`sleep 30 & echo $! > "${pidFile}"; wait`, opts({ signal: ac.signal }))
    const pid = await waitFor(() => readPid(pidFile))
    ac.abort()
    const r = await p
    expect(r.cancelled).toBe(true)
    expect(await waitGone(pid)).toBe(true)
  })
})

describe('child environment', () => {
  const PRIVATE = {
    DUCK_MODEL_API_KEY: 'sk-duck-model-key-0001',
    DUCK_API_TOKEN: 'duck-api-token-0002',
    duck_lower_case: 'duck-lower-0003',
    ELECTRON_RUN_AS_NODE: 'electron-as-node-0004'
  }
  let saved: Record<string, string | undefined>

  beforeEach(() => {
    saved = {}
    for (const [name, value] of Object.entries(PRIVATE)) {
      saved[name] = process.env[name]
      process.env[name] = value
    }
  })

  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  })

  function expectClean(output: string): void {
    for (const [name, value] of Object.entries(PRIVATE)) {
      expect(output).not.toContain(`${name}=`)
      expect(output).not.toContain(value)
    }
    expect(output).toMatch(/^PATH=./m)
    expect(output).toMatch(/^HOME=./m)
  }

  it('runCommand and runShellCommand do not pass on Duck secrets or Electron switches', async () => {
    const direct = await runCommand(['env'], opts())
    expect(direct.exitCode).toBe(0)
    expectClean(direct.output)
    const shell = await runShellCommand('env; cat /proc/self/environ 2>/dev/null | tr "\\0" "\\n"', opts())
    expect(shell.exitCode).toBe(0)
    expectClean(shell.output)
  })

  it('still adds the caller env on top, even a DUCK_ name', async () => {
    const r = await runCommand(['env'], opts({ env: { DUCK_TEST_VAR: 'quack', HOME: '/duck-home' } }))
    expect(r.output).toMatch(/^DUCK_TEST_VAR=quack$/m)
    expect(r.output).toMatch(/^HOME=\/duck-home$/m)
    expect(r.output).not.toContain(PRIVATE.DUCK_MODEL_API_KEY)
  })

  it('runSudo does not pass them on either', async () => {
    const sudoPath = writeFakeSudo(dir, 'pw', 'ok', { noPassword: true })
    const wrapper = join(dir, 'env-sudo')
    // Shows the environment the sudo program itself was started with.
    await writeFile(wrapper, `#!/bin/sh\n[ "$1" = "-k" ] && [ $# -eq 1 ] && exit 0\nenv\nexec '${sudoPath}' "$@"\n`)
    await chmod(wrapper, 0o755)
    const r = await runSudo(['id'], 'pw', opts({ sudoPath: wrapper }))
    expect(r.exitCode).toBe(0)
    expectClean(r.output)
  })

  it('childEnv drops private names and keeps the rest', () => {
    const env = childEnv({ EXTRA: 'x' })
    expect(env.DUCK_MODEL_API_KEY).toBeUndefined()
    expect(env.ELECTRON_RUN_AS_NODE).toBeUndefined()
    expect(env.PATH).toBe(process.env.PATH)
    expect(env.EXTRA).toBe('x')
  })
})

describe('runSudo', () => {
  const PASSWORD = 'c0rrect h0rse "battery" $staple'
  const MARKER = /^\[duck-sudo:[0-9a-f]{32}\]$/

  /**
   * A fake `sudo -S`: checks the exact arguments, prints the prompt to stderr, reads a line
   * of stdin and compares, up to 3 tries, then execs the command. Each read is logged to
   * `reads`. Mode files in the directory: `nopasswd` (no prompt, exec at once), `one-try`
   * (give up after the first wrong password, like passwd_tries=1), `split-prompt` (write the
   * prompt in two parts), `slow` (prompt only after 2 s), `hang-on-eof` (wait instead of
   * failing when stdin ends).
   */
  async function fakeSudo(
    ...modes: ('nopasswd' | 'one-try' | 'split-prompt' | 'slow' | 'hang-on-eof')[]
  ): Promise<string> {
    const path = join(dir, 'fake-sudo')
    await writeFile(join(dir, 'expected'), PASSWORD + '\n')
    for (const mode of modes) await writeFile(join(dir, mode), '')
    await writeFile(
      path,
      `#!/bin/sh
D='${dir}'
if [ "$#" -eq 1 ] && [ "$1" = "-k" ]; then echo reset >> "$D/k-calls"; exit 0; fi
if [ "$1" != "-k" ] || [ "$2" != "-S" ] || [ "$3" != "-p" ] || [ "$5" != "--" ]; then
  echo "fake sudo: bad arguments: $*" >&2; exit 99
fi
prompt=$4
printf '%s\\n' "$prompt" >> "$D/prompts"
shift 5
[ -e "$D/nopasswd" ] && exec "$@"
[ -e "$D/slow" ] && sleep 2
expected=$(cat "$D/expected")
tries=0
while :; do
  if [ -e "$D/split-prompt" ]; then
    rest=\${prompt#????????????}
    printf '%s' "\${prompt%"$rest"}" >&2; sleep 0.2; printf '%s' "$rest" >&2
  else
    printf '%s' "$prompt" >&2
  fi
  if ! IFS= read -r pw; then
    echo eof >> "$D/reads"
    [ -e "$D/hang-on-eof" ] && sleep 30
    echo "sudo: no password was provided" >&2; exit 1
  fi
  if [ "$pw" = "$expected" ]; then
    echo right >> "$D/reads"
    if IFS= read -r more; then echo "fake sudo: stdin not closed" >&2; exit 98; fi
    exec "$@"
  fi
  echo wrong >> "$D/reads"
  echo "fake sudo: got [$pw]" >&2
  tries=$((tries + 1))
  if [ -e "$D/one-try" ]; then echo "sudo: 1 incorrect password attempt" >&2; exit 1; fi
  if [ "$tries" -ge 3 ]; then echo "sudo: 3 incorrect password attempts" >&2; exit 1; fi
  echo "Sorry, try again." >&2
done
`
    )
    await chmod(path, 0o755)
    return path
  }

  const readLines = async (name: string): Promise<string[]> => {
    try {
      return (await readFile(join(dir, name), 'utf8')).split('\n').filter(Boolean)
    } catch {
      return []
    }
  }

  it('runs argv verbatim (no shell) with the right password and resets the ticket', async () => {
    const sudoPath = await fakeSudo()
    const r = await runSudo(['printf', '%s|', 'a b', `"q" 'x'`, '$HOME', ';', 'rm -rf /'], PASSWORD, opts({ sudoPath }))
    expect(r).toMatchObject({ exitCode: 0, passwordRejected: false, timedOut: false, cancelled: false })
    expect(r.output).toBe(`a b|"q" 'x'|$HOME|;|rm -rf /|`)
    expect(await readLines('reads')).toEqual(['right'])
    expect(await readFile(join(dir, 'k-calls'), 'utf8')).toBe('reset\n')
  })

  it('prompts with a random marker per call and never shows it', async () => {
    const sudoPath = await fakeSudo('split-prompt')
    const a = await runSudo(['echo', 'one'], PASSWORD, opts({ sudoPath }))
    const b = await runSudo(['echo', 'two'], PASSWORD, opts({ sudoPath }))
    expect([a.output, b.output]).toEqual(['one\n', 'two\n'])
    const prompts = await readLines('prompts')
    expect(prompts).toHaveLength(2)
    for (const prompt of prompts) expect(prompt).toMatch(MARKER)
    expect(prompts[0]).not.toBe(prompts[1])
  })

  it('removes the marker from the output, also when split across chunks', async () => {
    const sudoPath = await fakeSudo()
    // The command prints the very marker sudo was called with, in two parts. (On stderr, after
    // the password, a marker counts as sudo asking again; the prompt split across stderr
    // chunks is covered by the 'split-prompt' mode above.)
    const script = `m=$(cat "${dir}/prompts"); rest=\${m#??????????}; head=\${m%"$rest"}
printf 'a%s' "$head"; sleep 0.2; printf '%sb\\n' "$rest"; printf 'c%s%sd\\n' "$m" "$m"`
    const r = await runSudo(['sh', '-c', script], PASSWORD, opts({ sudoPath }))
    expect(r).toMatchObject({ exitCode: 0, passwordRejected: false })
    expect(r.output).toBe('ab\ncd\n')
    expect(r.output).not.toContain('duck-sudo')
  })

  it('takes a second prompt as a refused password: one write, the command never runs', async () => {
    const sudoPath = await fakeSudo()
    const wrong = 'wr0ng pa$$word'
    const ran = join(dir, 'ran')
    const t0 = Date.now()
    const r = await runSudo(['touch', ran], wrong, opts({ sudoPath }))
    expect(Date.now() - t0).toBeLessThan(3_000)
    expect(r.passwordRejected).toBe(true)
    expect(r.exitCode).toBe(1)
    expect(r.output).toContain('Sorry, try again.')
    expect(r.output).toContain('fake sudo: got [[redacted]]')
    expect(r.output).not.toContain('duck-sudo')
    expect(r.output).not.toContain(wrong)
    expect(JSON.stringify(r)).not.toContain(wrong)
    // The password was read once; the second read (if sudo got that far) found nothing.
    const reads = await readLines('reads')
    expect(reads[0]).toBe('wrong')
    expect(reads.slice(1).every((line) => line === 'eof')).toBe(true)
    await expect(stat(ran)).rejects.toThrow()
    expect(await readFile(join(dir, 'k-calls'), 'utf8')).toBe('reset\n')
  })

  it('stops sudo at the second prompt instead of waiting for it', async () => {
    const sudoPath = await fakeSudo('hang-on-eof')
    const ran = join(dir, 'ran')
    const t0 = Date.now()
    const r = await runSudo(['touch', ran], 'wrong', opts({ sudoPath, timeoutMs: 8_000 }))
    expect(Date.now() - t0).toBeLessThan(4_000)
    expect(r).toMatchObject({ exitCode: 1, passwordRejected: true, timedOut: false, cancelled: false })
    expect((await readLines('reads'))[0]).toBe('wrong')
    await expect(stat(ran)).rejects.toThrow()
  })

  it("also takes sudo's own refusal line as a refused password", async () => {
    const sudoPath = await fakeSudo('one-try')
    const r = await runSudo(['id'], 'nope', opts({ sudoPath }))
    expect(r).toMatchObject({ exitCode: 1, passwordRejected: true })
    expect(r.output).toContain('sudo: 1 incorrect password attempt')
  })

  it('never writes the password when sudo does not prompt (NOPASSWD)', async () => {
    const sudoPath = await fakeSudo('nopasswd')
    // What a command reading stdin would have got: `od -c` defeats the scrubber, `tee` writes a file.
    const t0 = Date.now()
    const od = await runSudo(['od', '-An', '-c'], PASSWORD, opts({ sudoPath }))
    expect(od).toMatchObject({ exitCode: 0, output: '', passwordRejected: false })
    expect(Date.now() - t0).toBeLessThan(4_000)

    const hosts = join(dir, 'hosts')
    const tee = await runSudo(['tee', '-a', hosts], PASSWORD, opts({ sudoPath }))
    expect(tee).toMatchObject({ exitCode: 0, output: '', passwordRejected: false })
    expect(await readFile(hosts, 'utf8')).toBe('')

    // Output first: stdin is closed at once.
    const started = await runSudo(['sh', '-c', 'echo started; sleep 0.3; wc -c'], PASSWORD, opts({ sudoPath }))
    expect(started.output.replace(/ /g, '')).toBe('started\n0\n')

    const quick = await runSudo(['true'], PASSWORD, opts({ sudoPath }))
    expect(quick).toMatchObject({ exitCode: 0, output: '', passwordRejected: false })
    expect(await readLines('reads')).toEqual([])
  })

  it('does not answer a prompt that comes after it stopped waiting', async () => {
    const sudoPath = await fakeSudo('slow')
    const r = await runSudo(['id'], PASSWORD, opts({ sudoPath }))
    expect(r).toMatchObject({ exitCode: 1, passwordRejected: false })
    expect(r.output).toBe('sudo: no password was provided\n')
    expect(await readLines('reads')).toEqual(['eof'])
  })

  it('scrubs the password from output, also when split across chunks', async () => {
    const sudoPath = await fakeSudo()
    const half = Math.floor(PASSWORD.length / 2)
    const r = await runSudo(
      [
        'sh',
        '-c',
        'printf "%s" "$1"; sleep 0.2; printf "%s\\n" "$2"; echo "$1$2"',
        'sh',
        PASSWORD.slice(0, half),
        PASSWORD.slice(half)
      ],
      PASSWORD,
      opts({ sudoPath })
    )
    expect(r.exitCode).toBe(0)
    expect(r.output).toBe('[redacted]\n[redacted]\n')
    expect(r.passwordRejected).toBe(false)
  })

  it('does not treat a command that fails with exit 1 as a rejected password', async () => {
    const sudoPath = await fakeSudo()
    const r = await runSudo(['sh', '-c', 'echo failing; exit 1'], PASSWORD, opts({ sudoPath }))
    expect(r).toMatchObject({ exitCode: 1, passwordRejected: false, output: 'failing\n' })
  })

  it('does not treat a command that talks about authentication failures as a rejected password', async () => {
    const sudoPath = await fakeSudo()
    const onStdout = await runSudo(
      ['sh', '-c', 'echo "pam_unix(login:auth): authentication failure; user=bob"; exit 1'],
      PASSWORD,
      opts({ sudoPath })
    )
    expect(onStdout).toMatchObject({ exitCode: 1, passwordRejected: false })
    const onStderr = await runSudo(
      ['sh', '-c', 'echo "login: authentication failure" >&2; echo "ssh: incorrect password for bob" >&2; exit 1'],
      PASSWORD,
      opts({ sudoPath })
    )
    expect(onStderr).toMatchObject({ exitCode: 1, passwordRejected: false })
    expect(onStderr.output).toBe('login: authentication failure\nssh: incorrect password for bob\n')
    expect(await readLines('reads')).toEqual(['right', 'right'])
  })

  it('gives a clear, password-free message when sudo is missing', async () => {
    const r = await runSudo(['id'], PASSWORD, opts({ sudoPath: join(dir, 'no-sudo') }))
    expect(r.exitCode).toBe(127)
    expect(r.output).toBe(`command not found: ${join(dir, 'no-sudo')}`)
    expect(r.passwordRejected).toBe(false)
    expect(JSON.stringify(r)).not.toContain(PASSWORD)
  })

  it('kills the tree on abort', async () => {
    const sudoPath = await fakeSudo()
    const ac = new AbortController()
    const pidFile = join(dir, 'pid')
    const p = runSudo(
      ['sh', '-c', `sleep 30 & echo $! > "${pidFile}"; wait`],
      PASSWORD,
      opts({ sudoPath, signal: ac.signal })
    )
    const pid = await waitFor(() => readPid(pidFile))
    ac.abort()
    const r = await p
    expect(r).toMatchObject({ cancelled: true, passwordRejected: false })
    expect(await waitGone(pid)).toBe(true)
  })
})

describe('writeFakeSudo (the fake sudo of the integration and e2e tests)', () => {
  const PASSWORD = `it's "a" $pass`

  it('prints the command after the right password', async () => {
    const sudoPath = writeFakeSudo(dir, PASSWORD)
    const r = await runSudo(['apt', 'update'], PASSWORD, opts({ sudoPath }))
    expect(r).toMatchObject({ exitCode: 0, passwordRejected: false, output: 'sudo updated: apt update\n' })
  })

  it('refuses a wrong password after the first try', async () => {
    const sudoPath = writeFakeSudo(dir, PASSWORD)
    const r = await runSudo(['apt', 'update'], 'wrong', opts({ sudoPath }))
    expect(r).toMatchObject({ exitCode: 1, passwordRejected: true })
    expect(r.output).toContain('Sorry, try again.')
    expect(r.output).not.toContain('sudo updated')
    expect(r.output).not.toContain('duck-sudo')
  })

  it('in NOPASSWD mode shows that stdin stayed empty', async () => {
    const sudoPath = writeFakeSudo(dir, PASSWORD, 'sudo updated', { noPassword: true })
    const r = await runSudo(['apt', 'update'], PASSWORD, opts({ sudoPath }))
    expect(r).toMatchObject({ exitCode: 0, passwordRejected: false, output: 'sudo updated: apt update\nstdin: []\n' })
  })
})

describe('scrubSecret', () => {
  it('replaces every occurrence and leaves text alone for an empty secret', () => {
    expect(scrubSecret('a pw b pw', 'pw')).toBe('a [redacted] b [redacted]')
    expect(scrubSecret('abc', '')).toBe('abc')
  })
})
