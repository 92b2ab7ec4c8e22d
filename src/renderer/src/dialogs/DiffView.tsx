import { useState } from 'react'
import type { FilePreview } from '../../../shared/events'

/** One line of a unified diff, classed by its first character. */
function lineClass(line: string): string {
  if (line.startsWith('+++') || line.startsWith('---')) return 'diff__line diff__line--file'
  if (line.startsWith('@@')) return 'diff__line diff__line--hunk'
  if (line.startsWith('+')) return 'diff__line diff__line--added'
  if (line.startsWith('-')) return 'diff__line diff__line--removed'
  return 'diff__line'
}

/**
 * What a file tool would change, before it does: the path, added and removed line counts, and
 * the unified diff with its lines coloured (added, removed, hunk headers). Long diffs are
 * shown in part until "Show the whole diff".
 */
export function DiffView({ preview }: { preview: FilePreview }) {
  const [whole, setWhole] = useState(false)
  const lines = preview.diff.replace(/\n$/, '').split('\n')
  // The "Index:" and "====" header lines of the patch format say nothing the path does not.
  const body = lines.filter((line) => !line.startsWith('Index: ') && !/^=+$/.test(line))
  const LIMIT = 80
  const shown = whole ? body : body.slice(0, LIMIT)
  return (
    <section className="diff" aria-label={`Changes to ${preview.path}`}>
      <header className="diff__head">
        <code className="diff__path">{preview.path}</code>
        <span className="diff__counts">
          {preview.created && <span className="diff__new">new file · </span>}
          <span className="diff__added" aria-label={`${preview.added} lines added`}>
            +{preview.added}
          </span>{' '}
          <span className="diff__removed" aria-label={`${preview.removed} lines removed`}>
            −{preview.removed}
          </span>
        </span>
      </header>
      <pre className="diff__body" tabIndex={0} aria-label="Diff">
        {shown.map((line, index) => (
          <span key={index} className={lineClass(line)}>
            {line}
            {'\n'}
          </span>
        ))}
      </pre>
      {body.length > LIMIT && (
        <button type="button" className="button button--small" onClick={() => setWhole((w) => !w)}>
          {whole ? 'Show less' : `Show the whole diff (${body.length} lines)`}
        </button>
      )}
    </section>
  )
}
