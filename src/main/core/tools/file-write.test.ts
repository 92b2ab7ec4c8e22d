import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { applyFileChange, FileChangeError, MAX_WRITE_BYTES, planFileEdit, planFileWrite } from './file-write'
import { ToolRegistry } from './registry'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'duck-write-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

describe('planning and applying a change', () => {
  it('creates a new file, with a diff from /dev/null', async () => {
    const path = join(dir, 'new.txt')
    const plan = await planFileWrite(path, 'one\ntwo\n')
    expect(plan).toMatchObject({ before: null, beforeSha256: null, added: 2, removed: 0 })
    expect(plan.diff).toContain('--- /dev/null')
    expect(plan.diff).toContain('+two')
    await applyFileChange(plan)
    expect(readFileSync(path, 'utf8')).toBe('one\ntwo\n')
    expect(readdirSync(dir)).toEqual(['new.txt'])
  })

  it('overwrites keeping the line endings and the mode', async () => {
    const path = file('crlf.txt', 'a\r\nb\r\n')
    chmodSync(path, 0o750)
    const plan = await planFileWrite(path, 'a\nc\n')
    expect(plan).toMatchObject({ added: 1, removed: 1 })
    await applyFileChange(plan)
    expect(readFileSync(path, 'utf8')).toBe('a\r\nc\r\n')
    expect(statSync(path).mode & 0o777).toBe(0o750)
  })

  it('edits by exact replacement; a missing or ambiguous old_text says how many matches', async () => {
    const path = file('code.ts', 'const a = 1\nconst b = 1\n')
    const plan = await planFileEdit(path, [{ old_text: 'const b = 1', new_text: 'const b = 2' }])
    await applyFileChange(plan)
    expect(readFileSync(path, 'utf8')).toBe('const a = 1\nconst b = 2\n')
    await expect(planFileEdit(path, [{ old_text: ' = ', new_text: '=' }])).rejects.toThrow(/matches 2 times/)
    await expect(planFileEdit(path, [{ old_text: 'nowhere', new_text: 'x' }])).rejects.toThrow(/matches 0 times/)
    await expect(planFileEdit(join(dir, 'missing.ts'), [{ old_text: 'a', new_text: 'b' }])).rejects.toThrow(
      /does not exist: use file_write/
    )
  })

  it('refuses binary, non-UTF-8 and oversized files and content', async () => {
    await expect(planFileWrite(file('bin', Buffer.from([1, 0, 2])), 'x')).rejects.toThrow(/binary/)
    await expect(planFileWrite(file('latin1', Buffer.from([0x63, 0x61, 0x66, 0xe9])), 'x')).rejects.toThrow(/not UTF-8/)
    await expect(planFileWrite(join(dir, 'big'), 'x'.repeat(MAX_WRITE_BYTES + 1))).rejects.toThrow(/at most/)
    await expect(planFileWrite(join(dir, 'nul'), 'a\u0000b')).rejects.toThrow(/NUL/)
    expect(readdirSync(dir).sort()).toEqual(['bin', 'latin1'])
  })

  it('a file changed after the plan is not overwritten', async () => {
    const path = file('notes.md', 'first\n')
    const plan = await planFileWrite(path, 'mine\n')
    writeFileSync(path, 'someone else\n')
    await expect(applyFileChange(plan)).rejects.toThrow(FileChangeError)
    await expect(applyFileChange(plan)).rejects.toThrow(/changed since Duck looked at it/)
    expect(readFileSync(path, 'utf8')).toBe('someone else\n')
    // A file that appeared after a plan to create it is not overwritten either.
    const created = await planFileWrite(join(dir, 'late.md'), 'x')
    file('late.md', 'there first')
    await expect(applyFileChange(created)).rejects.toThrow(/it exists now/)
  })
})

describe('the file tools', () => {
  const tools = new ToolRegistry()
  const ctx = () => ({ workspace: dir, signal: new AbortController().signal })

  it('always ask, with the diff; an edit that cannot apply is refused before anyone is asked', async () => {
    file('a.txt', 'hello\n')
    const write = await tools.get('file_write')!.assess({ path: 'a.txt', content: 'bye\n' }, { workspace: dir })
    expect(write).toMatchObject({ needs_approval: true, risk_level: 'medium', action_type: 'file_write' })
    expect(write.preview).toMatchObject({ added: 1, removed: 1, created: false })
    expect(write.preview?.diff).toContain('-hello')
    expect(write.rule_keys).toHaveLength(1)
    const bad = await tools
      .get('file_edit')!
      .assess({ path: 'a.txt', edits: [{ old_text: 'absent', new_text: 'x' }] }, { workspace: dir })
    expect(bad.invalid).toMatch(/matches 0 times/)
    const outside = await tools.get('file_write')!.assess({ path: '/etc/duck-test', content: 'x' }, { workspace: dir })
    expect(outside).toMatchObject({ risk_level: 'high', outside_workspace: ['/etc/duck-test'] })
  })

  it('write only the file whose diff was approved', async () => {
    const path = file('b.txt', 'v1\n')
    const tool = tools.get('file_write')!
    const assessed = await tool.assess({ path: 'b.txt', content: 'v2\n' }, { workspace: dir })
    writeFileSync(path, 'v1 edited by hand\n')
    const refused = await tool.run(
      { path: 'b.txt', content: 'v2\n' },
      {
        ...ctx(),
        grant: {
          by: 'person',
          actionType: 'file_write',
          outsideWorkspace: [],
          expectedSha256: assessed.preview!.before_sha256
        }
      }
    )
    expect(refused.ok).toBe(false)
    expect(refused.output).toMatch(/changed after the change was approved; nothing was written/)
    expect(readFileSync(path, 'utf8')).toBe('v1 edited by hand\n')
    const again = await tool.assess({ path: 'b.txt', content: 'v2\n' }, { workspace: dir })
    const written = await tool.run(
      { path: 'b.txt', content: 'v2\n' },
      {
        ...ctx(),
        grant: {
          by: 'person',
          actionType: 'file_write',
          outsideWorkspace: [],
          expectedSha256: again.preview!.before_sha256
        }
      }
    )
    expect(written).toMatchObject({ ok: true })
    expect(written.output).toMatch(/^Changed .*b\.txt: \+1 −1 lines/)
    expect(readFileSync(path, 'utf8')).toBe('v2\n')
  })
})
