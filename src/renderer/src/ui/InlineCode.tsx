/** Renders `backticked` parts of a plain sentence as code (rule previews); no markup is parsed. */
export function InlineCode({ text }: { text: string }) {
  const parts = text.split('`')
  return <>{parts.map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : <span key={i}>{part}</span>))}</>
}
