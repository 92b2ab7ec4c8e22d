import { DuckApiError, type DuckApi } from '../../../shared/api'
import { createBridge } from '../bridge'
import { useDuck, type View } from '.'

let api: DuckApi | null = null

export function getApi(): DuckApi | null {
  return api
}

export async function checkConnection(): Promise<void> {
  if (!api) return
  try {
    const health = await api.system.health()
    useDuck.setState((s) => ({
      connection: { ...s.connection, status: 'connected', version: health.version, message: null }
    }))
  } catch (error) {
    const message = error instanceof DuckApiError || error instanceof Error ? error.message : String(error)
    useDuck.setState((s) => ({ connection: { ...s.connection, status: 'disconnected', message } }))
  }
}

/** Connects through the bridge and keeps the status line honest while the window is open. */
export function startConnectionMonitor(intervalMs = 5000): () => void {
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
  api = bridge.api
  useDuck.setState((s) => ({ connection: { ...s.connection, transport: bridge.transport } }))
  void checkConnection()
  const timer = window.setInterval(() => void checkConnection(), intervalMs)
  return () => window.clearInterval(timer)
}

export function showView(view: View): void {
  useDuck.setState({ view })
}

export function toggleSidebar(): void {
  useDuck.setState((s) => ({ sidebarCollapsed: !s.sidebarCollapsed }))
}
