import { homedir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Assessment } from '../tools/types'
import { callCovered, describeRule, ruleCovers, SHELL_TOOL, tildify } from './rules'
import { assessShellCommand } from './shell-policy'

function assessment(keys: string[], extra: Partial<Assessment> = {}): Assessment {
  return {
    risk_level: 'medium',
    action_type: 'file_write',
    needs_approval: true,
    reasons: ['x'],
    outside_workspace: [],
    privileged: false,
    rule_keys: keys,
    ...extra
  }
}

describe('ruleCovers', () => {
  it('compares shell keys exactly', () => {
    expect(ruleCovers('git status', 'git status', SHELL_TOOL)).toBe(true)
    expect(ruleCovers('git', 'git status', SHELL_TOOL)).toBe(false)
    expect(ruleCovers('git status', 'git', SHELL_TOOL)).toBe(false)
    expect(ruleCovers('rm', 'rm -r', SHELL_TOOL)).toBe(false)
    expect(ruleCovers('/ws', '/ws/a', SHELL_TOOL)).toBe(false)
  })

  it('lets a directory rule cover itself and everything below it', () => {
    expect(ruleCovers('/ws/docs', '/ws/docs', 'file_read')).toBe(true)
    expect(ruleCovers('/ws/docs', '/ws/docs/a', 'file_read')).toBe(true)
    expect(ruleCovers('/ws/docs', '/ws/docs/a/b/c', 'file_read')).toBe(true)
    expect(ruleCovers('/', '/etc', 'file_read')).toBe(true)
    expect(ruleCovers('/ws/docs/', '/ws/docs/a', 'file_read')).toBe(true)
  })

  it('is separator-aware for paths', () => {
    expect(ruleCovers('/ws', '/ws2', 'file_read')).toBe(false)
    expect(ruleCovers('/ws', '/ws2/a', 'file_read')).toBe(false)
    expect(ruleCovers('/ws/a', '/ws', 'file_read')).toBe(false)
  })

  it('never matches empty keys', () => {
    expect(ruleCovers('', '', SHELL_TOOL)).toBe(false)
    expect(ruleCovers('', '/x', 'file_read')).toBe(false)
  })

  it('compares non-path keys of other tools exactly', () => {
    expect(ruleCovers('abc', 'abc', 'list_dir')).toBe(true)
    expect(ruleCovers('ab', 'abc', 'list_dir')).toBe(false)
  })
})

describe('callCovered', () => {
  const shellRules = [
    { tool: SHELL_TOOL, pattern: 'ls' },
    { tool: SHELL_TOOL, pattern: 'rm' },
    { tool: 'file_read', pattern: 'touch' }
  ]

  it('is true only when every key is covered by a rule of that tool', () => {
    expect(callCovered(assessment(['rm']), shellRules, SHELL_TOOL)).toBe(true)
    expect(callCovered(assessment(['ls', 'rm']), shellRules, SHELL_TOOL)).toBe(true)
    expect(callCovered(assessment(['ls', 'touch']), shellRules, SHELL_TOOL)).toBe(false)
    expect(callCovered(assessment(['touch']), shellRules, SHELL_TOOL)).toBe(false)
  })

  it('covers a compound command only when each part is covered', async () => {
    const compound = await assessShellCommand('git add . && git commit -m wip && git push')
    expect(compound.rule_keys).toEqual(['git add', 'git commit', 'git push'])
    const two = [
      { tool: SHELL_TOOL, pattern: 'git add' },
      { tool: SHELL_TOOL, pattern: 'git commit' }
    ]
    expect(callCovered(compound, two, SHELL_TOOL)).toBe(false)
    expect(callCovered(compound, [...two, { tool: SHELL_TOOL, pattern: 'git push' }], SHELL_TOOL)).toBe(true)
  })

  it('does not let a rule for rm cover rm -r', async () => {
    const a = await assessShellCommand('rm -rf build')
    expect(callCovered(a, [{ tool: SHELL_TOOL, pattern: 'rm' }], SHELL_TOOL)).toBe(false)
  })

  it('is false for privileged calls, whatever the rules', async () => {
    const a = assessment(['ls'], { privileged: true })
    expect(callCovered(a, shellRules, SHELL_TOOL)).toBe(false)
    const sudo = await assessShellCommand('sudo ls')
    expect(
      callCovered(
        sudo,
        [
          { tool: SHELL_TOOL, pattern: 'sudo' },
          { tool: SHELL_TOOL, pattern: 'ls' }
        ],
        SHELL_TOOL
      )
    ).toBe(false)
  })

  it('is false when there are no rule keys', async () => {
    expect(callCovered(assessment([]), shellRules, SHELL_TOOL)).toBe(false)
    const sub = await assessShellCommand('echo $(rm x)')
    expect(
      callCovered(
        sub,
        [
          { tool: SHELL_TOOL, pattern: 'echo' },
          { tool: SHELL_TOOL, pattern: 'rm' }
        ],
        SHELL_TOOL
      )
    ).toBe(false)
  })

  it('covers paths below a directory rule', () => {
    const rules = [{ tool: 'file_read', pattern: '/home/me/docs' }]
    expect(callCovered(assessment(['/home/me/docs/notes']), rules, 'file_read')).toBe(true)
    expect(callCovered(assessment(['/home/me/docs2']), rules, 'file_read')).toBe(false)
    expect(callCovered(assessment(['/home/me/docs/notes']), rules, 'list_dir')).toBe(false)
  })
})

describe('describeRule', () => {
  const home = homedir()
  const site = path.join(home, 'projects', 'site')

  it('describes a shell rule with ~ for the home directory', () => {
    expect(describeRule(SHELL_TOOL, ['apt list'], site)).toBe('Always allow `apt list` in ~/projects/site')
  })

  it('lists several keys once each', () => {
    expect(describeRule(SHELL_TOOL, ['git add', 'git commit', 'git add'], site)).toBe(
      'Always allow `git add` and `git commit` in ~/projects/site'
    )
    expect(describeRule(SHELL_TOOL, ['a', 'b', 'c'], '/srv/app')).toBe('Always allow `a`, `b` and `c` in /srv/app')
  })

  it('describes a path rule', () => {
    expect(describeRule('file_read', [path.join(home, 'notes')], site)).toBe(
      'Always allow `file_read` on `~/notes` and everything in it, in ~/projects/site'
    )
  })

  it('is null when no rule may be made', () => {
    expect(describeRule(SHELL_TOOL, [], site)).toBeNull()
  })

  it('tildifies only the home directory itself or below it', () => {
    expect(tildify('/home/me', '/home/me')).toBe('~')
    expect(tildify('/home/me/x', '/home/me')).toBe('~/x')
    expect(tildify('/home/meow/x', '/home/me')).toBe('/home/meow/x')
  })
})
