import { describe, expect, it } from 'vitest'
import { RecordCounter, toCsv } from '../../../shared/csv'

const one = (value: string | number | boolean | null): string => toCsv(['h'], [[value]]).split('\r\n')[1] as string

describe('toCsv', () => {
  it('writes a header and CRLF-terminated rows, quoting only where needed', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x', 1],
          [null, true]
        ]
      )
    ).toBe('a,b\r\nx,1\r\n,true\r\n')
    expect(one('say "hi", then go')).toBe('"say ""hi"", then go"')
    expect(toCsv(['h'], [['two\nlines']])).toBe('h\r\n"two\nlines"\r\n')
  })

  it('keeps spreadsheets from evaluating cells that start like a formula', () => {
    expect(one('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`)
    expect(one('+1+1')).toBe("'+1+1")
    expect(one('-2+3')).toBe("'-2+3")
    expect(one('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(one('\t=1+1')).toBe("'\t=1+1")
    expect(one('\r=1+1')).toBe(`"'\r=1+1"`)
  })

  it('leaves ordinary text and numbers alone', () => {
    expect(one('ls -la')).toBe('ls -la')
    expect(one('a=b')).toBe('a=b')
    expect(one(-1)).toBe('-1')
    expect(one('')).toBe('')
  })
})

describe('RecordCounter', () => {
  it('counts CSV records across chunk borders, not newlines inside quoted cells', () => {
    const text = toCsv(['command'], [['echo "a"\r\necho b'], ['ls'], ['printf "x\ny"']])
    const counter = new RecordCounter(true)
    // Split everywhere, including inside a quoted newline and between the two quotes of "".
    for (let i = 0; i < text.length; i += 3) counter.push(text.slice(i, i + 3))
    expect(counter.records).toBe(4)
  })

  it('counts JSON lines by their newlines', () => {
    const counter = new RecordCounter(false)
    counter.push('{"command":"say \\"hi\\"\\nthere"}\n{"comm')
    expect(counter.records).toBe(1)
    counter.push('and":"ls"}\n')
    expect(counter.records).toBe(2)
  })
})
