import { describe, expect, it } from 'vitest'
import { checkSedScript, scanSedScript } from './sed-script'

describe('checkSedScript', () => {
  it.each([
    'p',
    '1,20p',
    '$p',
    '$=',
    '/start/,/end/p',
    '/a/!d',
    '10q',
    '0,/re/p',
    '1~2p',
    '/x/,+3p',
    's/a/b/',
    's/a/b/gp',
    's/a/b/2',
    's|/usr/bin|X|p',
    's/\\/w/x/p',
    'y/abc/xyz/',
    '/a/{p;q}',
    '/a/ { s/x/y/; p }',
    '# comment\np',
    ':a;N;$!ba;s/\\n/ /gp',
    '1i\\\nheader',
    'a hello',
    'r other.txt',
    '\\,x,p',
    '/re/Ip'
  ])('%j is safe', (script) => {
    expect(checkSedScript(script)).toBe('safe')
  })

  it.each([
    ['w out', 'write'],
    ['1w out', 'write'],
    ['/x/W out', 'write'],
    ['s/a/b/w out', 'write'],
    ['s/a/b/gw out', 'write'],
    ['p;w out', 'write'],
    ['/a/{w out\n}', 'write'],
    ['e id', 'exec'],
    ['1e', 'exec'],
    ['s/.*/id/e', 'exec'],
    ['s/a/b/ge', 'exec']
  ])('%j is %s', (script, verdict) => {
    expect(checkSedScript(script)).toBe(verdict)
  })

  it.each(['s/a/b', 's', 'k', '1', 'pw', 's/a/b/x', 'y/a/', '/unterminated'])('%j is unknown', (script) => {
    expect(checkSedScript(script)).toBe('unknown')
  })
})

describe('bracket expressions (GNU sed skips them when it looks for the delimiter)', () => {
  it.each([
    ['s/[/]/x/e', 'exec'],
    ['s/[]/]/x/e', 'exec'],
    ['s/[^]/]/x/e', 'exec'],
    ['s/[[:alpha:]/]/x/e', 'exec'],
    ['/[/]/e id', 'exec']
  ])('%j is %s', (script, verdict) => {
    expect(checkSedScript(script)).toBe(verdict)
  })

  it('is never safe when the two readings disagree', () => {
    expect(checkSedScript('s/[/]/x/p')).toBe('unknown')
    expect(checkSedScript('/[/]/p')).toBe('unknown')
    expect(checkSedScript('s/[/]/x/w out')).toBe('unknown')
  })
})

describe('scanSedScript', () => {
  it('lists the files a script reads and writes', () => {
    expect(scanSedScript('r /etc/passwd').files).toEqual(['/etc/passwd'])
    expect(scanSedScript('1R other.txt').files).toEqual(['other.txt'])
    expect(scanSedScript('s/a/b/w out.txt').files).toEqual(['out.txt'])
    expect(scanSedScript('/x/w out\np').files).toEqual(['out'])
    // GNU sed reads a file name to the end of the line, `;` included.
    expect(scanSedScript('r a.txt;p').files).toEqual(['a.txt;p'])
    expect(scanSedScript('p').files).toEqual([])
  })
})
