import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SkillCatalog, findAppRoot, skillFolders } from './catalog'
import { matchSkill, skillReference } from './match'

let root: string
let builtin: string
let user: string
let warnings: string[]
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'duck-skills-'))
  builtin = join(root, 'builtin')
  user = join(root, 'user')
  mkdirSync(builtin)
  warnings = []
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

function skill(
  dir: string,
  file: string,
  name: string,
  description: string,
  triggers = ['tidy downloads'],
  steps = ['Do it.']
): void {
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, file),
    `---\nname: ${name}\ndescription: ${description}\ntriggers:\n${triggers.map((t) => `  - ${t}`).join('\n')}\nsteps:\n${steps.map((s) => `  - ${s}`).join('\n')}\n---\n`
  )
}

function catalog(): SkillCatalog {
  return new SkillCatalog(
    [
      { dir: builtin, source: 'builtin' },
      { dir: user, source: 'user' }
    ],
    (m) => warnings.push(m)
  )
}

describe('SkillCatalog', () => {
  it('lists built-in and user skills; a user file wins a name clash', () => {
    skill(builtin, 'a.md', 'tidy', 'Built-in tidy.')
    skill(builtin, 'b.md', 'other', 'Built-in other.', ['other thing'])
    skill(user, 'mine.md', 'tidy', 'My own tidy.', ['tidy downloads'], ['My step.'])
    const c = catalog()
    expect(c.info()).toEqual([
      { name: 'other', description: 'Built-in other.', source: 'builtin' },
      { name: 'tidy', description: 'My own tidy.', source: 'user' }
    ])
    const match = matchSkill(c.list(), 'please tidy my downloads folder')
    expect(match?.skill.source).toBe('user')
    expect(skillReference(match?.skill as never)).toContain('1. My step.')
  })

  it('skips a bad file with a warning naming it, and keeps the good ones', () => {
    skill(builtin, 'good.md', 'good', 'Fine.')
    writeFileSync(join(builtin, 'bad.md'), '---\nname: bad\ntrigers:\n  - x y\n---\n')
    writeFileSync(join(builtin, 'notes.txt'), 'not a skill')
    skill(builtin, 'twin.md', 'good', 'Same name in the same folder.')
    const c = catalog()
    expect(c.info().map((s) => s.name)).toEqual(['good'])
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toMatch(/bad\.md: line 3: unknown key "trigers"/)
    expect(warnings[1]).toMatch(/twin\.md: another file .* already defines "good"/)
    c.list()
    expect(warnings).toHaveLength(2) // not repeated while nothing changed
  })

  it('sees new and changed files without a restart; a missing folder is simply empty', () => {
    const c = catalog()
    expect(c.list()).toEqual([])
    skill(user, 'new.md', 'fresh', 'Added later.')
    expect(c.info().map((s) => s.name)).toEqual(['fresh'])
    skill(user, 'new.md', 'fresh', 'Edited.')
    utimesSync(join(user, 'new.md'), new Date(), new Date(Date.now() + 5000))
    expect(c.info()[0]?.description).toBe('Edited.')
    expect(warnings).toEqual([])
  })

  it('finds the app root and the default folders', () => {
    const appRoot = findAppRoot() as string
    expect(appRoot).toBe(process.cwd())
    expect(skillFolders('/data')).toEqual([
      { dir: join(appRoot, 'resources', 'skills'), source: 'builtin' },
      { dir: join('/data', 'skills'), source: 'user' }
    ])
    expect(skillFolders('/data', ['/x', '/y', '/z']).map((f) => f.source)).toEqual(['builtin', 'user', 'user'])
    expect(findAppRoot('/')).toBeNull()
  })
})
