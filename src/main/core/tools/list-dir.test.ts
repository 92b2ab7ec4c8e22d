import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { formatSize, listDirectory } from './list-dir'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'duck-list-dir-'))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('listDirectory', () => {
  it('lists directories first, then files with sizes, sorted by name', async () => {
    await mkdir(join(dir, 'src'))
    await mkdir(join(dir, 'Docs'))
    await mkdir(join(dir, '.git'))
    await writeFile(join(dir, 'README.md'), 'x'.repeat(2150))
    await writeFile(join(dir, 'a.txt'), 'hi')
    await writeFile(join(dir, 'file10.txt'), '')
    await writeFile(join(dir, 'file2.txt'), 'x'.repeat(3 * 1024 * 1024))
    await writeFile(join(dir, '.env'), 'A=1\n')

    const r = await listDirectory(dir)
    expect(r).toEqual({
      ok: true,
      entries: 8,
      output: [
        '.git/',
        'Docs/',
        'src/',
        '.env  4 B',
        'a.txt  2 B',
        'file2.txt  3 MiB',
        'file10.txt  0 B',
        'README.md  2.1 KiB'
      ].join('\n')
    })
  })

  it('marks symbolic links with their target', async () => {
    await mkdir(join(dir, 'real-dir'))
    await writeFile(join(dir, 'real.txt'), 'abc')
    await symlink('real-dir', join(dir, 'dir-link'))
    await symlink('real.txt', join(dir, 'file-link'))
    await symlink('/nonexistent/target', join(dir, 'broken-link'))

    const r = await listDirectory(dir)
    expect(r.ok).toBe(true)
    expect(r.output.split('\n')).toEqual([
      'dir-link/ -> real-dir',
      'real-dir/',
      'broken-link -> /nonexistent/target  (broken link)',
      'file-link -> real.txt  3 B',
      'real.txt  3 B'
    ])
  })

  it('marks special files', async () => {
    execFileSync('mkfifo', [join(dir, 'pipe')])
    const r = await listDirectory(dir)
    expect(r.output).toBe('pipe  (pipe)')
  })

  it('truncates beyond maxEntries', async () => {
    for (let i = 0; i < 1_234; i++) await writeFile(join(dir, `f${String(i).padStart(4, '0')}.txt`), '')
    await mkdir(join(dir, 'zz-dir'))
    const r = await listDirectory(dir, { maxEntries: 3 })
    expect(r).toEqual({
      ok: true,
      entries: 1_235,
      output: 'zz-dir/\nf0000.txt  0 B\nf0001.txt  0 B\n… and 1,232 more'
    })
    const all = await listDirectory(dir)
    expect(all.output.split('\n')).toHaveLength(501)
    expect(all.output.endsWith('… and 735 more')).toBe(true)
  })

  it('says when a directory is empty', async () => {
    expect(await listDirectory(dir)).toEqual({ ok: true, output: '(empty directory)', entries: 0 })
  })

  it('follows a symbolic link given as the path', async () => {
    await mkdir(join(dir, 'real'))
    await writeFile(join(dir, 'real', 'x'), '1')
    await symlink(join(dir, 'real'), join(dir, 'link'))
    expect((await listDirectory(join(dir, 'link'))).output).toBe('x  1 B')
  })

  it('gives clear errors for missing paths and files', async () => {
    const missing = join(dir, 'missing')
    expect(await listDirectory(missing)).toEqual({ ok: false, output: `directory not found: ${missing}`, entries: 0 })
    const file = join(dir, 'file.txt')
    await writeFile(file, 'x')
    expect(await listDirectory(file)).toEqual({ ok: false, output: `not a directory: ${file}`, entries: 0 })
  })

  it('reports permission problems', async () => {
    if (process.getuid?.() === 0) return // root lists anything
    const locked = join(dir, 'locked')
    await mkdir(locked, { mode: 0o000 })
    expect(await listDirectory(locked)).toEqual({ ok: false, output: `permission denied: ${locked}`, entries: 0 })
  })
})

describe('formatSize', () => {
  it('formats human-readable sizes', () => {
    expect(formatSize(0)).toBe('0 B')
    expect(formatSize(1023)).toBe('1023 B')
    expect(formatSize(1024)).toBe('1 KiB')
    expect(formatSize(1536)).toBe('1.5 KiB')
    expect(formatSize(10 * 1024 + 600)).toBe('11 KiB')
    expect(formatSize(5 * 1024 ** 3)).toBe('5 GiB')
    expect(formatSize(1024 ** 6)).toBe('1024 PiB')
  })
})
