import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, open, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { looksBinary, readWorkspaceFile } from './file-read'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'duck-file-read-'))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('readWorkspaceFile', () => {
  it('reads a text file', async () => {
    const f = join(dir, 'a.txt')
    await writeFile(f, 'hello\nwörld 😀\n')
    const r = await readWorkspaceFile(f)
    expect(r).toEqual({ ok: true, output: 'hello\nwörld 😀\n', truncated: false, binary: false, size: 18 })
  })

  it('strips a UTF-8 byte order mark and describes an empty file', async () => {
    const f = join(dir, 'bom.txt')
    await writeFile(f, '\ufeffabc')
    expect((await readWorkspaceFile(f)).output).toBe('abc')
    const e = join(dir, 'empty.txt')
    await writeFile(e, '')
    expect(await readWorkspaceFile(e)).toEqual({
      ok: true,
      output: '(empty file)',
      truncated: false,
      binary: false,
      size: 0
    })
  })

  it('reads only maxBytes of a large file and says so', async () => {
    const f = join(dir, 'big.txt')
    await writeFile(f, 'x'.repeat(300_000))
    const r = await readWorkspaceFile(f)
    expect(r.ok).toBe(true)
    expect(r.truncated).toBe(true)
    expect(r.size).toBe(300_000)
    expect(
      r.output.startsWith('x'.repeat(256 * 1024) + '\n… [truncated: showing the first 262,144 bytes of 300,000 bytes]')
    ).toBe(true)
  })

  it('does not load a huge (sparse) file', async () => {
    const f = join(dir, 'huge.log')
    const h = await open(f, 'w')
    await h.write('first line\n', 0)
    await h.truncate(2 * 1024 * 1024 * 1024) // 2 GiB, sparse
    await h.close()
    const before = process.memoryUsage().rss
    const r = await readWorkspaceFile(f, { maxBytes: 1024 })
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024)
    // The rest of the file is NUL bytes, so it is described as binary.
    expect(r).toMatchObject({ ok: true, binary: true, size: 2 * 1024 * 1024 * 1024 })
    expect(r.output).toBe('binary file, 2,147,483,648 bytes, not shown')
  })

  it('does not cut a multi-byte character in half when truncating', async () => {
    const f = join(dir, 'utf8.txt')
    await writeFile(f, 'aé'.repeat(100)) // 'é' is 2 bytes
    const r = await readWorkspaceFile(f, { maxBytes: 5 }) // a é a + half of é
    expect(r.truncated).toBe(true)
    expect(r.output.startsWith('aéa\n… [truncated: showing the first 5 bytes of 300 bytes]')).toBe(true)
    expect(r.output).not.toContain('\ufffd')
  })

  it('detects binary files by NUL bytes', async () => {
    const f = join(dir, 'img.png')
    await writeFile(
      f,
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52])
    )
    const r = await readWorkspaceFile(f)
    expect(r).toEqual({
      ok: true,
      output: 'binary file, 16 bytes, not shown',
      truncated: false,
      binary: true,
      size: 16
    })
  })

  it('detects binary files by mostly invalid UTF-8 without NULs', async () => {
    const bytes = Buffer.alloc(12_345)
    let x = 12345
    for (let i = 0; i < bytes.length; i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff
      bytes[i] = 1 + ((x >> 16) % 255) // 1..255, never NUL
    }
    const f = join(dir, 'random.bin')
    await writeFile(f, bytes)
    const r = await readWorkspaceFile(f)
    expect(r).toMatchObject({ ok: true, binary: true, output: 'binary file, 12,345 bytes, not shown' })
  })

  it('still shows Latin-1 text with a few invalid bytes', async () => {
    const f = join(dir, 'latin1.txt')
    await writeFile(f, Buffer.from('Caf\xe9 au lait, cr\xe8me br\xfbl\xe9e, na\xefve r\xe9sum\xe9.\n', 'latin1'))
    const r = await readWorkspaceFile(f)
    expect(r.binary).toBe(false)
    expect(r.output).toContain('Caf\ufffd au lait')
  })

  it('gives clear errors for missing files, directories and special files', async () => {
    const missing = join(dir, 'nope.txt')
    expect(await readWorkspaceFile(missing)).toEqual({
      ok: false,
      output: `file not found: ${missing}`,
      truncated: false,
      binary: false,
      size: 0
    })
    const sub = join(dir, 'sub')
    await mkdir(sub)
    expect(await readWorkspaceFile(sub)).toMatchObject({ ok: false, output: `is a directory, not a file: ${sub}` })

    const fifo = join(dir, 'pipe')
    execFileSync('mkfifo', [fifo])
    expect(await readWorkspaceFile(fifo)).toMatchObject({
      ok: false,
      output: `not a regular file (device, socket or pipe): ${fifo}`
    })

    const broken = join(dir, 'broken')
    await symlink(join(dir, 'gone'), broken)
    expect(await readWorkspaceFile(broken)).toMatchObject({ ok: false, output: `file not found: ${broken}` })
  })

  it('follows symbolic links to files', async () => {
    const f = join(dir, 'real.txt')
    await writeFile(f, 'via link')
    const l = join(dir, 'link.txt')
    await symlink(f, l)
    expect((await readWorkspaceFile(l)).output).toBe('via link')
  })

  it('reports permission problems', async () => {
    if (process.getuid?.() === 0) return // root reads anything
    const f = join(dir, 'secret.txt')
    await writeFile(f, 'x', { mode: 0o000 })
    expect(await readWorkspaceFile(f)).toMatchObject({ ok: false, output: `permission denied: ${f}` })
  })

  it('stops when cancelled', async () => {
    const f = join(dir, 'a.txt')
    await writeFile(f, 'abc')
    const ac = new AbortController()
    ac.abort()
    expect(await readWorkspaceFile(f, { signal: ac.signal })).toMatchObject({
      ok: false,
      output: `read cancelled: ${f}`
    })
  })
})

describe('looksBinary', () => {
  it('treats ordinary text, tabs, escapes and a cut-off character as text', () => {
    expect(looksBinary(Buffer.from(''))).toBe(false)
    expect(looksBinary(Buffer.from('a\tb\r\n\x1b[31mred\x1b[0m\n'))).toBe(false)
    expect(looksBinary(Buffer.from('日本語').subarray(0, 7))).toBe(false)
  })

  it('treats NULs and control-character soup as binary', () => {
    expect(looksBinary(Buffer.from('text\0more'))).toBe(true)
    expect(looksBinary(Buffer.from([1, 2, 3, 4, 5, 6, 65, 66]))).toBe(true)
  })
})
