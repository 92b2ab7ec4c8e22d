import { FileMinus, FilePen, FilePlus, Folder, TerminalSquare, Undo2 } from 'lucide-react'
import { useState } from 'react'
import type { FileChange, UndoResult } from '../../../shared/dto'
import { DiffView } from '../dialogs/DiffView'
import { errorMessage } from '../lib/format'
import { duck } from '../store/api'
import type { FileChangeView } from '../store'

function undoSummary(result: UndoResult): string {
  const what = result.action === 'undo' ? 'Undone' : 'Re-applied'
  const files = `${result.restored.length} ${result.restored.length === 1 ? 'file' : 'files'}`
  const notUndoable = result.not_undoable?.length
    ? ` Not covered: ${result.not_undoable.length} ${result.not_undoable.length === 1 ? 'step' : 'steps'} that cannot be undone.`
    : ''
  if (result.conflicts.length === 0) return `${what}: ${files}.${notUndoable}`
  const left = result.conflicts.map((c) => c.path.split('/').pop()).join(', ')
  return `${what}: ${files}. Left as they are, because they changed since: ${left}.${notUndoable}`
}

function ChangeIcon({ change }: { change: FileChangeView }) {
  const props = { width: 14, height: 14, 'aria-hidden': true } as const
  if (change.kind === 'command') return <TerminalSquare {...props} />
  if (change.entry === 'folder') return <Folder {...props} />
  if (change.kind === 'created') return <FilePlus {...props} />
  return change.kind === 'deleted' ? <FileMinus {...props} /> : <FilePen {...props} />
}

/** The task's changes as the core keeps them (with their diffs), read once when first opened. */
function useChangeDetails(taskId: string) {
  const [details, setDetails] = useState<Map<string, FileChange> | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [loading, setLoading] = useState(false)
  const load = (): void => {
    if (details || loading) return
    setLoading(true)
    setError(null)
    duck()
      .tasks.changes(taskId)
      .then((changes) => setDetails(new Map(changes.map((c) => [c.change_id, c]))))
      .catch((e: unknown) => setError(errorMessage(e)))
      .finally(() => setLoading(false))
  }
  return { details, error, loading, load }
}

function ChangeDiff({
  change,
  detail,
  loading,
  error
}: {
  change: FileChangeView
  detail: FileChange | undefined
  loading: boolean
  error: string | null
}) {
  if (error) {
    return (
      <p className="inline-error" role="alert">
        {error}
      </p>
    )
  }
  if (!detail) return <p className="muted small">{loading ? 'Loading the diff…' : 'No diff kept for this change.'}</p>
  if (!detail.diff) return <p className="muted small">A binary file: there is no text diff to show.</p>
  return (
    <DiffView
      preview={{
        path: change.path,
        diff: detail.diff,
        added: change.added,
        removed: change.removed,
        created: change.kind === 'created'
      }}
    />
  )
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
  const files = changes.filter((c) => c.kind !== 'command')
  const undoable = files.some((c) => c.undoable !== false)
  const changeDetails = useChangeDetails(taskId)
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
          {files.length > 0
            ? `Changed ${files.length} ${files.length === 1 ? 'file' : 'files'}`
            : 'Ran commands Duck cannot undo'}
        </span>
        <button type="button" className="button button--small" onClick={() => void act()} disabled={busy || !undoable}>
          <Undo2 width={14} height={14} aria-hidden="true" />
          {undone ? 'Redo this task' : 'Undo this task'}
        </button>
      </header>
      <ul className="changes__list">
        {changes.map((change) => {
          if (change.kind === 'command') {
            return (
              <li key={change.change_id} className="changes__item changes__item--command">
                <ChangeIcon change={change} />
                <code className="changes__path">{change.path || 'A command'}</code>
                <span className="changes__note">Not undoable: it ran directly, without a preview</span>
              </li>
            )
          }
          const row = (
            <>
              <ChangeIcon change={change} />
              <code className="changes__path">{change.path}</code>
              {change.kind === 'deleted' && <span className="changes__note">deleted</span>}
              {change.entry !== 'folder' && (
                <>
                  <span className="diff__added">+{change.added}</span>
                  <span className="diff__removed">−{change.removed}</span>
                </>
              )}
              {change.undoable === false && <span className="changes__note">not undoable</span>}
            </>
          )
          if (change.entry) {
            return (
              <li key={change.change_id} className="changes__item">
                {row}
              </li>
            )
          }
          return (
            <li key={change.change_id} className="changes__item changes__item--file">
              <details onToggle={(e) => e.currentTarget.open && changeDetails.load()}>
                <summary className="changes__summary">{row}</summary>
                <ChangeDiff
                  change={change}
                  detail={changeDetails.details?.get(change.change_id)}
                  loading={changeDetails.loading || changeDetails.details === null}
                  error={changeDetails.error}
                />
              </details>
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
