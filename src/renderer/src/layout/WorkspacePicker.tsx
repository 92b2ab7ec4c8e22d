import * as Dialog from '@radix-ui/react-dialog'
import { ChevronRight, FolderOpen } from 'lucide-react'
import { useState, type FormEvent } from 'react'
import { desktop } from '../bridge'
import { loadRecentWorkspaces, pathParts, workspaceProblem } from '../lib/storage'

/** The workspace as a breadcrumb; "Change" opens a small dialog with a path field and recent folders. */
export function WorkspacePicker({
  workspace,
  locked,
  onChange
}: {
  workspace: string
  /** The open conversation's folder (a conversation stays in its workspace). */
  locked: boolean
  onChange: (path: string) => void
}) {
  const [open, setOpen] = useState(false)
  const parts = pathParts(workspace)
  const shown = parts.slice(-3)
  return (
    <div className="workspace">
      <FolderOpen className="workspace__icon" width={15} height={15} aria-hidden="true" />
      {workspace ? (
        <span className="breadcrumb" title={workspace} aria-label={`Workspace ${workspace}`}>
          {parts.length > shown.length && <span className="breadcrumb__part">…</span>}
          {shown.map((part, i) => (
            <span
              key={i}
              className={i === shown.length - 1 ? 'breadcrumb__part breadcrumb__part--last' : 'breadcrumb__part'}
            >
              {(i > 0 || parts.length > shown.length) && <ChevronRight width={12} height={12} aria-hidden="true" />}
              {part}
            </span>
          ))}
        </span>
      ) : (
        <span className="muted">No workspace</span>
      )}
      <button
        type="button"
        className="button button--small"
        onClick={() => setOpen(true)}
        title={locked ? 'A new chat starts in the folder you pick' : undefined}
      >
        {workspace ? 'Change' : 'Choose folder'}
      </button>
      {open && <WorkspaceDialog initial={workspace} onClose={() => setOpen(false)} onPick={onChange} />}
    </div>
  )
}

function WorkspaceDialog({
  initial,
  onClose,
  onPick
}: {
  initial: string
  onClose: () => void
  onPick: (path: string) => void
}) {
  const [value, setValue] = useState(initial)
  const [touched, setTouched] = useState(false)
  const problem = workspaceProblem(value)
  const recent = loadRecentWorkspaces().filter((p) => p !== initial)
  const pick = (path: string): void => {
    onPick(path)
    onClose()
  }
  const submit = (event: FormEvent): void => {
    event.preventDefault()
    setTouched(true)
    if (!problem) pick(value.trim())
  }
  const native = desktop()
  const browse = async (): Promise<void> => {
    const folder = await native?.pickFolder().catch(() => null)
    if (folder) pick(folder)
  }
  return (
    <Dialog.Root open onOpenChange={(next) => !next && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog dialog--small">
          <form onSubmit={submit}>
            <Dialog.Title className="dialog__title">Workspace folder</Dialog.Title>
            <Dialog.Description className="dialog__text">
              Duck works inside this folder and asks before reading or changing anything outside it.
            </Dialog.Description>
            <label className="field-label" htmlFor="workspace-path">
              Folder path
            </label>
            <input
              id="workspace-path"
              className="input input--mono"
              value={value}
              placeholder="/home/you/project"
              spellCheck={false}
              autoFocus
              onChange={(e) => setValue(e.target.value)}
              onBlur={() => setTouched(true)}
              aria-invalid={touched && problem ? true : undefined}
              aria-describedby="workspace-problem"
            />
            {native && (
              <button type="button" className="button button--small workspace__browse" onClick={() => void browse()}>
                Browse…
              </button>
            )}
            <p id="workspace-problem" className={touched && problem ? 'inline-error small' : 'muted small'}>
              {touched && problem ? problem : 'Duck checks that the folder exists when you send a message.'}
            </p>
            {recent.length > 0 && (
              <div className="recent">
                <p className="field-label">Recent</p>
                <ul className="recent__list">
                  {recent.map((path) => (
                    <li key={path}>
                      <button type="button" className="recent__item" onClick={() => pick(path)}>
                        <code>{path}</code>
                      </button>
                    </li>
                  ))}
                </ul>
              </div>
            )}
            <div className="dialog__buttons">
              <button type="button" className="button" onClick={onClose}>
                Cancel
              </button>
              <button type="submit" className="button button--primary">
                Use this folder
              </button>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  )
}
