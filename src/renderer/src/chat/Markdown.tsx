import { memo, useEffect, useMemo, useState, type ComponentProps } from 'react'
import ReactMarkdown, { type Components } from 'react-markdown'
import rehypeHighlight from 'rehype-highlight'
import remarkGfm from 'remark-gfm'
import { findDefinitions, splitBlocks, withDefinitions } from '../lib/blocks'
import { CodeBlock } from './CodeBlock'

/** Links leave the app: a new browsing context (the OS browser in Electron), no opener. */
function Link({ node: _node, children, ...props }: ComponentProps<'a'> & { node?: unknown }) {
  return (
    <a {...props} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  )
}

const components: Components = { a: Link, pre: CodeBlock }
const remarkPlugins = [remarkGfm]
/**
 * rehype-highlight registers all its languages each time a processor attaches it (every
 * ReactMarkdown render); its transform is made once here and shared by every block.
 */
const highlightTransform = rehypeHighlight()
const rehypePlugins = [() => highlightTransform]

/** One finished block: parsed and highlighted once, then memoised on its text. */
const Block = memo(function Block({ text }: { text: string }) {
  return (
    <div className="markdown__block">
      <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  )
})

const RAW_TAIL_CHARS = 6000
/** How much new markdown one render may parse; the rest shows as text until the next frames. */
const BUDGET_CHARS = 6000
const BUDGET_BLOCKS = 12

/** A finished block not parsed yet (only when text arrives faster than a frame can format it). */
const Plain = memo(function Plain({ text }: { text: string }) {
  return <p className="markdown__raw">{text}</p>
})

/** The block still streaming: parsed without highlighting; a very long one shows as text until it ends. */
function Tail({ text }: { text: string }) {
  if (text.length > RAW_TAIL_CHARS) return <p className="markdown__raw">{text}</p>
  return (
    <div className="markdown__block">
      <ReactMarkdown remarkPlugins={remarkPlugins} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  )
}

/** From `from`, how many blocks fit in one render's budget (at least one). */
function withinBudget(blocks: string[], from: number, end: number): number {
  let index = from
  let chars = 0
  while (
    index < end &&
    index - from < BUDGET_BLOCKS &&
    (index === from || chars + (blocks[index] as string).length <= BUDGET_CHARS)
  ) {
    chars += (blocks[index] as string).length
    index++
  }
  return index
}

/**
 * The blocks an answer renders as. Each carries the link and footnote definitions it refers
 * to, wherever in the answer they are. A finished answer with footnotes is one block, so its
 * footnotes are numbered once and listed at its end.
 */
export function answerBlocks(text: string, streaming: boolean): string[] {
  const definitions = findDefinitions(text)
  if (!streaming && definitions.some((d) => d.footnote)) return [text]
  return splitBlocks(text).map((block) => withDefinitions(block, definitions))
}

/**
 * An answer in markdown (GFM tables, footnotes, highlighted code with copy buttons). Raw HTML
 * from the model is shown as text, never rendered. Finished blocks are parsed once and
 * memoised; only the last block re-renders while streaming. One render parses at most a
 * budget of new blocks, so a flood of text (or a long answer opened from history) never
 * blocks a frame: the rest is plain text for a frame or two.
 */
export const Markdown = memo(function Markdown({ text, streaming = false }: { text: string; streaming?: boolean }) {
  const blocks = useMemo(() => answerBlocks(text, streaming), [text, streaming])
  const finished = streaming ? blocks.length - 1 : blocks.length
  const [parsed, setParsed] = useState(0)
  const ready = withinBudget(blocks, Math.min(parsed, finished), finished)
  useEffect(() => {
    if (ready <= parsed) return
    const frame = requestAnimationFrame(() => setParsed((n) => Math.max(n, ready)))
    return () => cancelAnimationFrame(frame)
  }, [ready, parsed])
  return (
    <div className="markdown">
      {blocks.map((block, index) =>
        index < ready ? (
          <Block key={index} text={block} />
        ) : index < finished ? (
          <Plain key={index} text={block} />
        ) : (
          <Tail key={index} text={block} />
        )
      )}
    </div>
  )
})
