import type { ComponentProps } from 'react'
import { CopyButton } from '../ui/CopyButton'

interface HastNode {
  type: string
  value?: string
  tagName?: string
  properties?: { className?: unknown }
  children?: HastNode[]
}

function textOf(node: HastNode | undefined): string {
  if (!node) return ''
  if (node.type === 'text') return node.value ?? ''
  return (node.children ?? []).map(textOf).join('')
}

function languageOf(node: HastNode | undefined): string | null {
  const code = node?.children?.find((child) => child.tagName === 'code')
  const classes = code?.properties?.className
  if (!Array.isArray(classes)) return null
  for (const name of classes) {
    if (typeof name === 'string' && name.startsWith('language-')) return name.slice('language-'.length)
  }
  return null
}

/** A fenced code block: language label and a copy button above the code. */
export function CodeBlock({ node, children, ...props }: ComponentProps<'pre'> & { node?: HastNode }) {
  const language = languageOf(node)
  const text = textOf(node).replace(/\n$/, '')
  return (
    <div className="code-block">
      <div className="code-block__bar">
        <span className="code-block__lang">{language ?? 'text'}</span>
        <CopyButton text={text} label="Copy code" />
      </div>
      <pre {...props} tabIndex={0}>
        {children}
      </pre>
    </div>
  )
}
