import { useShallow } from 'zustand/react/shallow'
import { hostOf } from '../lib/format'
import { useDuck } from '../store'

const LABELS = {
  checking: 'Connecting…',
  connected: 'Core connected',
  disconnected: 'Core not answering',
  signed_out: 'Not signed in'
} as const

/** A dot and a line: the core's state, and the model server's host and whether it answers. */
export function ConnectionStatus() {
  const { status, message } = useDuck(
    useShallow((s) => ({ status: s.connection.status, message: s.connection.message }))
  )
  const { url, modelStatus } = useDuck(
    useShallow((s) => ({ url: s.settings?.model_base_url ?? null, modelStatus: s.modelStatus }))
  )
  const model =
    url === null
      ? null
      : `${hostOf(url)} · ${modelStatus === 'ok' ? 'model ready' : modelStatus === 'unreachable' ? 'model server not answering' : 'checking model'}`
  const detail = status === 'connected' ? model : message
  const dot = status === 'connected' && modelStatus === 'unreachable' ? 'degraded' : status
  return (
    <div className="connection" role="status" aria-live="polite" data-status={status} data-model={modelStatus}>
      <span className={`connection__dot connection__dot--${dot}`} aria-hidden="true" />
      <div className="connection__text">
        <span className="connection__label">{LABELS[status]}</span>
        {detail && (
          <span className="connection__detail" title={detail}>
            {detail}
          </span>
        )}
      </div>
    </div>
  )
}
