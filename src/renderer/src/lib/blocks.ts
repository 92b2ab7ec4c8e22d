/** An opening or closing code fence: its marker. */
const FENCE = /^ {0,3}(`{3,}|~{3,})/

/** The fence open after `line` (null when none): `fence` is the one open before it. */
function fenceAfter(line: string, fence: string | null): string | null {
  const marker = FENCE.exec(line)?.[1]
  if (!marker) return fence
  if (fence === null) return (marker[0] as string).repeat(marker.length)
  if (marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) return null
  return fence
}

/**
 * Splits markdown into top-level blocks so a streaming answer re-renders only its last block:
 * every finished block is memoised. A block ends at a blank line outside a code fence when
 * the next line is not indented (an indented line continues a list item or a code block).
 */
export function splitBlocks(text: string): string[] {
  const blocks: string[] = []
  const lines = text.split('\n')
  let current: string[] = []
  let fence: string | null = null
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    fence = fenceAfter(line, fence)
    if (fence === null && line.trim() === '' && current.length > 0) {
      const next = lines[i + 1]
      if (next !== undefined && next !== '' && !/^\s/.test(next)) {
        blocks.push(current.join('\n'))
        current = []
        continue
      }
    }
    current.push(line)
  }
  if (current.length > 0) blocks.push(current.join('\n'))
  return blocks
}

/** Plain text in paragraphs (for the reasoning pane): split at blank lines. */
export function splitParagraphs(text: string): string[] {
  return text.split(/\n{2,}/)
}

/** A link reference definition (`[id]: url "title"`) or a footnote definition (`[^id]: text`). */
export interface Definition {
  /** Normalised (case and inner whitespace), as markdown matches it. */
  label: string
  footnote: boolean
  /** Its markdown, continuation lines included. */
  source: string
}

const LINK_DEFINITION =
  /^ {0,3}\[((?:[^\]\\]|\\.)+)\]:[ \t]*(?:<[^>\n]*>|\S+)(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*$/
const FOOTNOTE_DEFINITION = /^ {0,3}\[\^([^\]\s]+)\]:/

export function normalizeLabel(label: string): string {
  return label.trim().replace(/\s+/g, ' ').toLowerCase()
}

/**
 * The link and footnote definitions anywhere in an answer (outside code). Blocks are parsed
 * one by one, so a reference in one block needs the definition from another: see withDefinitions.
 */
export function findDefinitions(text: string): Definition[] {
  if (!text.includes(']:')) return []
  const found: Definition[] = []
  const lines = text.split('\n')
  let fence: string | null = null
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    const before = fence
    fence = fenceAfter(line, fence)
    if (before !== null || fence !== null) continue
    const footnote = FOOTNOTE_DEFINITION.exec(line)
    if (footnote?.[1]) {
      // Its text runs on over following lines, and over blank lines into indented ones.
      let end = i + 1
      while (end < lines.length) {
        const next = lines[end] as string
        if (FOOTNOTE_DEFINITION.test(next) || LINK_DEFINITION.test(next)) break
        if (next.trim() !== '') {
          end++
          continue
        }
        let after = end
        while (after < lines.length && (lines[after] as string).trim() === '') after++
        if (after < lines.length && /^( {4}|\t)/.test(lines[after] as string)) end = after
        else break
      }
      found.push({ label: normalizeLabel(footnote[1]), footnote: true, source: lines.slice(i, end).join('\n') })
      i = end - 1
      continue
    }
    const link = LINK_DEFINITION.exec(line)
    if (link?.[1] && !link[1].startsWith('^')) {
      found.push({ label: normalizeLabel(link[1]), footnote: false, source: line })
    }
  }
  return found
}

/**
 * A block with the definitions it refers to appended (after a blank line, where they render
 * nothing themselves), so `[text][id]`, `[id]` and `[^id]` resolve in a block parsed alone.
 * A block still inside an open code fence gets none: they would show as code.
 */
export function withDefinitions(block: string, definitions: Definition[]): string {
  if (definitions.length === 0 || !block.includes('[')) return block
  let fence: string | null = null
  for (const line of block.split('\n')) fence = fenceAfter(line, fence)
  if (fence !== null) return block
  const text = normalizeLabel(block)
  const needed = definitions.filter(
    (d) => !block.includes(d.source) && text.includes(d.footnote ? `[^${d.label}]` : `[${d.label}]`)
  )
  if (needed.length === 0) return block
  return `${block}\n\n${needed.map((d) => d.source).join('\n\n')}`
}
