import { describe, expect, it } from 'vitest'
import { SkillFormatError, parseSkill } from './front-matter'

const GOOD = `---
# a comment
name: tidy_downloads
description: "Sort the Downloads folder: by type, then by date."
triggers:
  - tidy downloads
  - 'sort my downloads'
steps:
- List the folder with list_dir.
  - Group files by type: documents, images, archives.
---
Notes for people.
`

function error(text: string): string {
  try {
    parseSkill(text)
  } catch (e) {
    expect(e).toBeInstanceOf(SkillFormatError)
    return (e as Error).message
  }
  throw new Error('expected a SkillFormatError')
}

describe('parseSkill', () => {
  it('reads the front matter subset: scalars, quoted scalars, lists, comments', () => {
    expect(parseSkill(GOOD)).toEqual({
      name: 'tidy_downloads',
      description: 'Sort the Downloads folder: by type, then by date.',
      triggers: ['tidy downloads', 'sort my downloads'],
      steps: ['List the folder with list_dir.', 'Group files by type: documents, images, archives.']
    })
    expect(parseSkill(`\uFEFF${GOOD.replace(/\n/g, '\r\n')}`).name).toBe('tidy_downloads')
  })

  it('names the problem and the line', () => {
    expect(error('name: x\n')).toMatch(/^line 1: .*must start with a `---`/)
    expect(error('---\nname: x\n')).toMatch(/not closed/)
    expect(error('---\nname: x\n\tdescription: y\n---')).toMatch(/^line 3: tabs/)
    expect(error('---\n- orphan\n---')).toMatch(/^line 2: .*needs a list key/)
    expect(error('---\nname x\n---')).toMatch(/^line 2: expected `key: value`/)
    expect(error('---\ntrigers:\n  - a b\n---')).toMatch(
      /^line 2: unknown key "trigers" \(expected name, description, triggers, steps\)/
    )
    expect(error('---\nname: a\nname: b\n---')).toMatch(/^line 3: "name" is given twice/)
    expect(error('---\ntriggers: a, b\n---')).toMatch(/^line 2: "triggers" must be a list/)
    expect(error('---\ndescription:\n  - a\n---')).toMatch(/^line 2: "description" needs a value/)
    expect(error('---\ndescription: "open\n---')).toMatch(/^line 2: the quoted value is not closed/)
    expect(error('---\nsteps:\n  -\n---')).toMatch(/^line 3: empty list item/)
  })

  it('checks the fields', () => {
    const base = (fields: string) => `---\n${fields}\n---\n`
    expect(error(base('description: d\ntriggers:\n - a b\nsteps:\n - s'))).toMatch(/"name" is missing/)
    expect(error(base('name: Bad Name\ndescription: d\ntriggers:\n - a b\nsteps:\n - s'))).toMatch(
      /"name" must be lower-case/
    )
    expect(error(base('name: ok\ntriggers:\n - a b\nsteps:\n - s'))).toMatch(/"description" is missing/)
    expect(error(base('name: ok\ndescription: d\nsteps:\n - s'))).toMatch(/"triggers" needs at least one/)
    expect(error(base('name: ok\ndescription: d\ntriggers:\n - a b'))).toMatch(/"steps" needs at least one/)
    expect(error(base(`name: ok\ndescription: ${'d'.repeat(501)}\ntriggers:\n - a b\nsteps:\n - s`))).toMatch(
      /longer than 500/
    )
  })
})
