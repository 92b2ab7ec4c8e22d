/**
 * The model manager: the catalog with what fits this machine, installed models (verified
 * downloads and imported files), and downloads that can be paused, resumed (after a pause,
 * a dropped connection or a quit) and cancelled.
 *
 * What can be loaded is exactly what `installed()` lists: a download becomes a model only
 * after its SHA-256 matched and its GGUF header was read, and the file is moved into the
 * models folder under its final name only then (one rename). Partial files live in
 * `<modelsDir>/.partial/`, never where a model is looked for.
 */
import { randomUUID } from 'node:crypto'
import { existsSync, statSync } from 'node:fs'
import { mkdir, realpath, rename, rm, stat, unlink } from 'node:fs/promises'
import { homedir } from 'node:os'
import { basename, extname, isAbsolute, join, resolve } from 'node:path'
import { DuckApiError } from '../../../shared/api'
import {
  CatalogQuerySchema,
  DownloadActionSchema,
  ImportModelSchema,
  InstalledModelIdSchema,
  StartDownloadSchema,
  type CatalogEntry,
  type CatalogModel,
  type DownloadInfo,
  type HardwareInfo,
  type InstalledModel,
  type ModelCatalog
} from '../../../shared/engine'
import { describeZodError } from '../../../shared/schemas'
import type { z } from 'zod'
import { DEFAULT_ENGINE_CONTEXT_LENGTH } from '../config/env'
import type { Db } from '../store/database'
import { now } from '../store/statements'
import { CatalogError, CatalogSource } from './catalog'
import { runDownload, type RunOutcome } from './downloader'
import { assessFit, formatBytes, pickRecommended } from './fit'
import { GgufError, readGgufHeader, type GgufHeader } from './gguf'
import { detectHardware, freeDiskBytes, type GpuProvider } from './hardware'
import * as repo from './models-repo'

export interface ModelManagerOptions {
  db: Db
  modelsDir: string
  catalogPath: string
  gpu?: GpuProvider
  fetch?: typeof fetch
  /** Whether a running task uses the model (it cannot be deleted then). */
  inUse?: (modelId: string) => boolean
  /** The context length the fit is computed for when the query names none. */
  contextLength?: () => number
  /** Free space where models are kept (tests pass their own). */
  freeDisk?: (dir: string) => Promise<number | null>
  /** Retries of a dropped connection, and the first delay between them. */
  retries?: number
  retryDelayMs?: number
}

/** Space kept free beyond the model itself, so the disk is not filled to the last byte. */
const DISK_MARGIN_BYTES = 256 * 1024 * 1024
const SPEED_WINDOW_MS = 5_000

interface Live {
  controller: AbortController
  /** Why it was stopped: decides the state it is left in. */
  stopAs: 'paused' | 'cancelled' | null
  done: Promise<void>
  samples: { at: number; bytes: number }[]
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value)
  if (!parsed.success) throw new DuckApiError('invalid_input', describeZodError(parsed.error))
  return parsed.data
}

function expandHome(path: string): string {
  return path === '~' ? homedir() : path.startsWith('~/') ? join(homedir(), path.slice(2)) : path
}

export class ModelManager {
  private readonly source: CatalogSource
  private readonly live = new Map<string, Live>()
  private readonly listeners = new Set<() => void>()
  private readonly fetchImpl: typeof fetch
  private closed = false

  constructor(private readonly options: ModelManagerOptions) {
    this.source = new CatalogSource(options.catalogPath)
    this.fetchImpl = options.fetch ?? fetch
    this.recoverInterrupted()
  }

  private get db(): Db {
    return this.options.db
  }

  private get partialDir(): string {
    return join(this.options.modelsDir, '.partial')
  }

  private partialPath(downloadId: string): string {
    return join(this.partialDir, `${downloadId}.part`)
  }

  /** A download that was moving when Duck quit is paused, its received bytes read from the partial. */
  private recoverInterrupted(): void {
    for (const row of repo.listDownloads(this.db)) {
      if (row.state !== 'queued' && row.state !== 'downloading' && row.state !== 'verifying') continue
      const path = this.partialPath(row.id)
      const received = existsSync(path) ? statSync(path).size : 0
      repo.updateDownload(this.db, row.id, { state: 'paused', received_bytes: received })
    }
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private changed(): void {
    for (const listener of this.listeners) listener()
  }

  // -- the catalog ----------------------------------------------------------------------------

  private async loadCatalog(): Promise<CatalogModel[]> {
    try {
      return await this.source.load()
    } catch (error) {
      if (error instanceof CatalogError) throw new DuckApiError('internal', error.message)
      throw error
    }
  }

  async hardware(): Promise<HardwareInfo> {
    await mkdir(this.options.modelsDir, { recursive: true }).catch(() => undefined)
    return detectHardware(this.options.modelsDir, this.options.gpu)
  }

  async catalog(query: unknown = {}): Promise<ModelCatalog> {
    const { context_length } = parse(CatalogQuerySchema, query ?? {})
    const contextLength = context_length ?? this.options.contextLength?.() ?? DEFAULT_ENGINE_CONTEXT_LENGTH
    const [models, hardware] = await Promise.all([this.loadCatalog(), this.hardware()])
    const installed = this.installed()
    const active = repo
      .listDownloads(this.db)
      .filter((d) => ['queued', 'downloading', 'paused', 'verifying'].includes(d.state))
    const assessed = models.map((model) => ({ model, fit: assessFit(model, contextLength, hardware) }))
    const recommended = pickRecommended(assessed)
    const entries: CatalogEntry[] = assessed.map(({ model, fit }) => ({
      ...model,
      fit,
      installed_model_id: installed.find((m) => m.catalog_id === model.id)?.model_id ?? null,
      download_id: active.find((d) => d.catalog_id === model.id)?.id ?? null,
      recommended: model.id === recommended
    }))
    return { hardware, context_length: contextLength, models: entries }
  }

  // -- installed models -----------------------------------------------------------------------

  /** Models whose file is still there (a file deleted behind Duck's back is not offered). */
  installed(): InstalledModel[] {
    return repo.listModels(this.db).filter((model) => existsSync(model.path))
  }

  get(modelId: string): InstalledModel | undefined {
    const model = repo.getModel(this.db, modelId)
    return model && existsSync(model.path) ? model : undefined
  }

  async importModel(input: unknown): Promise<InstalledModel> {
    const { path: given } = parse(ImportModelSchema, input ?? {})
    const expanded = expandHome(given.trim())
    if (!isAbsolute(expanded))
      throw new DuckApiError('invalid_input', `path: give the full path of the .gguf file, not ${given}.`)
    let path: string
    try {
      path = await realpath(resolve(expanded))
    } catch {
      throw new DuckApiError('invalid_input', `path: the file ${given} does not exist.`)
    }
    const info = await stat(path)
    if (!info.isFile()) throw new DuckApiError('invalid_input', `path: ${given} is not a file.`)
    const existing = repo.findModelByPath(this.db, path)
    if (existing) return existing
    const header = await this.readHeader(path)
    const model: InstalledModel = {
      model_id: `model_${randomUUID()}`,
      name: header.name?.trim() || basename(path, extname(path)),
      path,
      size_bytes: info.size,
      source: 'import',
      catalog_id: null,
      sha256: null,
      architecture: header.architecture,
      context_length: header.contextLength,
      parameter_count: header.parameterCount,
      created_at: now()
    }
    repo.insertModel(this.db, model, header)
    this.changed()
    return model
  }

  private async readHeader(path: string): Promise<GgufHeader> {
    try {
      return await readGgufHeader(path)
    } catch (error) {
      if (error instanceof GgufError) throw new DuckApiError('invalid_input', `path: ${error.message}`)
      throw error
    }
  }

  /** Forgets a model; a downloaded one's file is removed too (an imported file is the user's and stays). */
  async deleteModel(modelIdInput: unknown): Promise<void> {
    const parsed = InstalledModelIdSchema.safeParse(modelIdInput)
    const model = parsed.success ? repo.getModel(this.db, parsed.data) : undefined
    if (!model) throw new DuckApiError('not_found', `No installed model ${String(modelIdInput).slice(0, 80)}.`)
    if (this.options.inUse?.(model.model_id)) {
      throw new DuckApiError(
        'conflict',
        `${model.name} is answering a task right now. Delete it when the task is over.`
      )
    }
    repo.deleteModelRow(this.db, model.model_id)
    if (model.source === 'catalog') await unlink(model.path).catch(() => undefined)
    this.changed()
  }

  // -- downloads ------------------------------------------------------------------------------

  downloads(): DownloadInfo[] {
    return repo.listDownloads(this.db).map((row) => this.toInfo(row))
  }

  private info(downloadId: string): DownloadInfo {
    const row = repo.getDownload(this.db, downloadId)
    if (!row) throw new DuckApiError('not_found', `No download ${downloadId.slice(0, 80)}.`)
    return this.toInfo(row)
  }

  private toInfo(row: repo.DownloadRow): DownloadInfo {
    const live = this.live.get(row.id)
    let speed: number | null = null
    if (live && row.state === 'downloading' && live.samples.length >= 2) {
      const first = live.samples[0]!
      const last = live.samples[live.samples.length - 1]!
      const seconds = (last.at - first.at) / 1000
      if (seconds >= 0.5) speed = Math.max(0, (last.bytes - first.bytes) / seconds)
    }
    const total = row.total_bytes
    const left =
      total !== null && speed !== null && speed > 0 ? Math.max(0, (total - row.received_bytes) / speed) : null
    return {
      download_id: row.id,
      catalog_id: row.catalog_id,
      name: row.name,
      url: row.url,
      state: row.state,
      received_bytes: row.received_bytes,
      total_bytes: total,
      percent: total ? Math.min(100, Math.round((row.received_bytes / total) * 1000) / 10) : null,
      bytes_per_second: speed === null ? null : Math.round(speed),
      seconds_left: left === null ? null : Math.round(left),
      error: row.error,
      model_id: row.model_id,
      created_at: row.created_at,
      updated_at: row.updated_at
    }
  }

  async startDownload(input: unknown): Promise<DownloadInfo> {
    const { catalog_id } = parse(StartDownloadSchema, input ?? {})
    const model = (await this.loadCatalog()).find((m) => m.id === catalog_id)
    if (!model) throw new DuckApiError('not_found', `The catalog has no model ${catalog_id}.`)
    const installed = this.installed().find((m) => m.catalog_id === catalog_id)
    if (installed) throw new DuckApiError('conflict', `${model.name} is already installed.`)
    const active = repo.activeDownloadFor(this.db, catalog_id)
    if (active) return active.state === 'paused' ? this.resume(active.id) : this.toInfo(active)
    if (model.size_bytes !== null) await this.ensureSpace(model.size_bytes)
    const row = repo.insertDownload(this.db, {
      id: `dl_${randomUUID()}`,
      catalog_id,
      name: model.name,
      url: model.url,
      file_name: model.file_name,
      state: 'queued',
      received_bytes: 0,
      total_bytes: model.size_bytes,
      expected_sha256: model.sha256,
      linked_sha256: null,
      etag: null,
      last_modified: null,
      error: null,
      model_id: null
    })
    this.run(row.id)
    return this.info(row.id)
  }

  /** Throws a clear error when `needed` bytes (plus a margin) will not fit where models are kept. */
  private async ensureSpace(needed: number): Promise<void> {
    const problem = await this.spaceProblem(needed)
    if (problem) throw new DuckApiError('conflict', problem)
  }

  private async spaceProblem(needed: number): Promise<string | null> {
    await mkdir(this.options.modelsDir, { recursive: true })
    const free = await (this.options.freeDisk ?? freeDiskBytes)(this.options.modelsDir)
    if (free === null || free >= needed + DISK_MARGIN_BYTES) return null
    return (
      `There is not enough free disk space: the model needs ${formatBytes(needed)} more and ` +
      `${formatBytes(Math.max(0, free))} is free in ${this.options.modelsDir}. Free up some space and try again.`
    )
  }

  async downloadAction(downloadIdInput: unknown, actionInput: unknown): Promise<DownloadInfo> {
    const action = parse(DownloadActionSchema, actionInput)
    const downloadId = typeof downloadIdInput === 'string' ? downloadIdInput : ''
    const row = repo.getDownload(this.db, downloadId)
    if (!row) throw new DuckApiError('not_found', `No download ${String(downloadIdInput).slice(0, 80)}.`)
    if (action === 'resume') return this.resume(row.id)
    if (row.state === 'completed' || row.state === 'cancelled') {
      throw new DuckApiError('conflict', `The download of ${row.name} is ${row.state}; there is nothing to ${action}.`)
    }
    if (action === 'pause' && row.state === 'failed') {
      throw new DuckApiError('conflict', `The download of ${row.name} failed; resume it or cancel it.`)
    }
    const live = this.live.get(row.id)
    if (live) {
      live.stopAs = action === 'pause' ? 'paused' : 'cancelled'
      live.controller.abort()
      await live.done
    } else if (action === 'cancel') {
      await rm(this.partialPath(row.id), { force: true })
      repo.updateDownload(this.db, row.id, { state: 'cancelled', received_bytes: 0, error: null })
      this.changed()
    }
    return this.info(row.id)
  }

  private async resume(downloadId: string): Promise<DownloadInfo> {
    const row = repo.getDownload(this.db, downloadId)!
    if (this.live.has(row.id) || row.state === 'queued' || row.state === 'downloading' || row.state === 'verifying') {
      return this.toInfo(row)
    }
    if (row.state !== 'paused' && row.state !== 'failed') {
      throw new DuckApiError('conflict', `The download of ${row.name} is ${row.state}; it cannot be resumed.`)
    }
    if (row.state === 'failed' && repo.activeDownloadFor(this.db, row.catalog_id)) {
      throw new DuckApiError('conflict', `${row.name} is already being downloaded.`)
    }
    if (this.installed().some((m) => m.catalog_id === row.catalog_id)) {
      throw new DuckApiError('conflict', `${row.name} is already installed.`)
    }
    if (row.total_bytes !== null) await this.ensureSpace(Math.max(0, row.total_bytes - row.received_bytes))
    repo.updateDownload(this.db, row.id, { state: 'queued', error: null })
    this.run(row.id)
    return this.info(row.id)
  }

  private run(downloadId: string): void {
    if (this.closed) return
    const controller = new AbortController()
    const live: Live = { controller, stopAs: null, done: Promise.resolve(), samples: [] }
    this.live.set(downloadId, live)
    live.done = this.execute(downloadId, live)
      .catch((error: unknown) => {
        repo.updateDownload(this.db, downloadId, {
          state: 'failed',
          error: `The download failed: ${error instanceof Error ? error.message : String(error)}`
        })
      })
      .finally(() => {
        this.live.delete(downloadId)
        this.changed()
      })
  }

  private async execute(downloadId: string, live: Live): Promise<void> {
    const row = repo.getDownload(this.db, downloadId)!
    await mkdir(this.partialDir, { recursive: true })
    const partial = this.partialPath(downloadId)
    repo.updateDownload(this.db, downloadId, { state: 'downloading' })
    this.changed()
    let etag = row.etag
    const outcome: RunOutcome = await runDownload({
      url: row.url,
      partialPath: partial,
      etag,
      signal: live.controller.signal,
      fetch: this.fetchImpl,
      checkSpace: (needed) => this.spaceProblem(needed),
      ...(this.options.retries !== undefined ? { retries: this.options.retries } : {}),
      ...(this.options.retryDelayMs !== undefined ? { retryDelayMs: this.options.retryDelayMs } : {}),
      onHeaders: (info) => {
        etag = info.etag
        repo.updateDownload(this.db, downloadId, {
          total_bytes: info.total,
          etag: info.etag,
          last_modified: info.lastModified,
          linked_sha256: info.linkedSha256
        })
      },
      onProgress: (received, total) => {
        const at = Date.now()
        live.samples.push({ at, bytes: received })
        while (live.samples.length > 2 && at - live.samples[0]!.at > SPEED_WINDOW_MS) live.samples.shift()
        repo.updateDownload(this.db, downloadId, { received_bytes: received, total_bytes: total })
      },
      onVerifying: () => {
        repo.updateDownload(this.db, downloadId, { state: 'verifying' })
        this.changed()
      }
    })

    if (outcome.kind === 'stopped') {
      const state = live.stopAs ?? 'paused'
      if (state === 'cancelled') await rm(partial, { force: true })
      const received =
        state === 'cancelled'
          ? 0
          : await stat(partial).then(
              (s) => s.size,
              () => 0
            )
      repo.updateDownload(this.db, downloadId, { state, received_bytes: received, error: null })
      return
    }
    if (outcome.kind === 'failed') {
      if (!outcome.keepPartial) await rm(partial, { force: true })
      const received = outcome.keepPartial
        ? await stat(partial).then(
            (s) => s.size,
            () => 0
          )
        : 0
      repo.updateDownload(this.db, downloadId, { state: 'failed', error: outcome.error, received_bytes: received })
      return
    }
    await this.install(downloadId, partial, outcome.sha256, outcome.bytes)
  }

  /** Checks the hash and the header; only then does the file become a model. */
  private async install(downloadId: string, partial: string, sha256: string, bytes: number): Promise<void> {
    const row = repo.getDownload(this.db, downloadId)!
    const fail = async (error: string): Promise<void> => {
      await rm(partial, { force: true })
      repo.updateDownload(this.db, downloadId, { state: 'failed', error, received_bytes: 0 })
    }
    const expected = row.expected_sha256 ?? row.linked_sha256
    if (!expected) {
      return fail(
        `Duck could not verify ${row.name}: neither the catalog nor the server gives its SHA-256, so the file was removed.`
      )
    }
    if (expected !== sha256) {
      return fail(
        `The downloaded file does not match ${row.name}'s SHA-256 (expected ${expected.slice(0, 12)}…, got ` +
          `${sha256.slice(0, 12)}…). It was removed; resume to download it again.`
      )
    }
    let header: GgufHeader
    try {
      header = await readGgufHeader(partial, { label: row.file_name })
    } catch (error) {
      return fail(error instanceof GgufError ? `${error.message} It was removed.` : String(error))
    }
    const target = await this.freeName(row.file_name)
    await rename(partial, target)
    const model: InstalledModel = {
      model_id: `model_${randomUUID()}`,
      name: row.name,
      path: target,
      size_bytes: bytes,
      source: 'catalog',
      catalog_id: row.catalog_id,
      sha256,
      architecture: header.architecture,
      context_length: header.contextLength,
      parameter_count: header.parameterCount,
      created_at: now()
    }
    this.db.transaction(() => {
      repo.insertModel(this.db, model, header)
      repo.updateDownload(this.db, downloadId, {
        state: 'completed',
        received_bytes: bytes,
        total_bytes: bytes,
        model_id: model.model_id,
        error: null
      })
    })()
  }

  /** `<modelsDir>/<file>`, or `<name>-2.gguf`… when a file of that name (not a model Duck knows) is there. */
  private async freeName(fileName: string): Promise<string> {
    const ext = extname(fileName)
    const stem = fileName.slice(0, fileName.length - ext.length)
    for (let n = 1; ; n += 1) {
      const candidate = join(this.options.modelsDir, n === 1 ? fileName : `${stem}-${n}${ext}`)
      if (!existsSync(candidate) && !repo.findModelByPath(this.db, candidate)) return candidate
    }
  }

  /** Stops every download (they stay paused and resume after the next start). */
  async close(): Promise<void> {
    this.closed = true
    const running = [...this.live.values()]
    for (const live of running) {
      live.stopAs = 'paused'
      live.controller.abort()
    }
    await Promise.all(running.map((live) => live.done))
  }
}
