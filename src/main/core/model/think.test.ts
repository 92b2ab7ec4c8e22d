import { describe, expect, it } from 'vitest'
import { ThinkTagParser, type ThinkPart } from './think'

function run(chunks: string[], completed: boolean, assume = true): ThinkPart[] {
  const parser = new ThinkTagParser(assume)
  return [...chunks.flatMap((chunk) => parser.push(chunk)), ...parser.flush(completed)]
}
const text = (parts: ThinkPart[], type: ThinkPart['type']) =>
  parts
    .filter((p) => p.type === type)
    .map((p) => p.delta)
    .join('')

describe('ThinkTagParser', () => {
  it('a block the template opened: what came before </think> is reasoning, the rest the answer', () => {
    const parts = run(['Let me ', 'think.</th', 'ink>The answer.'], true)
    expect(text(parts, 'reasoning_delta')).toBe('Let me think.')
    expect(text(parts, 'content_delta')).toBe('The answer.')
  })

  it('assumed thinking that never closes is the answer, and is never sent as reasoning first', () => {
    const parts = run(['OK, I can ', 'check with that.'], true)
    expect(parts.filter((p) => p.type === 'reasoning_delta')).toEqual([])
    expect(text(parts, 'content_delta')).toBe('OK, I can check with that.')
  })

  it('a stream cut off inside assumed thinking keeps it as reasoning', () => {
    const parts = run(['still thinking about'], false)
    expect(text(parts, 'reasoning_delta')).toBe('still thinking about')
    expect(text(parts, 'content_delta')).toBe('')
  })

  it('an opened <think> streams its reasoning as it comes', () => {
    const parser = new ThinkTagParser(true)
    expect(parser.push('<think>step one')).toEqual([{ type: 'reasoning_delta', delta: 'step one' }])
    expect(parser.push(' two</think>done')).toEqual([
      { type: 'reasoning_delta', delta: ' two' },
      { type: 'content_delta', delta: 'done' }
    ])
  })

  it('without the assumption, plain text is content as it comes', () => {
    const parser = new ThinkTagParser(false)
    expect(parser.push('Hello')).toEqual([{ type: 'content_delta', delta: 'Hello' }])
  })
})
