import { Eye, FileMinus, FilePen, FilePlus, Folder, Link2, LoaderCircle } from 'lucide-react'
import { useState } from 'react'
import type { CommandPreview, PreviewedFile } from '../../../shared/dto'
import { errorMessage } from '../lib/format'
import type { ApprovalRequest } from '../store'
import { duck } from '../store/api'
import { applyCommandPreview } from '../store/actions/approvals'
import { DiffView } from './DiffView'

function countOf(files: PreviewedFile[], kind: PreviewedFile['kind']): number {
  return files.filter((f) => f.kind === kind && f.type !== 'folder').length
}

function summary(preview: CommandPreview): string {
  const parts = [
    ['create', countOf(preview.files, 'created')],
    ['change', countOf(preview.files, 'changed')],
    ['delete', countOf(preview.files, 'deleted')]
  ]
    .filter(([, n]) => (n as number) > 0)
    .map(([verb, n]) => `${verb as string} ${n as number} ${(n as number) === 1 ? 'file' : 'files'}`)
  const what = parts.length > 0 ? `It would ${parts.join(', ')}` : 'It would change no files'
  return `${what}; it exited with ${preview.exit_code ?? 'no code'}.`
}

function FileIcon({ file }: { file: PreviewedFile }) {
  const props = { width: 14, height: 14, 'aria-hidden': true } as const
  if (file.type === 'folder') return <Folder {...props} />
  if (file.type === 'symlink') return <Link2 {...props} />
  if (file.kind === 'created') return <FilePlus {...props} />
  return file.kind === 'deleted' ? <FileMinus {...props} /> : <FilePen {...props} />
}

function PreviewedFileRow({ file }: { file: PreviewedFile }) {
  const detail =
    file.type === 'folder'
      ? `folder ${file.kind}`
      : file.type === 'symlink'
        ? `link → ${file.link ?? '?'}`
        : file.binary
          ? `binary, ${file.bytes} bytes`
          : null
  return (
    <li className="preview__file">
      {file.diff && !file.binary ? (
        <details>
          <summary>
            <FileIcon file={file} />
            <code>{file.path}</code>
            <span className={`preview__kind preview__kind--${file.kind}`}>{file.kind}</span>
            <span className="diff__added">+{file.added}</span>
            <span className="diff__removed">−{file.removed}</span>
            {file.mode && <span className="muted small">mode {file.mode}</span>}
          </summary>
          <DiffView
            preview={{
              path: file.path,
              diff: file.diff,
              ...(file.whole_diff ? { whole_diff: file.whole_diff } : {}),
              added: file.added,
              removed: file.removed,
              created: file.kind === 'created'
            }}
          />
        </details>
      ) : (
        <div className="preview__plain">
          <FileIcon file={file} />
          <code>{file.path}</code>
          <span className={`preview__kind preview__kind--${file.kind}`}>{file.kind}</span>
          {detail && <span className="muted small">{detail}</span>}
          {file.mode && <span className="muted small">mode {file.mode}</span>}
        </div>
      )}
    </li>
  )
}

/**
 * Preview for a shell command that may write: it runs against an overlay of the workspace (no
 * network), and the card shows what it would create, change and delete, with diffs and its
 * output; Apply replays exactly that, Discard drops it. Where there is no overlay it says why.
 */
export function CommandPreviewPanel({ approval }: { approval: ApprovalRequest }) {
  const [preview, setPreview] = useState<CommandPreview | null>(null)
  const [busy, setBusy] = useState<'preview' | 'apply' | 'discard' | null>(null)
  const [error, setError] = useState<string | null>(null)
  const availability = approval.command_preview
  if (!availability) return null
  if (!availability.available) {
    return (
      <p className="preview__unavailable muted small">
        Preview is not available here: {availability.reason ?? 'no overlay file system'}.
      </p>
    )
  }
  const act = async (what: 'preview' | 'apply' | 'discard') => {
    setBusy(what)
    setError(null)
    try {
      if (what === 'preview') setPreview(await duck().approvals.preview(approval.approval_id))
      else if (what === 'discard') setPreview(await duck().approvals.discardPreview(approval.approval_id))
      else await applyCommandPreview(approval)
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(null)
    }
  }
  const ready = preview?.status === 'ready'
  return (
    <section className="preview" aria-label="Preview">
      {!ready && (
        <div className="preview__start">
          <button
            type="button"
            className="button button--small"
            onClick={() => void act('preview')}
            disabled={busy !== null}
          >
            {busy === 'preview' ? (
              <LoaderCircle className="spinner" width={14} height={14} aria-hidden="true" />
            ) : (
              <Eye width={14} height={14} aria-hidden="true" />
            )}
            {busy === 'preview' ? 'Running it on a copy…' : preview ? 'Preview again' : 'Preview'}
          </button>
          <span className="muted small">
            {preview?.status === 'discarded'
              ? 'The preview was discarded.'
              : 'Runs it on a copy of the workspace, without network, and shows what it would change.'}
          </span>
        </div>
      )}
      {preview && (preview.status === 'failed' || preview.status === 'unavailable') && (
        <p className="inline-error" role="alert">
          {preview.reason}
        </p>
      )}
      {ready && preview && (
        <div className="preview__result" role="region" aria-label="What the command would do">
          <p className="preview__summary" role="status">
            {summary(preview)}
          </p>
          {preview.files.length > 0 && (
            <ul className="preview__files">
              {preview.files.map((file) => (
                <PreviewedFileRow key={`${file.kind}:${file.path}`} file={file} />
              ))}
            </ul>
          )}
          {preview.output.trim() !== '' && (
            <details className="preview__output">
              <summary>Output</summary>
              <pre tabIndex={0} aria-label="Output of the preview">
                {preview.output}
              </pre>
            </details>
          )}
          {preview.notes.map((note) => (
            <p key={note} className="muted small">
              {note}
            </p>
          ))}
          <div className="preview__buttons">
            <button
              type="button"
              className="button button--small"
              onClick={() => void act('discard')}
              disabled={busy !== null}
            >
              Discard
            </button>
            <button
              type="button"
              className="button button--small button--primary"
              onClick={() => void act('apply')}
              disabled={busy !== null}
            >
              Apply these changes
            </button>
          </div>
        </div>
      )}
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </section>
  )
}
