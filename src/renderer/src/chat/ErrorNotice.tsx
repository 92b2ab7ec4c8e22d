import { CircleAlert } from 'lucide-react'

const HINTS: Record<string, string> = {
  model_unavailable: 'Check it is running, or change it in Settings.',
  model_stalled: 'The model stopped sending. Try again, or pick another model in Settings.',
  model_incomplete: 'The answer was cut off. Try again.',
  bad_model_output: 'Try again, or pick a model that follows JSON instructions in Settings.',
  interrupted: 'Duck stopped while this task was running. Try again.',
  stream_lost: 'Check that Duck is still running, then try again.'
}

/** An error where it happened, with what to do about it. */
export function ErrorNotice({
  code,
  message,
  onRetry,
  onSettings
}: {
  code: string
  message: string
  onRetry?: () => void
  onSettings?: () => void
}) {
  const hint = HINTS[code]
  const settingsHelps = code.startsWith('model') || code === 'bad_model_output'
  return (
    <div className="error-notice" role="alert">
      <CircleAlert className="error-notice__icon" width={16} height={16} aria-hidden="true" />
      <div className="error-notice__body">
        <p className="error-notice__message">{message}</p>
        {hint && !message.includes(hint) && <p className="error-notice__hint">{hint}</p>}
        <div className="error-notice__actions">
          {onRetry && (
            <button type="button" className="button button--small" onClick={onRetry}>
              Retry
            </button>
          )}
          {onSettings && settingsHelps && (
            <button type="button" className="button button--small button--ghost" onClick={onSettings}>
              Open Settings
            </button>
          )}
        </div>
      </div>
    </div>
  )
}
