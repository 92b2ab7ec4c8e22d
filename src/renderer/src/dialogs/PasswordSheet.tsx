import * as Dialog from '@radix-ui/react-dialog'
import { Lock } from 'lucide-react'
import { useEffect, useRef, type FormEvent } from 'react'
import type { PasswordRequestView } from '../store'
import { Spinner } from '../ui/Spinner'
import { ModalFrame } from './ModalFrame'

/**
 * The sudo password, browser version: a sheet from the top. The field is uncontrolled and read
 * once at submit, then cleared at once: the password is never in React state, the store, the
 * DOM after submission, storage or a log — it goes straight to `onSubmit`.
 */
export function PasswordSheet({
  request,
  busy,
  onSubmit,
  onCancel,
  returnFocus
}: {
  request: PasswordRequestView
  busy: boolean
  onSubmit: (password: string) => void
  onCancel: () => void
  /** Where focus goes once the sheet closes (the composer). */
  returnFocus?: () => void
}) {
  const inputRef = useRef<HTMLInputElement>(null)

  useEffect(() => {
    if (!busy) inputRef.current?.focus()
  }, [busy, request.error])

  const submit = (event: FormEvent): void => {
    event.preventDefault()
    const input = inputRef.current
    if (!input || busy) return
    const password = input.value
    input.value = ''
    if (password === '') return
    onSubmit(password)
  }

  return (
    <ModalFrame
      className="dialog sheet"
      testId="password-sheet"
      initialFocus={inputRef}
      returnFocus={returnFocus}
      onEscape={() => {
        if (!busy) onCancel()
      }}
    >
      <form onSubmit={submit} autoComplete="off">
        <div className="sheet__head">
          <Lock className="sheet__lock" width={22} height={22} aria-hidden="true" />
          <div>
            <Dialog.Title className="dialog__title">Administrator password required</Dialog.Title>
            <Dialog.Description className="dialog__text">
              Duck will run this command with sudo. The password goes to sudo only and is not kept.
            </Dialog.Description>
          </div>
        </div>
        <pre className="command-block__text sheet__command" tabIndex={0} aria-label="Command">
          {request.command}
        </pre>
        <label className="field-label" htmlFor="sudo-password">
          Password
        </label>
        <input
          ref={inputRef}
          id="sudo-password"
          className="input"
          type="password"
          autoComplete="off"
          spellCheck={false}
          disabled={busy}
          aria-invalid={request.error ? true : undefined}
          aria-describedby={request.error ? 'sudo-error' : undefined}
        />
        {request.error && (
          <p id="sudo-error" className="inline-error" role="alert">
            {request.error.replace(/\.$/, '')}
          </p>
        )}
        <div className="dialog__buttons">
          <button type="button" className="button" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? (
              <>
                <Spinner /> Checking…
              </>
            ) : (
              'Run'
            )}
          </button>
        </div>
      </form>
    </ModalFrame>
  )
}
