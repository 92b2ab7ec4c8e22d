import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assessPathAccess, confinePath, expandHome, isInside } from './paths'

let base: string
let ws: string
let ws2: string
let outside: string

beforeAll(async () => {
  base = await realpath(await mkdtemp(path.join(tmpdir(), 'duck-paths-')))
  ws = path.join(base, 'ws')
  ws2 = path.join(base, 'ws2')
  outside = path.join(base, 'outside')
  await mkdir(path.join(ws, 'src', 'deep'), { recursive: true })
  await mkdir(ws2, { recursive: true })
  await mkdir(outside, { recursive: true })
  await writeFile(path.join(ws, 'README.md'), 'hi')
  await writeFile(path.join(ws, 'src', 'a.ts'), 'x')
  await writeFile(path.join(outside, 'secret.txt'), 'secret')
  await writeFile(path.join(ws2, 'other.txt'), 'x')
  // Links inside the workspace
  await symlink(outside, path.join(ws, 'out-link')) // dir link leading out
  await symlink(path.join(outside, 'secret.txt'), path.join(ws, 'secret-link')) // file link out
  await symlink(path.join(ws, 'src'), path.join(ws, 'src-link')) // link that stays inside
  await symlink('src/a.ts', path.join(ws, 'rel-link')) // relative link inside
  await symlink(path.join(outside, 'not-yet.txt'), path.join(ws, 'dangling')) // dangling, out
  await symlink('loop-b', path.join(ws, 'loop-a'))
  await symlink('loop-a', path.join(ws, 'loop-b'))
  // A workspace reached through a symlink
  await symlink(ws, path.join(base, 'ws-alias'))
})

afterAll(async () => {
  await rm(base, { recursive: true, force: true })
})

describe('confinePath', () => {
  it('resolves relative paths against the workspace', async () => {
    expect(await confinePath(ws, 'README.md')).toEqual({ resolved: path.join(ws, 'README.md'), inside: true })
    expect(await confinePath(ws, './src/../src/a.ts')).toEqual({ resolved: path.join(ws, 'src', 'a.ts'), inside: true })
  })

  it('treats the workspace itself as inside', async () => {
    expect(await confinePath(ws, '.')).toEqual({ resolved: ws, inside: true })
    expect(await confinePath(ws, ws)).toEqual({ resolved: ws, inside: true })
    expect(await confinePath(ws, ws + '/')).toEqual({ resolved: ws, inside: true })
  })

  it('catches .. escapes', async () => {
    expect(await confinePath(ws, '../outside/secret.txt')).toEqual({
      resolved: path.join(outside, 'secret.txt'),
      inside: false
    })
    expect((await confinePath(ws, 'src/../../outside')).inside).toBe(false)
    expect((await confinePath(ws, '..')).inside).toBe(false)
  })

  it('does not treat a sibling with a common prefix as inside (/ws2 vs /ws)', async () => {
    expect(await confinePath(ws, ws2)).toEqual({ resolved: ws2, inside: false })
    expect(await confinePath(ws, '../ws2/other.txt')).toEqual({ resolved: path.join(ws2, 'other.txt'), inside: false })
    expect((await confinePath(ws, path.join(ws2, 'missing.txt'))).inside).toBe(false)
  })

  it('judges absolute paths by where they are', async () => {
    expect((await confinePath(ws, '/etc/passwd')).inside).toBe(false)
    expect((await confinePath(ws, path.join(ws, 'src'))).inside).toBe(true)
  })

  it('follows symlinks that lead out of the workspace', async () => {
    expect(await confinePath(ws, 'out-link/secret.txt')).toEqual({
      resolved: path.join(outside, 'secret.txt'),
      inside: false
    })
    expect(await confinePath(ws, 'secret-link')).toEqual({ resolved: path.join(outside, 'secret.txt'), inside: false })
    expect(await confinePath(ws, 'out-link')).toEqual({ resolved: outside, inside: false })
  })

  it('keeps symlinks that stay inside the workspace inside', async () => {
    expect(await confinePath(ws, 'src-link/a.ts')).toEqual({ resolved: path.join(ws, 'src', 'a.ts'), inside: true })
    expect(await confinePath(ws, 'rel-link')).toEqual({ resolved: path.join(ws, 'src', 'a.ts'), inside: true })
  })

  it('resolves .. after a symlink the way the kernel does', async () => {
    // out-link → <base>/outside, so out-link/.. is <base>, not the workspace.
    expect(await confinePath(ws, 'out-link/../ws/README.md')).toEqual({
      resolved: path.join(ws, 'README.md'),
      inside: true
    })
    expect(await confinePath(ws, 'out-link/..')).toEqual({ resolved: base, inside: false })
  })

  it('judges a file that does not exist yet by its parent', async () => {
    expect(await confinePath(ws, 'new/dir/file.txt')).toEqual({
      resolved: path.join(ws, 'new', 'dir', 'file.txt'),
      inside: true
    })
    expect(await confinePath(ws, 'out-link/new.txt')).toEqual({
      resolved: path.join(outside, 'new.txt'),
      inside: false
    })
    expect(await confinePath(ws, 'missing/../../outside/x')).toEqual({
      resolved: path.join(outside, 'x'),
      inside: false
    })
  })

  it('follows a dangling symlink to where it would write', async () => {
    expect(await confinePath(ws, 'dangling')).toEqual({ resolved: path.join(outside, 'not-yet.txt'), inside: false })
  })

  it('treats a symlink loop as outside', async () => {
    expect((await confinePath(ws, 'loop-a')).inside).toBe(false)
  })

  it('uses the real path of a workspace given through a symlink', async () => {
    const alias = path.join(base, 'ws-alias')
    expect(await confinePath(alias, 'README.md')).toEqual({ resolved: path.join(ws, 'README.md'), inside: true })
    expect(await confinePath(alias, path.join(ws, 'src'))).toEqual({ resolved: path.join(ws, 'src'), inside: true })
    expect((await confinePath(alias, '../outside')).inside).toBe(false)
  })

  it('expands ~ to the home directory', async () => {
    const home = await realpath(homedir())
    const r = await confinePath(ws, '~')
    expect(r).toEqual({ resolved: home, inside: false })
    expect((await confinePath(ws, '~/duck-surely-missing/x')).resolved).toBe(
      path.join(home, 'duck-surely-missing', 'x')
    )
    // `~user` is not expanded: it is a relative name in the workspace.
    expect(await confinePath(ws, '~nobody')).toEqual({ resolved: path.join(ws, '~nobody'), inside: true })
  })

  it('accepts a workspace given with ~', async () => {
    const home = await realpath(homedir())
    expect(await confinePath('~', '.')).toEqual({ resolved: home, inside: true })
  })
})

describe('isInside and expandHome', () => {
  it('is separator-aware', () => {
    expect(isInside('/ws', '/ws')).toBe(true)
    expect(isInside('/ws', '/ws/a')).toBe(true)
    expect(isInside('/ws', '/ws2')).toBe(false)
    expect(isInside('/ws', '/ws2/a')).toBe(false)
    expect(isInside('/', '/anything')).toBe(true)
  })

  it('expands only ~ and ~/', () => {
    expect(expandHome('~')).toBe(homedir())
    expect(expandHome('~/a')).toBe(path.join(homedir(), 'a'))
    expect(expandHome('~a')).toBe('~a')
    expect(expandHome('a/~')).toBe('a/~')
  })
})

describe('assessPathAccess', () => {
  it('needs no approval inside the workspace; the rule key is the parent of a file', async () => {
    expect(await assessPathAccess(ws, 'src/a.ts', 'file_read')).toEqual({
      risk_level: 'low',
      action_type: 'file_read',
      needs_approval: false,
      reasons: [],
      outside_workspace: [],
      privileged: false,
      rule_keys: [path.join(ws, 'src')]
    })
  })

  it('uses a directory itself as the rule key', async () => {
    expect((await assessPathAccess(ws, 'src', 'file_read')).rule_keys).toEqual([path.join(ws, 'src')])
    expect((await assessPathAccess(ws, '.', 'file_read')).rule_keys).toEqual([ws])
  })

  it('asks outside the workspace', async () => {
    const secret = path.join(outside, 'secret.txt')
    expect(await assessPathAccess(ws, '../outside/secret.txt', 'file_read')).toEqual({
      risk_level: 'medium',
      action_type: 'file_read',
      needs_approval: true,
      reasons: [`\`${secret}\` is outside the workspace`],
      outside_workspace: [secret],
      privileged: false,
      rule_keys: [outside]
    })
  })

  it('asks for a symlink that leads out, naming the real path', async () => {
    const a = await assessPathAccess(ws, 'out-link', 'file_read')
    expect(a.needs_approval).toBe(true)
    expect(a.outside_workspace).toEqual([outside])
    expect(a.rule_keys).toEqual([outside])
  })

  it('judges a missing file by its parent directory', async () => {
    const a = await assessPathAccess(ws, 'src/new.ts', 'file_read')
    expect(a.needs_approval).toBe(false)
    expect(a.rule_keys).toEqual([path.join(ws, 'src')])
  })

  it('rates writes outside the workspace high', async () => {
    const a = await assessPathAccess(ws, '/etc/x', 'file_write')
    expect(a).toMatchObject({ action_type: 'file_write', risk_level: 'high', needs_approval: true })
  })
})
