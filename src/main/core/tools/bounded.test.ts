import { describe, expect, it } from 'vitest'
import { BoundedBuffer, boundOutput, omissionMarker } from './bounded'

describe('boundOutput', () => {
  it('returns short text unchanged', () => {
    expect(boundOutput('hello', 10)).toBe('hello')
    expect(boundOutput('0123456789', 10)).toBe('0123456789')
    expect(boundOutput('', 0)).toBe('')
  })

  it('keeps head and tail with a marker saying how much was omitted', () => {
    const text = 'a'.repeat(5) + 'x'.repeat(12_345) + 'b'.repeat(5)
    const out = boundOutput(text, 10)
    expect(out).toBe('aaaaa\n… [12,345 characters omitted] …\nbbbbb')
  })

  it('handles odd budgets (head gets the extra character)', () => {
    expect(boundOutput('abcdefghij', 5)).toBe('abc' + omissionMarker(5) + 'ij')
  })

  it('handles a zero budget', () => {
    expect(boundOutput('abc', 0)).toBe(omissionMarker(3))
  })

  it('does not split surrogate pairs at the cut points', () => {
    const text = '😀'.repeat(10) // 20 UTF-16 code units
    const out = boundOutput(text, 7) // head 4 (2 emoji), tail 3 → 1 emoji + lone low half dropped
    expect(out.startsWith('😀😀\n…')).toBe(true)
    expect(out.endsWith('…\n😀')).toBe(true)
    expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/)
    expect(out).toContain('[14 characters omitted]')
  })
})

describe('BoundedBuffer', () => {
  it('gives everything back while under budget', () => {
    const b = new BoundedBuffer(100)
    b.append('hello ')
    b.append('')
    b.append('world')
    expect(b.toString()).toBe('hello world')
    expect(b.totalChars).toBe(11)
    expect(b.truncated).toBe(false)
  })

  it('matches boundOutput for any chunking', () => {
    const text = Array.from({ length: 2000 }, (_, i) => `line ${i}\n`).join('')
    for (const max of [0, 1, 2, 7, 100, 1001, text.length - 1, text.length, text.length + 5]) {
      for (const chunkSize of [1, 3, 64, 997, text.length]) {
        const b = new BoundedBuffer(max)
        for (let i = 0; i < text.length; i += chunkSize) b.append(text.slice(i, i + chunkSize))
        expect(b.toString()).toBe(boundOutput(text, max))
        expect(b.totalChars).toBe(text.length)
      }
    }
  })

  it('stays bounded in memory for huge streams', () => {
    const b = new BoundedBuffer(1000)
    const chunk = 'z'.repeat(64 * 1024)
    for (let i = 0; i < 2000; i++) b.append(chunk) // ~131M characters
    b.append('THE END')
    const out = b.toString()
    expect(b.totalChars).toBe(2000 * chunk.length + 7)
    expect(out.endsWith('THE END')).toBe(true)
    expect(out.length).toBeLessThan(1100)
    expect(out).toContain(`[${(b.totalChars - 1000).toLocaleString('en-US')} characters omitted]`)
    // Internal state never holds more than head + 2 × tail.
    const internal = b as unknown as { head: string; tail: string }
    expect(internal.head.length + internal.tail.length).toBeLessThanOrEqual(1500)
  })

  it('handles a single chunk larger than the whole budget', () => {
    const b = new BoundedBuffer(10)
    b.append('0123456789ABCDEFGHIJ')
    expect(b.toString()).toBe('01234' + omissionMarker(10) + 'FGHIJ')
  })
})
