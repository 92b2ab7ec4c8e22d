import { homedir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Assessment } from '../tools/types'
import {
  argsMatch,
  argsPatternProblem,
  callCovered,
  describeNarrowRule,
  describeRule,
  exactPattern,
  joinWords,
  ruleCovers,
  SHELL_TOOL,
  tildify
} from './rules'
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

describe('rules narrowed to arguments', () => {
  it.each([
    ['npm run build', 'npm run build', true],
    ['npm run build', 'npm run build --watch', false],
    ['npm run *', 'npm run build --watch', true],
    ['npm test -- *', 'npm test -- a.test.ts', true],
    ['npm test -- *', 'npm test', false],
    ['touch log-*.txt', 'touch log-1.txt', true],
    ['touch log-*.txt', 'touch log-.txt.bak', false],
    ['touch log-*.txt', 'touch a.txt', false],
    ['touch *-*', 'touch a-b', true],
    ['touch *-*', 'touch ab', false],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'acb', false],
    ['a*bc', 'abc', true],
    ['a*bc*bc', 'abc', false],
    ['rm \\*.log', 'rm *.log', true],
    ['rm \\*.log', 'rm x.log', false],
    ['say a\\\\b', 'say a\\b', true]
  ])('%s against %s → %s', (pattern, words, expected) => {
    expect(argsMatch(pattern, words)).toBe(expected)
  })

  it('writes words the way the shell needs them, so an exact rule matches only those words', () => {
    expect(joinWords(['touch', 'notes 1.txt'])).toBe("touch 'notes 1.txt'")
    expect(joinWords(['echo', "it's"])).toBe("echo 'it'\\''s'")
    expect(joinWords(['echo', ''])).toBe("echo ''")
    expect(joinWords(['rm', '*.log'], [false, true])).toBe('rm *.log')
    expect(joinWords(['rm', '*.log'], [false, false])).toBe("rm '*.log'")
    const words = joinWords(['rm', '*.log'], [false, true])
    expect(argsMatch(exactPattern(words), words)).toBe(true)
    expect(argsMatch(exactPattern(words), 'rm x.log')).toBe(false)
  })

  it('a narrowed rule covers a call only when every part matches', () => {
    const call = (words: string[]) =>
      assessment(['touch'], { rule_parts: words.map((w) => ({ key: 'touch', words: w })) })
    const rules = [{ tool: SHELL_TOOL, pattern: 'touch', args: 'touch log-*' }]
    expect(callCovered(call(['touch log-1']), rules, SHELL_TOOL)).toBe(true)
    expect(callCovered(call(['touch log-1', 'touch other']), rules, SHELL_TOOL)).toBe(false)
    expect(callCovered(call(['touch other']), rules, SHELL_TOOL)).toBe(false)
    // Without words (an old approval, a path tool), a narrowed rule never covers.
    expect(callCovered(assessment(['touch']), rules, SHELL_TOOL)).toBe(false)
    // A rule for any arguments still covers.
    expect(callCovered(call(['touch other']), [{ tool: SHELL_TOOL, pattern: 'touch' }], SHELL_TOOL)).toBe(true)
    expect(callCovered(call(['touch other']), [{ tool: SHELL_TOOL, pattern: 'touch', args: null }], SHELL_TOOL)).toBe(
      true
    )
  })

  it('the policy gives each keyed part its words; a compound command cannot be narrowed', async () => {
    const plain = await assessShellCommand("touch 'a b.txt' && mkdir -p out", undefined, '/tmp')
    expect(plain.rule_parts).toEqual([
      { key: 'touch', words: "touch 'a b.txt'" },
      { key: 'mkdir', words: 'mkdir -p out' }
    ])
    const substituted = await assessShellCommand('touch $(id)', undefined, '/tmp')
    expect(substituted.rule_parts).toEqual([])
    const sudo = await assessShellCommand('sudo touch x', undefined, '/tmp')
    expect(sudo.rule_parts).toEqual([])
  })

  it('checks a chosen pattern: one line, bounded, and it must match the call it came from', () => {
    expect(argsPatternProblem('touch log-*', 'touch log-1')).toBeNull()
    expect(argsPatternProblem('  ', 'touch log-1')).toMatch(/empty/)
    expect(argsPatternProblem('touch *\nrm x', 'touch log-1')).toMatch(/one line/)
    expect(argsPatternProblem('x'.repeat(501), 'touch log-1')).toMatch(/at most 500/)
    expect(argsPatternProblem('touch other', 'touch log-1')).toMatch(/does not match this call/)
  })

  it('says what the narrow rule would allow', () => {
    expect(describeNarrowRule(SHELL_TOOL, [{ words: 'npm run build' }], '/w')).toBe(
      'Always allow `npm run build` — this command exactly, with no other arguments — in /w'
    )
    expect(describeNarrowRule('file_read', [{ words: 'x' }], '/w')).toBeNull()
    expect(describeNarrowRule(SHELL_TOOL, [], '/w')).toBeNull()
  })
})
