import { useMemo, useState } from 'react'
import type { FilePreview } from '../../../shared/events'
import { colouredLine, languageOf } from '../lib/syntax'

type LineKind = 'file' | 'hunk' | 'added' | 'removed' | 'context' | 'note'

/** One line of a unified diff, by its first character. */
function kindOf(line: string): LineKind {
  if (line.startsWith('+++') || line.startsWith('---')) return 'file'
  if (line.startsWith('@@')) return 'hunk'
  if (line.startsWith('+')) return 'added'
  if (line.startsWith('-')) return 'removed'
  if (line.startsWith('\\')) return 'note'
  return 'context'
}

/** Lines shown before "Show all"; a long diff stays quick to open and to scroll. */
const LIMIT = 80
/** Lines whose tokens are coloured; past this a (very long) whole file is plain text. */
const COLOURED_LINES = 2_000

function DiffLine({ line, language }: { line: string; language: string | null }) {
  const kind = kindOf(line)
  const className = `diff__line${kind === 'context' ? '' : ` diff__line--${kind}`}`
  if (kind === 'file' || kind === 'hunk' || kind === 'note') {
    return (
      <span className={className}>
        {line}
        {'\n'}
      </span>
    )
  }
  return (
    <span className={className}>
      <span className="diff__marker">{line.slice(0, 1) || ' '}</span>
      {colouredLine(line.slice(1), language)}
      {'\n'}
    </span>
  )
}

/**
 * What a file tool (or a previewed command) would change, before it does: the path, added and
 * removed line counts, and the unified diff — added and removed lines marked, the code's
 * tokens coloured by the file's language. "View whole file" shows every line of the file with
 * the changes in place (when the file is short enough to have been sent whole). Long diffs are
 * shown in part until "Show all".
 */
export function DiffView({ preview }: { preview: FilePreview }) {
  const [wholeFile, setWholeFile] = useState(false)
  const [all, setAll] = useState(false)
  const language = useMemo(() => languageOf(preview.path), [preview.path])
  const source = wholeFile && preview.whole_diff ? preview.whole_diff : preview.diff
  const body = useMemo(
    () =>
      source
        .replace(/\n$/, '')
        .split('\n')
        // The "Index:" and "====" header lines of the patch format say nothing the path does not.
        .filter((line) => !line.startsWith('Index: ') && !/^=+$/.test(line)),
    [source]
  )
  const shown = all ? body : body.slice(0, LIMIT)
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
        {preview.whole_diff && (
          <button
            type="button"
            className="button button--small diff__toggle"
            aria-pressed={wholeFile}
            onClick={() => setWholeFile((w) => !w)}
          >
            View whole file
          </button>
        )}
      </header>
      <pre className="diff__body" tabIndex={0} aria-label={wholeFile ? 'Whole file with changes' : 'Diff'}>
        {shown.map((line, index) => (
          <DiffLine key={index} line={line} language={index < COLOURED_LINES ? language : null} />
        ))}
      </pre>
      {body.length > LIMIT && (
        <button type="button" className="button button--small" onClick={() => setAll((a) => !a)}>
          {all ? 'Show less' : `Show all ${body.length} lines`}
        </button>
      )}
    </section>
  )
}
