import type { ElementContent, RootContent } from 'hast'
import { common, createLowlight } from 'lowlight'
import type { ReactNode } from 'react'

/** The common grammars (the same set code blocks in answers are coloured with). */
const lowlight = createLowlight(common)

/** Files known by name rather than by extension. */
const BY_NAME: Record<string, string> = {
  makefile: 'makefile',
  gnumakefile: 'makefile',
  dockerfile: 'dockerfile',
  '.bashrc': 'bash',
  '.profile': 'bash',
  '.zshrc': 'bash',
  'cmakelists.txt': 'cmake'
}

/** The grammar for a path (by its name or extension), or null when none fits. */
export function languageOf(path: string): string | null {
  const name = (path.split('/').pop() ?? '').toLowerCase()
  if (BY_NAME[name] && lowlight.registered(BY_NAME[name])) return BY_NAME[name]
  const dot = name.lastIndexOf('.')
  if (dot <= 0 || dot === name.length - 1) return null
  const extension = name.slice(dot + 1)
  return lowlight.registered(extension) ? extension : null
}

/** Longer lines are shown as plain text: colouring them costs more than it helps. */
const MAX_COLOURED_LINE = 1_000

function render(nodes: (RootContent | ElementContent)[], key: string): ReactNode[] {
  return nodes.map((node, index) => {
    if (node.type === 'text') return node.value
    if (node.type !== 'element') return null
    const className = node.properties.className
    return (
      <span key={`${key}.${index}`} className={Array.isArray(className) ? className.join(' ') : undefined}>
        {render(node.children, `${key}.${index}`)}
      </span>
    )
  })
}

/**
 * One line of code with its tokens coloured (the `hljs-*` classes the stylesheet colours).
 * Each line is read on its own, so a construct spanning lines (a block comment) may be
 * coloured only where it starts; the text is always exactly the line.
 */
export function colouredLine(text: string, language: string | null): ReactNode {
  if (!language || text.length === 0 || text.length > MAX_COLOURED_LINE) return text
  try {
    return render(lowlight.highlight(language, text).children, 'h')
  } catch {
    return text
  }
}
