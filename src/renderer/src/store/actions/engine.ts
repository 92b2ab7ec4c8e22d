/**
 * The built-in engine and its model manager: status, catalog, installed models and downloads.
 * Downloads are polled (about every 500 ms) only while a view that shows them is open and one
 * of them is moving; a finished download refreshes the installed models and the catalog.
 */
import { DuckApiError } from '../../../../shared/api'
import type { Settings } from '../../../../shared/dto'
import type { DownloadAction, DownloadInfo, DownloadState, EngineKind, InstalledModel } from '../../../../shared/engine'
import { ROLES, type ModelRole } from '../../../../shared/schemas'
import { errorMessage } from '../../lib/format'
import { duck, hasApi } from '../api'
import { useDuck, type EngineSlice } from '..'
import { refreshModels } from './connection'
import { updateSettings, type Result } from './settings'

/** A missing route (a Duck server without the engine yet) is explained, not thrown. */
export function engineError(error: unknown): string {
  if (error instanceof DuckApiError && error.status === 404 && /No route|Duck answered 404/.test(error.message)) {
    return 'This Duck server has no built-in engine yet. Update Duck, then try again.'
  }
  return errorMessage(error)
}

type Key = keyof EngineSlice

async function load<K extends Key>(key: K, fetcher: () => Promise<EngineSlice[K]['data']>): Promise<boolean> {
  if (!hasApi()) return false
  useDuck.setState((s) => ({ [key]: { ...s[key], status: 'loading', error: null } }) as Partial<EngineSlice>)
  try {
    const data = await fetcher()
    useDuck.setState({ [key]: { data, status: 'ready', error: null } } as Partial<EngineSlice>)
    return true
  } catch (error) {
    useDuck.setState(
      (s) => ({ [key]: { ...s[key], status: 'error', error: engineError(error) } }) as Partial<EngineSlice>
    )
    return false
  }
}

export function loadEngineStatus(): Promise<boolean> {
  return load('engineStatus', () => duck().engine.status())
}

/** The catalog sized for `contextLength` (default: the engine's setting). */
export function loadCatalog(contextLength?: number): Promise<boolean> {
  const length = contextLength ?? useDuck.getState().settings?.engine_context_length
  return load('catalog', () => duck().engine.catalog(length ? { context_length: length } : undefined))
}

export function loadInstalled(): Promise<boolean> {
  return load('installed', () => duck().engine.models())
}

// -- readiness ------------------------------------------------------------------------------

/** True when the environment names the role's model file (DUCK_ENGINE_MODEL[_<ROLE>]). */
export function engineModelPinned(settings: Settings, role: ModelRole): boolean {
  return settings.env_overrides.includes(`engine_models.${role}`) || settings.env_overrides.includes('engine_models')
}

/** Why the built-in engine cannot answer yet, or null when the planner and the answer have a model. */
export function builtinProblem(settings: Settings, installed: InstalledModel[]): string | null {
  const ids = new Set(installed.map((m) => m.model_id))
  for (const role of ['action', 'thinker'] as const) {
    if (engineModelPinned(settings, role)) continue
    const id = settings.engine_models[role]
    if (!id) return 'No model is chosen for the built-in engine yet.'
    if (!ids.has(id)) return 'The model chosen for the built-in engine is no longer installed.'
  }
  return null
}

/** refreshModels for the built-in engine: installed models and status; "unreachable" shows Connect a model. */
export async function refreshBuiltin(settings: Settings): Promise<void> {
  let installed: InstalledModel[]
  try {
    installed = await duck().engine.models()
    useDuck.setState({ installed: { data: installed, status: 'ready', error: null } })
  } catch (error) {
    useDuck.setState({ models: null, modelStatus: 'unreachable', modelError: engineError(error) })
    return
  }
  const problem = builtinProblem(settings, installed)
  useDuck.setState({ models: null, modelStatus: problem ? 'unreachable' : 'ok', modelError: problem })
  void loadEngineStatus()
}

/** The installed model a role uses, if any. */
export function roleModel(role: ModelRole, s = useDuck.getState()): InstalledModel | null {
  const id = s.settings?.engine_models[role]
  return (id && s.installed.data.find((m) => m.model_id === id)) || null
}

// -- choices --------------------------------------------------------------------------------

export async function chooseEngine(engine: EngineKind): Promise<Result<null>> {
  const result = await updateSettings({ engine })
  if (result.ok) await refreshModels()
  return result
}

export async function chooseEngineModels(models: Partial<Record<ModelRole, string | null>>): Promise<Result<null>> {
  const result = await updateSettings({ engine_models: models })
  if (result.ok) await refreshModels()
  return result
}

/** The built-in engine with one installed model for every role (first run's "Use this model"). */
export async function chooseModelForEveryRole(modelId: string): Promise<Result<null>> {
  const models = Object.fromEntries(ROLES.map((role) => [role, modelId])) as Record<ModelRole, string>
  const settings = useDuck.getState().settings
  const switchEngine = settings?.engine !== 'builtin' && !settings?.env_overrides.includes('engine')
  const result = await updateSettings({
    engine_models: models,
    ...(switchEngine ? { engine: 'builtin' as const } : {})
  })
  if (result.ok) await refreshModels()
  return result
}

export async function chooseContextLength(length: number): Promise<Result<null>> {
  const result = await updateSettings({ engine_context_length: length })
  if (result.ok) void loadCatalog(length)
  return result
}

// -- installed models -----------------------------------------------------------------------

export async function importModel(path: string): Promise<Result<InstalledModel>> {
  try {
    const model = await duck().engine.importModel(path)
    await loadInstalled()
    return { ok: true, value: model }
  } catch (error) {
    return { ok: false, error: engineError(error) }
  }
}

/** Resolves with an error message, or null when deleted. */
export async function deleteInstalledModel(modelId: string): Promise<string | null> {
  try {
    await duck().engine.deleteModel(modelId)
  } catch (error) {
    return engineError(error)
  }
  await loadInstalled()
  void loadCatalog()
  await refreshModels()
  return null
}

// -- downloads ------------------------------------------------------------------------------

const MOVING: readonly DownloadState[] = ['queued', 'downloading', 'verifying']

export function isMoving(download: DownloadInfo): boolean {
  return MOVING.includes(download.state)
}

/** Downloads whose model should be used for every role once installed (the first-run one-click). */
const useWhenDone = new Set<string>()
const POLL_MS = 500
let watchers = 0
let timer: number | undefined
let polling = false
let again = false

function putDownload(download: DownloadInfo): void {
  useDuck.setState((s) => {
    const list = s.downloads.data.filter((d) => d.download_id !== download.download_id)
    return { downloads: { data: [...list, download], status: 'ready', error: null } }
  })
}

async function settle(previous: DownloadInfo[], next: DownloadInfo[]): Promise<void> {
  const before = new Map(previous.map((d) => [d.download_id, d.state]))
  const finished = next.filter(
    (d) => d.state === 'completed' && before.has(d.download_id) && before.get(d.download_id) !== 'completed'
  )
  if (finished.length === 0) return
  await loadInstalled()
  void loadCatalog()
  let used = false
  for (const download of finished) {
    if (!useWhenDone.delete(download.download_id) || !download.model_id) continue
    await chooseModelForEveryRole(download.model_id)
    used = true
  }
  if (!used) await refreshModels()
}

/** Reads the downloads once; goes on every 500 ms while one is moving and a view watches. */
export async function pollDownloads(): Promise<void> {
  if (!hasApi()) return
  if (polling) {
    again = true
    return
  }
  polling = true
  again = false
  window.clearTimeout(timer)
  timer = undefined
  const previous = useDuck.getState().downloads.data
  let next: DownloadInfo[] | null = null
  try {
    next = await duck().engine.downloads()
    useDuck.setState({ downloads: { data: next, status: 'ready', error: null } })
  } catch (error) {
    useDuck.setState((s) => ({ downloads: { ...s.downloads, status: 'error', error: engineError(error) } }))
  }
  polling = false
  if (next) await settle(previous, next)
  if (again) void pollDownloads()
  else if (watchers > 0 && next?.some(isMoving)) timer = window.setTimeout(() => void pollDownloads(), POLL_MS)
}

/** A view that shows downloads keeps them live while it is mounted; returns the stop. */
export function watchDownloads(): () => void {
  watchers++
  void pollDownloads()
  return () => {
    watchers--
    if (watchers === 0) {
      window.clearTimeout(timer)
      timer = undefined
    }
  }
}

export async function startDownload(catalogId: string, options: { useWhenDone?: boolean } = {}): Promise<Result<null>> {
  try {
    const download = await duck().engine.download(catalogId)
    if (options.useWhenDone) useWhenDone.add(download.download_id)
    putDownload(download)
    void pollDownloads()
    return { ok: true, value: null }
  } catch (error) {
    return { ok: false, error: engineError(error) }
  }
}

export async function actOnDownload(downloadId: string, action: DownloadAction): Promise<Result<null>> {
  try {
    putDownload(await duck().engine.downloadAction(downloadId, action))
    void pollDownloads()
    return { ok: true, value: null }
  } catch (error) {
    return { ok: false, error: engineError(error) }
  }
}

/** Starts a failed download again (the one-click intent, if any, carries over). */
export async function retryDownload(download: DownloadInfo): Promise<Result<null>> {
  const carry = useWhenDone.delete(download.download_id)
  return startDownload(download.catalog_id, { useWhenDone: carry })
}
