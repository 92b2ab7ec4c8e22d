import { describe, expect, it } from 'vitest'
import { splitBlocks } from './blocks'

describe('splitBlocks', () => {
  it('splits at blank lines', () => {
    expect(splitBlocks('# Title\n\nOne para.\n\nTwo para.')).toEqual(['# Title', 'One para.', 'Two para.'])
  })
  it('keeps a fenced code block with blank lines whole', () => {
    const code = '```js\nconst a = 1\n\nconst b = 2\n```'
    expect(splitBlocks(`Intro\n\n${code}\n\nOutro`)).toEqual(['Intro', code, 'Outro'])
  })
  it('keeps an unclosed fence (still streaming) as the last block', () => {
    expect(splitBlocks('Intro\n\n```sh\nls\n\npwd')).toEqual(['Intro', '```sh\nls\n\npwd'])
  })
  it('does not split before an indented continuation (a list item paragraph)', () => {
    expect(splitBlocks('1. item\n\n   more of the item\n\nNext')).toEqual(['1. item\n\n   more of the item', 'Next'])
  })
  it('rejoins to the same text', () => {
    const text = 'a\n\nb\n\n```\nc\n\nd\n```\n\n- e\n\n  f'
    expect(splitBlocks(text).join('\n\n')).toBe(text)
  })
})
