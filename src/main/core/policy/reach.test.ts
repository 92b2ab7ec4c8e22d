/**
 * Class 5 of issue 11: what a command reaches beyond its words. Lists of files read from a
 * file, response files, walks that follow links and wildcards that expand into options ask;
 * their plain neighbours still run without asking.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assessShellCommand } from './shell-policy'
import type { Fixture } from './test-corpus'
import { HOSTILE_REACH, makeFixture } from './test-corpus'

let fx: Fixture

beforeAll(() => {
  fx = makeFixture()
})

afterAll(() => {
  fx.remove()
})

describe('reach beyond the words', () => {
  it.each(HOSTILE_REACH)('%s asks', async (command) => {
    const a = await assessShellCommand(command, undefined, fx.ws)
    expect(a.needs_approval).toBe(true)
  })

  it.each([
    ['cd dash && wc *', /expands to `--files0-from=list0`/],
    ['cd dash && find *', /wildcard/],
    ['cd dash && sort *', /expands to `--output=x`|wildcard/],
    ['diff -r links src', /`diff -r` follows the symbolic link/],
    ['du -L links', /`du -L` follows the symbolic link/],
    ['wc --files0-from=dash/list0', /options Duck knows to be harmless/],
    ['strings @args.txt', /options Duck knows to be harmless/]
  ])('%s says why: %s', async (command, reason) => {
    const a = await assessShellCommand(command, undefined, fx.ws)
    expect(a.reasons.join('\n')).toMatch(reason)
  })

  it.each([
    'wc dash/*',
    'ls -- *',
    'cat dash/ok.txt',
    'grep -r secret links',
    'diff -r --no-dereference links src',
    'find links -name x',
    'ls -R links',
    'du -sh links',
    'tree links',
    'rg x links',
    'ls -L links/a.txt',
    'wc -l *.md',
    'cat ./*.txt'
  ])('%s runs without asking', async (command) => {
    const a = await assessShellCommand(command, undefined, fx.ws)
    expect(a.reasons).toEqual([])
    expect(a.needs_approval).toBe(false)
  })
})
