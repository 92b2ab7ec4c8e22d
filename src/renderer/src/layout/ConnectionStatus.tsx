import { useEffect } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { EngineState } from '../../../shared/engine'
import { hostOf } from '../lib/format'
import { useDuck } from '../store'
import { loadEngineStatus } from '../store/actions/engine'

const ENGINE_STATE: Record<EngineState, string> = {
  idle: 'model ready',
  loading: 'loading model',
  ready: 'model ready',
  error: 'engine error'
}

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
  const { url, modelStatus, builtin, engineState } = useDuck(
    useShallow((s) => ({
      url: s.settings?.model_base_url ?? null,
      modelStatus: s.modelStatus,
      builtin: s.settings?.engine === 'builtin',
      engineState: s.engineStatus.data?.engine === 'builtin' ? s.engineStatus.data.state : null
    }))
  )
  const running = useDuck((s) => Object.values(s.tasks).some((t) => t.live && t.status === 'running'))
  // The built-in engine's state moves with the tasks (it loads the model for the first one).
  useEffect(() => {
    if (builtin && modelStatus === 'ok') void loadEngineStatus()
  }, [builtin, modelStatus, running])
  useEffect(() => {
    if (!builtin || engineState !== 'loading') return
    const timer = window.setInterval(() => void loadEngineStatus(), 1000)
    return () => window.clearInterval(timer)
  }, [builtin, engineState])
  const model = builtin
    ? `Built-in engine · ${modelStatus === 'unreachable' ? 'no model chosen' : modelStatus !== 'ok' ? 'checking model' : ENGINE_STATE[engineState ?? 'idle']}`
    : url === null
      ? null
      : `${hostOf(url)} · ${modelStatus === 'ok' ? 'model ready' : modelStatus === 'unreachable' ? 'model server not answering' : 'checking model'}`
  const detail = status === 'connected' ? model : message
  const degraded = modelStatus === 'unreachable' || (builtin && engineState === 'error')
  const dot = status === 'connected' && degraded ? 'degraded' : status
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
