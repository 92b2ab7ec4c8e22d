import * as Dialog from '@radix-ui/react-dialog'
import { useRef, useState } from 'react'

/** A small confirmation (delete, forget): focus starts on Cancel. */
export function ConfirmDialog({
  open,
  title,
  body,
  confirmLabel,
  onConfirm,
  onClose
}: {
  open: boolean
  title: string
  body: string
  confirmLabel: string
  /** Resolves with an error message, or null when done. */
  onConfirm: () => Promise<string | null>
  onClose: () => void
}) {
  const cancelRef = useRef<HTMLButtonElement>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const confirm = async (): Promise<void> => {
    setBusy(true)
    const problem = await onConfirm()
    setBusy(false)
    if (problem) setError(problem)
    else onClose()
  }
  return (
    <Dialog.Root open={open} onOpenChange={(next) => !next && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content
          className="dialog dialog--small"
          onOpenAutoFocus={(event) => {
            event.preventDefault()
            cancelRef.current?.focus()
          }}
        >
          <Dialog.Title className="dialog__title">{title}</Dialog.Title>
          <Dialog.Description className="dialog__text">{body}</Dialog.Description>
          {error && (
            <p className="inline-error" role="alert">
              {error}
            </p>
          )}
          <div className="dialog__buttons">
            <button ref={cancelRef} type="button" className="button" onClick={onClose}>
              Cancel
            </button>
            <button type="button" className="button button--danger" disabled={busy} onClick={() => void confirm()}>
              {confirmLabel}
            </button>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  )
}
