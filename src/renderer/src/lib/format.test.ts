import { describe, expect, it } from 'vitest'
import { toCsv } from '../../../shared/csv'
import {
  bytes,
  dayGroup,
  lineCount,
  rate,
  relativeTime,
  riskKey,
  shortPath,
  statsLine,
  timeLeft,
  TRUNCATED_NOTE,
  wasTruncated
} from './format'
import { workspaceProblem } from './storage'

describe('format', () => {
  it('writes the stats line', () => {
    expect(
      statsLine({
        output_tokens: 512,
        ttft_ms: 410,
        duration_ms: 13_000,
        min_tokens_per_second: 21.2,
        avg_tokens_per_second: 38.24,
        max_tokens_per_second: 43.8,
        truncated: false
      })
    ).toBe('38.2 tok/s · 21–44 · 512 tokens · first token 0.41 s')
    expect(
      statsLine({
        output_tokens: 0,
        ttft_ms: null,
        duration_ms: 0,
        min_tokens_per_second: null,
        avg_tokens_per_second: null,
        max_tokens_per_second: null,
        truncated: false
      })
    ).toBeNull()
  })
  it('says when an answer was cut off', () => {
    const stats = {
      output_tokens: 4,
      ttft_ms: 10,
      duration_ms: 100,
      min_tokens_per_second: null,
      avg_tokens_per_second: null,
      max_tokens_per_second: null
    }
    expect(wasTruncated({ ...stats, truncated: true })).toBe(true)
    expect(wasTruncated({ ...stats, truncated: false })).toBe(false)
    expect(wasTruncated(null)).toBe(false)
    expect(TRUNCATED_NOTE).toBe("The answer was cut off: it reached the model's length limit.")
  })
  it('writes sizes, speeds and time left', () => {
    expect(bytes(512)).toBe('512 B')
    expect(bytes(8_400)).toBe('8.4 kB')
    expect(bytes(1_830_000_000)).toBe('1.8 GB')
    expect(bytes(640_000_000)).toBe('640 MB')
    expect(bytes(999_700)).toBe('1.0 MB')
    expect(rate(8_200_000)).toBe('8.2 MB/s')
    expect(timeLeft(12.4)).toBe('12 s left')
    expect(timeLeft(250)).toBe('about 4 min left')
    expect(timeLeft(4800)).toBe('about 1 h 20 min left')
    expect(timeLeft(3600)).toBe('about 1 h left')
  })
  it('colours privileged calls violet whatever the risk', () => {
    expect(riskKey('low', 'privileged')).toBe('privileged')
    expect(riskKey('high', 'file_write')).toBe('high')
  })
  it('groups and dates conversations', () => {
    const now = new Date('2026-03-04T12:00:00')
    expect(dayGroup('2026-03-04T08:00:00', now)).toBe('Today')
    expect(dayGroup('2026-03-03T23:00:00', now)).toBe('Yesterday')
    expect(dayGroup('2026-02-01T08:00:00', now)).toBe('Earlier')
    expect(relativeTime('2026-03-04T11:59:30', now)).toBe('now')
    expect(relativeTime('2026-03-04T11:30:00', now)).toBe('30 min')
    expect(relativeTime('2026-03-03T10:00:00', now)).toBe('Yesterday')
  })
  it('counts lines and shortens paths', () => {
    expect(lineCount('a\nb\n')).toBe(2)
    expect(lineCount('')).toBe(0)
    expect(shortPath('/home/me/projects/site')).toBe('…/projects/site')
  })
  it('checks workspace paths by form', () => {
    expect(workspaceProblem('')).toMatch(/Enter/)
    expect(workspaceProblem('projects')).toMatch(/full path/)
    expect(workspaceProblem('~/projects')).toBeNull()
    expect(workspaceProblem('/srv/site')).toBeNull()
  })
  it('quotes CSV cells and defuses formulas', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', '=cmd'],
          ['say "hi"', null]
        ]
      )
    ).toBe('a,b\r\n"x,y",\'=cmd\r\n"say ""hi""",\r\n')
  })
})
