/**
 * Class 2 of issue 11: sed scripts, jq programs and awk programs are read with their own
 * tokens and judged by allow-lists (sed-script, jq-program, awk-program).
 */
import { describe, expect, it } from 'vitest'
import { awkProblem, awkProgramProblem } from './awk-program'
import { jqProgramProblem, parseJqArgs } from './jq-program'
import { checkSedScript, scanSedScript } from './sed-script'
import { assessShellCommand } from './shell-policy'

describe('sed: labels, comments and text end where GNU sed ends them', () => {
  it.each<[string, 'exec' | 'write' | 'unknown']>([
    // GNU sed ends a label at a blank and reads the rest of the line as the next command.
    [':a e id', 'unknown'],
    ['t x e id', 'unknown'],
    ['b x e id', 'unknown'],
    ['T x e id', 'unknown'],
    [':a;e id', 'exec'],
    [':a\ne id', 'exec'],
    ['b end}e id', 'unknown'],
    [':a#x e id', 'unknown'],
    [':a}', 'unknown'],
    ['b x;e id\n:x', 'exec'],
    ['1!b;e id', 'exec'],
    // A comment ends at the newline, backslash or not.
    ['p # note \\\ne id', 'exec'],
    ['# x\\\ne id', 'exec'],
    // a/i/c text ends at an unescaped newline.
    ['c\\\nx\ne id', 'exec'],
    ['a text\ne id', 'exec'],
    ['i\\\nx\\\ny\nw out', 'write'],
    // v takes a version like a label: not read at all.
    ['v 4.2 e id', 'unknown'],
    ['v', 'unknown'],
    // Blocks, addresses and flags.
    ['/x/{e id\n}', 'exec'],
    ['1,/x/{p;e id}', 'exec'],
    ['$!{N};e id', 'exec'],
    ['\\,x,e id', 'exec'],
    ['0~3e id', 'exec'],
    ['s/a/b/e', 'exec'],
    ['s/a/b/3e', 'exec'],
    ['s/a/b/gpe', 'exec'],
    ['s|a|b|e', 'exec'],
    ['s/a/b\\\nc/e', 'exec'],
    ['y/a/b/;e id', 'exec'],
    ['w out', 'write'],
    ['1W out', 'write'],
    ['s/a/b/w out', 'write'],
    ['s/a/b/gw /tmp/x', 'write'],
    ['p;w out', 'write'],
    // Anything sed would not read the same way is unknown, never safe.
    ['s/a/b/ g', 'unknown'],
    ['s a b ', 'unknown'],
    ['{p}p', 'unknown'],
    ['}', 'unknown'],
    ['{p', 'unknown'],
    ['1', 'unknown'],
    ['k', 'unknown'],
    ['s/a\nb/c/', 'unknown'],
    ['y/abc/', 'unknown'],
    ['/unterminated', 'unknown'],
    ['r', 'unknown']
  ])('%j is %s', (script, verdict) => {
    expect(checkSedScript(script)).toBe(verdict)
  })

  it.each([
    'p',
    ':a;N;$!ba;s/\\n/ /gp',
    ':a\nN\n$!ba',
    '/x/{b end};p;:end',
    '1{b};p',
    't;p',
    'b x ;p\n:x',
    '/a/ { s/x/y/; p }',
    'p # a comment',
    'l;l 3',
    'q 5',
    '1~2p',
    '0,/re/p',
    'a foo;e id',
    'a\\\n  text;w out',
    's/a/b/Mp',
    '/re/Ip',
    'F;z;='
  ])('%j is safe', (script) => {
    expect(checkSedScript(script)).toBe('safe')
  })

  it('takes `#n` on the first line for -n', () => {
    expect(scanSedScript('#n\np').quiet).toBe(true)
    expect(scanSedScript('#n').quiet).toBe(true)
    expect(scanSedScript('#nope\np').quiet).toBe(false)
    expect(scanSedScript(' #n\np').quiet).toBe(false)
  })

  it.each([
    ["sed -n -e p -e 'e id' f", true],
    ["sed -n -e 'a\\' -e 'e id' f", false],
    ["sed -e '#n' -e p f", false],
    ["sed '#n\np' f", false],
    ["sed -n -l 5 'e id' f", true]
  ])('%s joins its scripts the way sed does (asks: %s)', async (command, asks) => {
    expect((await assessShellCommand(command)).needs_approval).toBe(asks)
  })
})

describe('jq: only pure builtins and the program’s own functions', () => {
  it.each([
    'env',
    'env.HOME',
    '$ENV',
    '$ENV.PATH',
    '$ENV | keys',
    '"\\(env.HOME)"',
    '"a\\("b\\(env)")"',
    '{(env|tostring): 1}',
    '{a: env}',
    '{a: 1, b: (env)}',
    '[env[]]',
    '. as $x | env',
    '@sh "\\(env)"',
    '@base64 "\\($ENV)"',
    'input_filename',
    '$__loc__',
    '$__loc__.file',
    '$__prog_args',
    'get_search_list',
    'get_jq_origin',
    'get_prog_origin',
    'modulemeta',
    'import "x" as x; .',
    'include "x"; .',
    'import "x" as $data; $data',
    'a::b',
    '$x::y',
    'def f: $ENV; f',
    '# comment\nenv',
    '# comment \\\nenv',
    '@evil',
    'splits("a") | env',
    'getpath(["a"]) as $p | env',
    'limit(1; env)',
    'try env catch .',
    'reduce env as $x (0; .)',
    '.a | @json "\\(.b | env)"',
    'label $out | env',
    'if env then 1 else 2 end',
    '[.[] | env]',
    '`id`',
    '"unterminated',
    '"\\(env'
  ])('%j asks', (program) => {
    expect(jqProgramProblem(program)).not.toBeNull()
  })

  it.each([
    '.',
    '.a.b',
    '.[] | {name, age}',
    '{env, name}',
    '.["env"]',
    '.env',
    '."env"',
    'def env: 1; env',
    'def f(g; $x): g + $x; f(.a; 1)',
    'map(select(.x > 1)) | length',
    'to_entries[] | "\\(.key)=\\(.value)"',
    '@base64',
    '@sh "echo \\(.)"',
    'reduce .[] as $x (0; . + $x)',
    '. as {a: $x} | $x',
    'paths | join(".")',
    '[inputs]',
    'input',
    '.a // "x"',
    '.a |= . + 1',
    '.[1:3]',
    'del(.a) | keys',
    'label $f | 1, break $f',
    'try error("x") catch .',
    'if . then 1 elif . == 2 then 2 else 3 end',
    '.x | test("a"; "g")',
    'group_by(.a) | map(length)',
    '# a comment\n.'
  ])('%j is pure', (program) => {
    expect(jqProgramProblem(program)).toBeNull()
  })

  it.each([
    [['-f', 'p.jq'], '-f'],
    [['--from-file', 'p.jq'], '--from-file'],
    [['-L', '/tmp', '.'], '-L'],
    [['-nrf', 'p.jq'], '-nrf'],
    [['--seq', '--frobnicate', '.'], '--frobnicate']
  ])('refuses the options %j', (args, refused) => {
    expect(parseJqArgs(args).refused).toBe(refused)
  })

  it('reads the program and files the way jq does', () => {
    expect(parseJqArgs(['-r', '--arg', 'x', 'y', '.a', 'f.json'])).toEqual({
      program: '.a',
      files: ['f.json'],
      refused: null
    })
    expect(parseJqArgs(['-n', '--', '-x'])).toEqual({ program: '-x', files: [], refused: null })
  })
})

describe('awk: only programs that print', () => {
  it.each([
    'BEGIN{system("id")}',
    'BEGIN { system ("id") }',
    '{print | "sh"}',
    '{print > "out"}',
    '{print >> "out"}',
    '{printf "%s", $0 > "out"}',
    '{printf("%s", $0) > "out"}',
    '{print $1,\n$2 > "out"}',
    '{print $1 > 5}',
    '{ if (x) print y > "f" }',
    '{ print (a) > "f" }',
    'BEGIN{print ENVIRON["HOME"]}',
    'BEGIN{for (k in ENVIRON) print k}',
    '{ getline line < "/etc/passwd" }',
    '{ getline }',
    'BEGIN { "id" | getline x }',
    'BEGIN{while(("ls"|getline l)>0) print l}',
    '@include "x"',
    '@load "filefuncs"',
    'BEGIN { f = "system"; @f("id") }',
    'BEGIN{close("x")}',
    'BEGIN{fflush()}',
    'BEGIN{ARGV[1]="/etc/passwd"; ARGC=2} {print}',
    'BEGIN{print PROCINFO["pid"]}',
    'BEGIN{print SYMTAB["x"]}',
    'BEGIN{print FUNCTAB["x"]}',
    'BEGIN{x = "sh"; print "id" | x}',
    '{ print $0 |& "cat" }',
    'BEGIN { ns::f() }',
    '{ mystery($1) }',
    '{ a++ / 2 }',
    '{ x = length / 2 }',
    '{ print $/x/ }',
    '/[/]/ { print }',
    '`id`',
    '{ print "unterminated }',
    '{ x = /unterminated }',
    '{ print \\ }'
  ])('%j asks', (program) => {
    expect(awkProgramProblem(program)).not.toBeNull()
  })

  it.each([
    '{print $1}',
    '{print $1, $NF}',
    'NR==1',
    '{n++} END {print n}',
    'length > 80',
    '$3 > 100 {print $1, $3}',
    '$1 >= 2 && $2 != "x" {print}',
    '{ print ($1 > 5) }',
    '{ print ($1 > 5 ? "big" : "small") }',
    '/foo|bar/ {print}',
    '!/^#/',
    '$0 ~ /x/ {c++} END {print c+0}',
    '{ s += $2 } END { printf "%.2f\\n", s / NR }',
    '{ a[$1]++ } END { for (k in a) print k, a[k] }',
    'function f(x) { return x * 2 } { print f($1) }',
    '{ gsub(/a/, "b"); print }',
    '{ print substr($0, 1, 10) }',
    '{ print toupper($1) }',
    'BEGIN { FS = "," } { print $2 }',
    '{ x = 10 / 2; print x }',
    '{ print $1 }\n{ print $2 }',
    '# a comment\n{ print }',
    '{ print \\\n $1 }',
    'NF { print $NF }'
  ])('%j only prints', (program) => {
    expect(awkProgramProblem(program)).toBeNull()
  })

  it.each([
    [['-f', 'p.awk', 'f'], /loads awk code/],
    [['--source', 'BEGIN{}'], /loads awk code|does not know/],
    [['-W', 'exec', 'x'], /does not know/],
    [['-v', 'ENVIRON=x', '{print}'], /sets `ENVIRON`/],
    [['{print}', 'ARGV=x'], /sets `ARGV`/],
    [['-v', 'x', '{print}'], /not an assignment/],
    [[], /no program/]
  ])('%j asks', (args, reason) => {
    expect(awkProblem(args)).toMatch(reason)
  })

  it.each([
    [['-F,', '{print $2}', 'f']],
    [['-F', ':', '{print $1}', 'f']],
    [['-v', 'n=3', 'NR <= n', 'f']],
    [['{print}', 'FS=,', 'f']],
    [['--', '{print}', 'f']]
  ])('%j only prints', (args) => {
    expect(awkProblem(args)).toBeNull()
  })
})
