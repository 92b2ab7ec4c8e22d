import { memo, useEffect, useMemo, useState, type ComponentProps, type ReactElement } from 'react'
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

/**
 * Finished blocks formatted before, by text, newest last. A thread keeps only the turns in view
 * mounted, so a turn scrolled back into view shows formatted at once instead of parsing again.
 */
const formatted = new Map<string, ReactElement>()
const FORMATTED_LIMIT = 2000

function formattedBlock(text: string): ReactElement {
  const cached = formatted.get(text)
  if (cached) {
    formatted.delete(text)
    formatted.set(text, cached)
    return cached
  }
  // react-markdown's Markdown is synchronous and has no hooks: its element tree can be kept.
  const element = ReactMarkdown({ children: text, remarkPlugins, rehypePlugins, components })
  formatted.set(text, element)
  if (formatted.size > FORMATTED_LIMIT) formatted.delete(formatted.keys().next().value as string)
  return element
}

/** One finished block: parsed and highlighted once, then memoised on its text. */
const Block = memo(function Block({ text }: { text: string }) {
  return <div className="markdown__block">{formattedBlock(text)}</div>
})

const RAW_TAIL_CHARS = 6000
/** How much new markdown one task may parse; the rest shows as text until the next frames. */
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

/**
 * What this task has parsed so far, over every answer: a thread opening renders several
 * answers in one task, and the budget holds for all of them together.
 */
let spent: { chars: number; blocks: number } | null = null

function spending(): { chars: number; blocks: number } {
  if (!spent) {
    const now = { chars: 0, blocks: 0 }
    spent = now
    setTimeout(() => {
      if (spent === now) spent = null
    }, 0)
  }
  return spent
}

/**
 * From `from`, how many blocks fit in this task's budget: at least one (so every answer moves
 * on), blocks formatted before are free.
 */
function withinBudget(blocks: string[], from: number, end: number): number {
  let index = from
  let parsed = 0
  while (index < end) {
    const block = blocks[index] as string
    if (!formatted.has(block)) {
      const budget = spending()
      if (parsed > 0 && (budget.blocks >= BUDGET_BLOCKS || budget.chars + block.length > BUDGET_CHARS)) break
      budget.chars += block.length
      budget.blocks++
      parsed++
    }
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
 * memoised (and kept by text, for a turn scrolled back into view); only the last block
 * re-renders while streaming. One task parses at most a budget of new blocks over all
 * answers, so a flood of text (or a long conversation opened from history) never blocks a
 * frame: the rest is plain text for a frame or two.
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
