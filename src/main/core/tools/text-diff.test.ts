import { describe, expect, it } from 'vitest'
import { textDiff, WHOLE_DIFF_MAX_LINES } from './text-diff'

const numbered = (n: number, from = 1): string =>
  Array.from({ length: n }, (_, i) => `line ${i + from}`).join('\n') + '\n'

describe('textDiff', () => {
  it('counts added and removed lines and keeps three lines of context', () => {
    const before = numbered(40)
    const after = before.replace('line 20\n', 'line twenty\nline twenty-one\n')
    const result = textDiff('a/f.txt', 'b/f.txt', before, after)
    expect(result.added).toBe(2)
    expect(result.removed).toBe(1)
    expect(result.diff).toContain('@@ -17,7 +17,8 @@')
    expect(result.diff).not.toContain(' line 1\n')
  })

  it('offers the whole file as context when it shows more than the hunks', () => {
    const before = numbered(40)
    const after = before.replace('line 20\n', 'line twenty\n')
    const { whole_diff: whole } = textDiff('a/f.txt', 'b/f.txt', before, after)
    expect(whole).toBeDefined()
    const body = whole!.split('\n').filter((l) => /^[ +-](?!--|\+\+)/.test(l))
    // Every line of the file, once, with the change in place.
    expect(body).toHaveLength(41)
    expect(body[0]).toBe(' line 1')
    expect(body.at(-1)).toBe(' line 40')
    expect(body).toContain('-line 20')
    expect(body).toContain('+line twenty')
  })

  it('has no whole-file diff when the hunks already show everything, or nothing changed', () => {
    expect(textDiff('/dev/null', 'b/new.txt', '', numbered(5)).whole_diff).toBeUndefined()
    expect(textDiff('a/f.txt', 'b/f.txt', numbered(4), numbered(4).replace('2', 'two')).whole_diff).toBeUndefined()
    const same = textDiff('a/f.txt', 'b/f.txt', numbered(50), numbered(50))
    expect(same).toMatchObject({ added: 0, removed: 0 })
    expect(same.whole_diff).toBeUndefined()
  })

  it('shows a very long file only as hunks', () => {
    const before = numbered(WHOLE_DIFF_MAX_LINES + 1)
    const result = textDiff('a/f.txt', 'b/f.txt', before, before.replace('line 9\n', 'line nine\n'))
    expect(result.added).toBe(1)
    expect(result.whole_diff).toBeUndefined()
  })

  it('counts a last line without a newline like any other', () => {
    const result = textDiff('a/f.txt', 'b/f.txt', 'one\ntwo', 'one\n2')
    expect(result).toMatchObject({ added: 1, removed: 1 })
    expect(result.diff).toContain('\\ No newline at end of file')
  })
})
