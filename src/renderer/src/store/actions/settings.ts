import type { ModelList } from '../../../../shared/dto'
import type { SettingsUpdate } from '../../../../shared/schemas'
import { errorMessage } from '../../lib/format'
import { duck } from '../api'
import { useDuck } from '..'
import { refreshModels } from './connection'

export type Result<T> = { ok: true; value: T } | { ok: false; error: string }

export async function updateSettings(update: SettingsUpdate): Promise<Result<null>> {
  try {
    const settings = await duck().settings.update(update)
    useDuck.setState({ settings })
    return { ok: true, value: null }
  } catch (error) {
    return { ok: false, error: errorMessage(error) }
  }
}

/** Lists the configured server's models; the window's model status follows the answer. */
export async function testConnection(): Promise<Result<ModelList>> {
  try {
    const list = await duck().settings.models()
    useDuck.setState({ models: list.models, modelStatus: 'ok', modelError: null })
    return { ok: true, value: list }
  } catch (error) {
    useDuck.setState({ models: null, modelStatus: 'unreachable', modelError: errorMessage(error) })
    return { ok: false, error: errorMessage(error) }
  }
}

export interface ProbeResult {
  label: string
  url: string
  ok: boolean
  models: string[]
  error: string | null
}

export const LOCAL_SERVERS = [
  { label: 'llama.cpp', url: 'http://127.0.0.1:8080/v1' },
  { label: 'Ollama', url: 'http://127.0.0.1:11434/v1' },
  { label: 'LM Studio', url: 'http://127.0.0.1:1234/v1' },
  { label: 'vLLM', url: 'http://127.0.0.1:8000/v1' }
] as const

/**
 * The window may only talk to Duck (CSP connect-src 'self'), so Duck probes for it: each
 * candidate is asked for its models through Duck without being saved. Only the one the
 * person picks ("Use this", connectModelServer) becomes the model server.
 */
export async function probeLocalServers(onResult: (result: ProbeResult) => void): Promise<ProbeResult[]> {
  const results: ProbeResult[] = []
  for (const candidate of LOCAL_SERVERS) {
    let result: ProbeResult
    try {
      const list = await duck().settings.models(candidate.url)
      result = { ...candidate, ok: true, models: list.models.map((m) => m.id), error: null }
    } catch (error) {
      result = { ...candidate, ok: false, models: [], error: errorMessage(error) }
    }
    results.push(result)
    onResult(result)
  }
  return results
}

/** Makes a server the model server (and the server the engine) and checks it answers. */
export async function connectModelServer(url: string): Promise<Result<ModelList>> {
  const settings = useDuck.getState().settings
  const switchEngine = settings?.engine === 'builtin' && !settings.env_overrides.includes('engine')
  const saved = await updateSettings({ model_base_url: url, ...(switchEngine ? { engine: 'server' as const } : {}) })
  if (!saved.ok) return saved
  const result = await testConnection()
  if (result.ok) await refreshModels()
  return result
}
