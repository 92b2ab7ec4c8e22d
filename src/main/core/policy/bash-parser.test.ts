import { describe, expect, it } from 'vitest'
import { analyzeCommand, parseCommand, type ParsedCommand } from './bash-parser'

function argvs(parsed: ParsedCommand): string[][] {
  if (!parsed.ok) throw new Error(`expected ok, got: ${parsed.reason}`)
  return parsed.parts.map((p) => p.argv)
}

async function reason(command: string): Promise<string> {
  const parsed = await parseCommand(command)
  if (parsed.ok) throw new Error(`expected ok:false for ${command}`)
  return parsed.reason
}

describe('parseCommand: plain commands', () => {
  it('parses a single command into argv', async () => {
    const parsed = await parseCommand('ls -la')
    expect(parsed).toEqual({
      ok: true,
      parts: [{ argv: ['ls', '-la'], text: 'ls -la', globs: [false, false] }],
      connectors: []
    })
  })

  it('splits on &&, ||, ; and | in order', async () => {
    const parsed = await parseCommand('a 1 && b || c; d | e')
    expect(argvs(parsed)).toEqual([['a', '1'], ['b'], ['c'], ['d'], ['e']])
    expect(parsed.ok && parsed.connectors).toEqual(['&&', '||', ';', '|'])
  })

  it('treats newlines as ;', async () => {
    const parsed = await parseCommand('ls\npwd\n')
    expect(argvs(parsed)).toEqual([['ls'], ['pwd']])
    expect(parsed.ok && parsed.connectors).toEqual([';'])
  })

  it('accepts a trailing ; and comments', async () => {
    expect(argvs(await parseCommand('ls; # list'))).toEqual([['ls']])
  })

  it('keeps the source text of each part', async () => {
    const parsed = await parseCommand('git status -s && cat "a b" | head -2')
    expect(parsed.ok && parsed.parts.map((p) => p.text)).toEqual(['git status -s', 'cat "a b"', 'head -2'])
  })

  it('removes quotes and escapes', async () => {
    expect(argvs(await parseCommand(`echo 'a b' "c d" e\\ f a"b"'c' 'it'\\''s'`))).toEqual([
      ['echo', 'a b', 'c d', 'e f', 'abc', "it's"]
    ])
  })

  it('keeps only the escapes double quotes know', async () => {
    expect(argvs(await parseCommand('echo "\\$x \\"q\\" \\\\ \\a"'))).toEqual([['echo', '$x "q" \\ \\a']])
  })

  it('handles a quoted program name, empty strings and multi-line strings', async () => {
    expect(argvs(await parseCommand(`"ls" '' "" "a\nb"`))).toEqual([['ls', '', '', 'a\nb']])
  })

  it('joins line continuations', async () => {
    expect(argvs(await parseCommand('ls \\\n  -la'))).toEqual([['ls', '-la']])
  })

  it('keeps globs as literal words and flags them', async () => {
    const parsed = await parseCommand(`ls *.ts src/?.js [ab]c '*.md' \\*x`)
    expect(argvs(parsed)).toEqual([['ls', '*.ts', 'src/?.js', '[ab]c', '*.md', '*x']])
    expect(parsed.ok && parsed.parts[0]?.globs).toEqual([false, true, true, true, false, false])
  })

  it('keeps a lone {} literal', async () => {
    expect(argvs(await parseCommand('echo {} x{}'))).toEqual([['echo', '{}', 'x{}']])
  })

  it('parses --flag="value" as one word', async () => {
    expect(argvs(await parseCommand('git log --format="%h %s"'))).toEqual([['git', 'log', '--format=%h %s']])
  })
})

describe('parseCommand: refuses what the shell would rewrite', () => {
  const cases: [string, RegExp][] = [
    ['echo $(id)', /command substitution `\$\(…\)`/],
    ['echo `id`', /backticks/],
    ['echo "$(id)"', /command substitution/],
    ['echo "`id`"', /backticks/],
    ['diff <(ls) b', /process substitution/],
    ['ls > out.txt', /output is redirected to a file/],
    ['ls >> out.txt', /output is redirected to a file/],
    ['cat < in.txt', /input is read from a file/],
    ['ls &>f', /redirected to a file/],
    ['cat <<EOF\nhi\nEOF', /here-document/],
    ['cat <<< hi', /here-string/],
    ['>f ls', /redirected/],
    ['ls |& cat', /`\|&`/],
    ['echo $HOME', /variable expansion/],
    ['echo ${HOME}', /variable expansion/],
    ['echo "x$Y"', /variable expansion/],
    ['echo $1 $@', /variable expansion/],
    ['echo $((1+2))', /arithmetic expansion/],
    ["echo $'a\\nb'", /ANSI-C/],
    ['(ls)', /subshell/],
    ['{ ls; }', /groups commands/],
    ['ls &', /background/],
    ['ls & pwd', /background/],
    ['f() { ls; }', /function/],
    ['if true; then ls; fi', /control flow/],
    ['for f in a b; do echo x; done', /control flow/],
    ['while true; do ls; done', /control flow/],
    ['case x in x) ls;; esac', /control flow/],
    ['FOO=1 ls', /environment variable/],
    ['FOO=1', /shell variable/],
    ['export FOO=1', /declares variables/],
    ['! ls', /negates/],
    ['[[ -f x ]]', /test/],
    ['[ -f $HOME/x ]', /test|expansion/],
    ['[ -f "$(id)" ]', /test|substitution/],
    ['[ -f x -a "$y" ]', /test|expansion/],
    ['find . -{de,}lete', /brace expansion/],
    ['echo {a..c}', /brace expansion/],
    ["echo 'unterminated", /syntax error/],
    ['ls && &&', /syntax error/],
    ['ls |', /incomplete/],
    ['ls ||| x', /syntax error/],
    ['', /empty/],
    ['   ', /empty/]
  ]
  it.each(cases)('%s', async (command, expected) => {
    expect(await reason(command)).toMatch(expected)
  })

  it('lists every problem once', async () => {
    expect(await reason('echo $(id) > f; echo $(id)')).toBe(
      'output is redirected to a file (`> f`); the command uses command substitution `$(…)`'
    )
  })
})

describe('analyzeCommand', () => {
  it('finds commands inside substitutions for classification', async () => {
    const analysis = await analyzeCommand('echo $(sudo id)')
    expect(analysis.parsed.ok).toBe(false)
    expect(analysis.commands.map((c) => c.argv[0])).toEqual(['echo', 'sudo'])
  })

  it('describes redirects', async () => {
    const analysis = await analyzeCommand('cat a > /etc/x 2>&1 < in 2>/dev/null')
    expect(analysis.redirects).toEqual([
      { text: '> /etc/x', writes: '/etc/x' },
      { text: '2>&1' },
      { text: '< in', reads: 'in' },
      { text: '2>/dev/null' }
    ])
  })

  it('reports no problems for plain commands', async () => {
    const analysis = await analyzeCommand('ls && pwd')
    expect(analysis.problems).toEqual([])
    expect(analysis.commands).toHaveLength(2)
  })

  it('is reusable across many calls (one lazy parser)', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => parseCommand(`echo ${i}`)))
    expect(results.every((r) => r.ok)).toBe(true)
  })
})
