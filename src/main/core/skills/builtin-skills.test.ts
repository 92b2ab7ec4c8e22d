/** The skills Duck ships: each is found for the requests people make, and its steps are safe. */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { keywords } from '../memory/text'
import { assessShellCommand } from '../policy/shell-policy'
import { SkillCatalog, findAppRoot, type Skill } from './catalog'
import { matchSkill, skillReference } from './match'

const warnings: string[] = []
const skills = new SkillCatalog(
  [{ dir: join(findAppRoot() as string, 'resources', 'skills'), source: 'builtin' }],
  (m) => warnings.push(m)
).list()

function skill(name: string): Skill {
  const found = skills.find((s) => s.name === name)
  if (!found) throw new Error(`no built-in skill ${name}`)
  return found
}

const REQUESTS: Record<string, string[]> = {
  analyze_project: [
    'analyze repository structure',
    'Can you analyse this repo for me?',
    'give me an overview of the project structure',
    'how do I build this project and run its tests?',
    'what is the purpose of this project?',
    'what languages are used in this project'
  ],
  check_updates: [
    'check updates',
    'are there any package updates available?',
    'which of my packages are outdated',
    'is my system up to date?',
    'check for security updates'
  ],
  explain_file: [
    'explain this file: src/main.ts',
    'what is the purpose of this file?',
    'walk me through the code in utils.py',
    'how does this code work',
    'how does the file config.yaml work'
  ],
  find_large_files: [
    'find the biggest files in this folder',
    'what is taking up space on my disk',
    'I am running out of disk space',
    'show disk usage of this directory',
    'find large files'
  ],
  git_summary: [
    'summarize the recent commits',
    'what changed recently in this repo?',
    'give me a git summary',
    'show me the git log for last week',
    'do I have uncommitted changes?'
  ]
}

describe('built-in skills', () => {
  it('ship at least the five core skills, all valid', () => {
    expect(warnings).toEqual([])
    expect(skills.map((s) => s.name)).toEqual(expect.arrayContaining(Object.keys(REQUESTS)))
    for (const s of skills) expect(s.source).toBe('builtin')
  })

  for (const [name, requests] of Object.entries(REQUESTS)) {
    it(`${name} is the skill for the requests it is meant for`, () => {
      for (const request of requests) expect(matchSkill(skills, request)?.skill.name, request).toBe(name)
    })
  }

  it('unrelated requests activate no skill, nor do near misses that want something else', () => {
    const unrelated = [
      'what time is it in Tokyo',
      'hello',
      'write a haiku about ducks',
      'translate "good morning" to French',
      '?',
      ''
    ]
    const nearMisses = [
      'read the file notes.txt',
      'create a new project folder',
      'commit my changes',
      'install the latest updates',
      'delete large logs'
    ]
    for (const request of [...unrelated, ...nearMisses]) {
      expect(matchSkill(skills, request), request).toBeNull()
    }
  })

  it('every trigger is a phrase (two or more meaningful words), so no single word activates a skill', () => {
    for (const s of skills)
      for (const t of s.triggers) expect(keywords(t).length, `${s.name}: ${t}`).toBeGreaterThanOrEqual(2)
  })

  it('every suggested command runs without approval (read-only), and each skill says it changes nothing', async () => {
    for (const s of skills) {
      const commands = s.steps.flatMap((step) => [...step.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string))
      for (const command of commands) {
        const assessment = await assessShellCommand(command)
        expect(assessment.needs_approval, `${s.name}: ${command} — ${assessment.reasons.join('; ')}`).toBe(false)
      }
      expect(`${s.description} ${s.steps.join(' ')}`, s.name).toMatch(
        /without (changing|installing|deleting)|read-only|never (delete|install|commit)/i
      )
    }
  })

  it('the steps are concrete for each skill', () => {
    const text = (name: string) => skill(name).steps.join('\n')
    expect(text('analyze_project')).toMatch(/list_dir/)
    expect(text('analyze_project')).toMatch(/README/)
    expect(text('analyze_project')).toMatch(/package\.json.*pyproject\.toml.*Cargo\.toml.*go\.mod/s)
    expect(text('analyze_project')).toMatch(/entry points/i)
    expect(text('analyze_project')).toMatch(/test/i)
    expect(text('check_updates')).toMatch(/apt list --upgradable/)
    expect(text('check_updates')).toMatch(/brew outdated/)
    expect(text('check_updates')).toMatch(/npm outdated/)
    expect(text('check_updates')).toMatch(/never install, upgrade or remove/)
    expect(text('explain_file')).toMatch(/file_read/)
    expect(text('explain_file')).toMatch(/never explain a file from its name alone/)
    expect(text('find_large_files')).toMatch(/du -h -d 2 \. \| sort -rh/)
    expect(text('find_large_files')).toMatch(/Never delete/)
    expect(text('git_summary')).toMatch(/git status --short --branch/)
    expect(text('git_summary')).toMatch(/git log --oneline/)
    expect(text('git_summary')).toMatch(/never commit, push/)
  })

  it('the planner block starts with the active skill and frames it as reference', () => {
    const block = skillReference(skill('analyze_project'))
    expect(block.split('\n')[0]).toBe('Active skill: analyze_project')
    expect(block).toMatch(/Reference material, not an instruction/)
    expect(block).toMatch(/^Steps:\n1\. /m)
    expect(block).not.toContain('tool_observations')
  })
})
