/**
 * Class 1 of issue 11: the grammar and bash must read a command the same way. Duck's own
 * reading (shell-lexer) is checked against bash's rules here, and every plain result of the
 * tree-sitter reading must agree with it word for word (bash-parser).
 */
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { parseCommand } from './bash-parser'
import { lexicalProblem } from './lexical'
import { lexCommand } from './shell-lexer'
import { unsupportedCharacter } from './shell-words'
import { HOSTILE_TOKENIZER } from './test-corpus'

function words(command: string): string[][] {
  const lexed = lexCommand(command)
  if (!lexed.ok) throw new Error(`expected a reading of ${JSON.stringify(command)}: ${lexed.reason}`)
  return lexed.parts.map((p) => p.argv)
}

const hasBash = spawnSync('bash', ['-c', 'true']).status === 0

/** What bash itself makes of the words of a one-part command: `printf '%s\0'` prints them. */
function bashWords(command: string): string[] {
  const r = spawnSync('bash', ['--noprofile', '--norc', '-c', `set -f; printf '%s\\0' ${command}`], {
    encoding: 'utf8'
  })
  return r.stdout.split('\0').slice(0, -1)
}

describe('shell-lexer reads words the way bash does', () => {
  const cases: [string, string[][]][] = [
    ['ls -la', [['ls', '-la']]],
    [`echo 'a b' "c d" e\\ f a"b"'c'`, [['echo', 'a b', 'c d', 'e f', 'abc']]],
    ['echo "\\$x \\"q\\" \\\\ \\a"', [['echo', '$x "q" \\ \\a']]],
    ['echo a#b \\#c', [['echo', 'a#b', '#c']]],
    ["echo ''#x", [['echo', '#x']]],
    ['echo a\\ #x', [['echo', 'a #x']]],
    ['echo a # comment', [['echo', 'a']]],
    ['ls \\\n  -la', [['ls', '-la']]],
    ['ec\\\nho hi', [['echo', 'hi']]],
    ['echo "a\\\nb"', [['echo', 'ab']]],
    ["echo 'a\\\nb'", [['echo', 'a\\\nb']]],
    ['a && b || c; d | e', [['a'], ['b'], ['c'], ['d'], ['e']]],
    ['ls &&\n  pwd', [['ls'], ['pwd']]],
    ['ls\n\npwd\n', [['ls'], ['pwd']]],
    ['cat x 2>/dev/null', [['cat', 'x']]],
    ['2>/dev/null cat x', [['cat', 'x']]],
    [
      'cat x >/dev/null 2>&1 | wc -l',
      [
        ['cat', 'x'],
        ['wc', '-l']
      ]
    ],
    ['ls &>/dev/null', [['ls']]],
    ['echo hi >&2', [['echo', 'hi']]],
    [
      '[ -f x ] && echo yes',
      [
        ['[', '-f', 'x', ']'],
        ['echo', 'yes']
      ]
    ],
    ['echo {} x{}', [['echo', '{}', 'x{}']]],
    ['echo a!b', [['echo', 'a!b']]]
  ]
  it.each(cases)('%j', (command, expected) => {
    expect(words(command)).toEqual(expected)
  })

  it.runIf(hasBash)('agrees with bash on the words of plain commands', () => {
    for (const command of [
      `echo 'a b' "c d" e\\ f a"b"'c'`,
      'echo "\\$x \\"q\\" \\\\ \\a"',
      'echo a#b \\#c',
      "echo ''#x",
      'echo a\\ #x',
      'echo "a\\\nb"',
      "echo 'a\\\nb'",
      'echo a!b {} x{} =x a=b'
    ]) {
      const mine = words(command)[0] as string[]
      expect(['echo', ...bashWords(command.replace(/^echo /, ''))], JSON.stringify(command)).toEqual(mine)
    }
  })

  const refused: [string, RegExp][] = [
    ['echo $HOME', /expansion/],
    ['echo `id`', /expansion/],
    ['echo "$(id)"', /expansion/],
    ["echo $'a'", /expansion/],
    ['(ls)', /parentheses/],
    ['ls &', /background/],
    ['ls |& cat', /\|&/],
    ['ls ;; pwd', /case/],
    ['; ls', /empty part/],
    ['ls && ; pwd', /empty part/],
    ['ls &&', /incomplete/],
    ['ls |', /incomplete/],
    ['ls > out', /to or from a file/],
    ['ls 2>out', /to or from a file/],
    ['ls >>/etc/x', /to or from a file/],
    ['cat < in.txt', /to or from a file/],
    ['cat <<EOF\nx\nEOF', /unusual redirect/],
    ['cat <<< x', /unusual redirect/],
    ['ls 2>&3', /to or from a file/],
    ['ls >&-', /to or from a file/],
    ['ls 10>/dev/null', /file descriptor/],
    ['ls x2>/dev/null', /joined to a word/],
    ['ls {fd}>/dev/null', /joined to a word/],
    ['ls >| /dev/null', /unusual redirect/],
    ['cat <(ls)', /unusual redirect/],
    ['FOO=1 ls', /variable/],
    ['a[0]=x ls', /variable/],
    ['A+=x', /variable/],
    ['if true; then ls; fi', /keyword `if`/],
    ['! ls', /keyword `!`/],
    ['time ls', /keyword `time`/],
    ['coproc ls', /keyword `coproc`/],
    ['{ ls; }', /keyword `\{`/],
    ['[[ -f x ]]', /keyword `\[\[`/],
    ['echo {a,b}', /brace/],
    ['echo {1..3}', /brace/],
    ["echo 'unterminated", /unterminated/],
    ['echo "unterminated', /unterminated/],
    ['echo \\', /lone backslash/]
  ]
  it.each(refused)('refuses %j', (command, reason) => {
    const lexed = lexCommand(command)
    expect(lexed.ok).toBe(false)
    if (!lexed.ok) expect(lexed.reason).toMatch(reason)
  })
})

describe('the bytes neither reading may meet', () => {
  it.each([
    '\r',
    '\v',
    '\f',
    '\u0000',
    '\u001b',
    '\u007f',
    '\u0085',
    '\u00a0',
    '\u00ad',
    '\u061c',
    '\u1680',
    '\u180e',
    '\u2000',
    '\u200a',
    '\u200b',
    '\u200c',
    '\u200d',
    '\u200e',
    '\u2028',
    '\u2029',
    '\u202a',
    '\u202e',
    '\u202f',
    '\u205f',
    '\u2060',
    '\u2066',
    '\u2069',
    '\u3000',
    '\u3164',
    '\ufe0f',
    '\ufeff',
    '\ue000',
    '\u{e0041}'
  ])('%j is refused before parsing', async (char) => {
    expect(unsupportedCharacter(`ls${char}x`)).not.toBeNull()
    expect(lexicalProblem(`cat a.txt${char}rm -rf x`)).not.toBeNull()
    expect((await parseCommand(`cat a.txt${char}rm -rf x`)).ok).toBe(false)
  })

  it.each(['ls', 'cat résumé.txt', 'grep 日本 notes.md', "echo 'tab\there'", 'ls\tx', 'cat a\nls', 'echo ☃'])(
    '%j passes',
    (command) => {
      expect(unsupportedCharacter(command)).toBeNull()
    }
  )
})

describe('a command the grammar reads differently from bash is not plain', () => {
  it.each(HOSTILE_TOKENIZER)('%j is refused or shows every program', async (command) => {
    const parsed = await parseCommand(command)
    const shown = parsed.ok && parsed.parts.some((p) => p.argv[0] === 'rm' || p.argv[0] === 'curl')
    expect(lexicalProblem(command) !== null || !parsed.ok || shown, JSON.stringify(command)).toBe(true)
  })

  it.each(["echo ''#; rm -rf x", 'echo ""#; rm -rf x', 'echo a\\\n#x; id'])(
    '%j: bash runs a second command, and the parse never hides it',
    async (command) => {
      const lexed = lexCommand(command)
      expect(lexed.ok && lexed.parts.length).toBe(2)
      const parsed = await parseCommand(command)
      expect(parsed.ok ? parsed.parts.length : 2).toBe(2)
    }
  )
})
