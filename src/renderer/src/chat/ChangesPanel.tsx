import { FilePen, FilePlus, Undo2 } from 'lucide-react'
import { useState } from 'react'
import type { UndoResult } from '../../../shared/dto'
import { duck } from '../store/api'
import type { FileChangeView } from '../store'

function undoSummary(result: UndoResult): string {
  const what = result.action === 'undo' ? 'Undone' : 'Re-applied'
  const files = `${result.restored.length} ${result.restored.length === 1 ? 'file' : 'files'}`
  if (result.conflicts.length === 0) return `${what}: ${files}.`
  const left = result.conflicts.map((c) => c.path.split('/').pop()).join(', ')
  return `${what}: ${files}. Left as they are, because they changed since: ${left}.`
}

/**
 * The files a finished task changed, and "Undo this task" (which becomes "Redo" once undone).
 * Files someone changed since are never overwritten: the result says which were left alone.
 */
export function ChangesPanel({ taskId, changes }: { taskId: string; changes: FileChangeView[] }) {
  const [result, setResult] = useState<UndoResult | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const undone = result?.action === 'undo'
  const act = async (): Promise<void> => {
    setBusy(true)
    setError(null)
    try {
      setResult(await duck().tasks.undo(taskId))
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <section className="changes" aria-label="Changes">
      <header className="changes__head">
        <span className="changes__title">
          Changed {changes.length} {changes.length === 1 ? 'file' : 'files'}
        </span>
        <button type="button" className="button button--small" onClick={() => void act()} disabled={busy}>
          <Undo2 width={14} height={14} aria-hidden="true" />
          {undone ? 'Redo this task' : 'Undo this task'}
        </button>
      </header>
      <ul className="changes__list">
        {changes.map((change) => {
          const Icon = change.kind === 'created' ? FilePlus : FilePen
          return (
            <li key={change.change_id} className="changes__item">
              <Icon width={14} height={14} aria-hidden="true" />
              <code className="changes__path">{change.path}</code>
              <span className="diff__added">+{change.added}</span>
              <span className="diff__removed">−{change.removed}</span>
            </li>
          )
        })}
      </ul>
      {result && (
        <p className="changes__result" role="status">
          {undoSummary(result)}
        </p>
      )}
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </section>
  )
}
