import { describe, expect, it } from 'vitest'
import { findDefinitions, splitBlocks, withDefinitions } from './blocks'

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

describe('findDefinitions / withDefinitions', () => {
  const answer = [
    'See [the docs][docs] and [Spec].',
    '',
    'Also a claim[^why].',
    '',
    '```md',
    '[code]: https://not-a-definition.example',
    '```',
    '',
    '[docs]: https://example.com/docs "The docs"',
    '[spec]: <https://example.com/spec>',
    '',
    '[^why]: Because the log says so.',
    '    More of the note.'
  ].join('\n')

  it('finds link and footnote definitions outside code, labels normalised', () => {
    expect(findDefinitions(answer)).toEqual([
      { label: 'docs', footnote: false, source: '[docs]: https://example.com/docs "The docs"' },
      { label: 'spec', footnote: false, source: '[spec]: <https://example.com/spec>' },
      { label: 'why', footnote: true, source: '[^why]: Because the log says so.\n    More of the note.' }
    ])
    expect(findDefinitions('No definitions [here].')).toEqual([])
  })

  it('appends to a block only the definitions it refers to, after a blank line', () => {
    const definitions = findDefinitions(answer)
    const [first, second, code] = splitBlocks(answer)
    expect(withDefinitions(first as string, definitions)).toBe(
      'See [the docs][docs] and [Spec].\n\n[docs]: https://example.com/docs "The docs"\n\n[spec]: <https://example.com/spec>'
    )
    expect(withDefinitions(second as string, definitions)).toBe(
      'Also a claim[^why].\n\n[^why]: Because the log says so.\n    More of the note.'
    )
    expect(withDefinitions(code as string, definitions)).toBe(code)
  })

  it('leaves a block inside an open code fence alone (it is still streaming code)', () => {
    const definitions = findDefinitions('[a]: https://a.example')
    expect(withDefinitions('```\n[a] in code', definitions)).toBe('```\n[a] in code')
  })
})
