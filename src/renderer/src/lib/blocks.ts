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
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)
    if (marker?.[1]) {
      const char = marker[1][0] as string
      if (fence === null) fence = char.repeat(marker[1].length)
      else if (marker[1][0] === fence[0] && marker[1].length >= fence.length && line.trim() === marker[1]) fence = null
    }
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
