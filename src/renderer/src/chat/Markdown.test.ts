import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { answerBlocks, Markdown } from './Markdown'

const ANSWER = [
  'Read [the guide][guide] first.',
  '',
  'Then the [changelog].',
  '',
  'It failed twice[^log].',
  '',
  '[guide]: https://example.com/guide "Guide"',
  '[changelog]: https://example.com/changelog',
  '',
  '[^log]: See /var/log/apt/history.log.'
].join('\n')

const render = (text: string, streaming = false): string =>
  renderToStaticMarkup(createElement(Markdown, { text, streaming }))

describe('Markdown: reference-style links and footnotes across blocks', () => {
  it('resolves reference links defined in another block', () => {
    const html = render(
      'Read [the guide][guide] first.\n\nThen the [changelog].\n\n[guide]: https://example.com/guide "Guide"\n[changelog]: https://example.com/changelog'
    )
    expect(html).toContain(
      '<a href="https://example.com/guide" title="Guide" target="_blank" rel="noopener noreferrer">the guide</a>'
    )
    expect(html).toContain(
      '<a href="https://example.com/changelog" target="_blank" rel="noopener noreferrer">changelog</a>'
    )
    expect(html).not.toContain('[guide]')
    expect(html).not.toContain('[changelog]')
  })

  it('renders footnotes of a finished answer once, numbered, at its end', () => {
    const html = render(ANSWER)
    expect(html).toContain('data-footnote-ref')
    expect(html).toContain('See /var/log/apt/history.log.')
    expect(html.match(/data-footnotes/g)).toHaveLength(1)
    expect(html).not.toContain('[^log]')
    expect(answerBlocks(ANSWER, false)).toEqual([ANSWER])
  })

  it('resolves them while streaming too, block by block', () => {
    const html = render(ANSWER, true)
    expect(html).toContain('href="https://example.com/guide"')
    expect(html).toContain('data-footnote-ref')
    expect(html).not.toContain('[^log]')
    expect(answerBlocks(ANSWER, true).length).toBeGreaterThan(1)
  })
})
