import { DuckApiError } from '../../../../shared/api'
import { createBridge } from '../../bridge'
import { errorMessage } from '../../lib/format'
import type { Settings } from '../../../../shared/dto'
import { duck, hasApi, setApi } from '../api'
import { useDuck } from '..'
import { refreshBuiltin } from './engine'

export async function checkConnection(): Promise<boolean> {
  if (!hasApi()) return false
  try {
    const health = await duck().system.health()
    const was = useDuck.getState().connection.status
    useDuck.setState((s) => ({
      connection: { ...s.connection, status: 'connected', version: health.version, message: null }
    }))
    return was !== 'connected'
  } catch (error) {
    const message = error instanceof DuckApiError || error instanceof Error ? error.message : String(error)
    useDuck.setState((s) => ({ connection: { ...s.connection, status: 'disconnected', message } }))
    return false
  }
}

/** Settings and the model server's models (or the engine's); "unreachable" shows the Connect a model screen. */
export async function refreshModels(): Promise<void> {
  if (!hasApi()) return
  useDuck.setState((s) => ({ modelStatus: s.modelStatus === 'ok' ? 'ok' : 'checking' }))
  let settings: Settings
  try {
    settings = await duck().settings.get()
    useDuck.setState({ settings })
  } catch (error) {
    useDuck.setState({ modelStatus: 'unreachable', modelError: errorMessage(error) })
    return
  }
  // The built-in engine is ready when the planner and the answer have an installed model.
  if (settings.engine === 'builtin') return refreshBuiltin(settings)
  try {
    const list = await duck().settings.models()
    useDuck.setState({ models: list.models, modelStatus: 'ok', modelError: null })
  } catch (error) {
    useDuck.setState({ models: null, modelStatus: 'unreachable', modelError: errorMessage(error) })
  }
}

/**
 * Connects through the bridge and keeps the status line honest while the window is open.
 * `onConnected` runs on the first successful check and after every reconnection.
 */
export function startConnectionMonitor(onConnected: () => void, intervalMs = 5000): () => void {
  const bridge = createBridge()
  if (!bridge) {
    useDuck.setState({
      connection: {
        status: 'signed_out',
        transport: null,
        version: null,
        message: 'Open the address the Duck server printed (it ends with ?token=…) to sign in.'
      }
    })
    return () => undefined
  }
  setApi(bridge.api)
  useDuck.setState((s) => ({ connection: { ...s.connection, transport: bridge.transport } }))
  const tick = async (): Promise<void> => {
    if (await checkConnection()) onConnected()
    else if (useDuck.getState().modelStatus === 'unreachable' && useDuck.getState().connection.status === 'connected') {
      void refreshModels()
    }
  }
  void tick()
  const timer = window.setInterval(() => void tick(), intervalMs)
  return () => window.clearInterval(timer)
}
