import { useShallow } from 'zustand/react/shallow'
import { useDuck } from '../store'

const LABELS = {
  checking: 'Connecting…',
  connected: 'Core connected',
  disconnected: 'Core not answering',
  signed_out: 'Not signed in'
} as const

export function ConnectionStatus() {
  const { status, transport, version, message } = useDuck(useShallow((s) => s.connection))
  const detail =
    status === 'connected' ? `Duck ${version ?? ''} · ${transport === 'ipc' ? 'desktop' : 'local server'}` : message
  return (
    <div className="connection" role="status" aria-live="polite" data-status={status}>
      <span className={`connection__dot connection__dot--${status}`} aria-hidden="true" />
      <div className="connection__text">
        <span className="connection__label">{LABELS[status]}</span>
        {detail && <span className="connection__detail">{detail}</span>}
      </div>
    </div>
  )
}
