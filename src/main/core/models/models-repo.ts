/** Installed models and model downloads in SQLite (migration 004). */
import type { DownloadState, InstalledModel } from '../../../shared/engine'
import type { Db } from '../store/database'
import { now, stmt } from '../store/statements'

interface ModelRow {
  id: string
  name: string
  path: string
  size_bytes: number
  source: 'catalog' | 'import'
  catalog_id: string | null
  sha256: string | null
  architecture: string | null
  context_length: number | null
  parameter_count: number | null
  created_at: string
}

function toModel(row: ModelRow): InstalledModel {
  return {
    model_id: row.id,
    name: row.name,
    path: row.path,
    size_bytes: row.size_bytes,
    source: row.source,
    catalog_id: row.catalog_id,
    sha256: row.sha256,
    architecture: row.architecture,
    context_length: row.context_length,
    parameter_count: row.parameter_count,
    created_at: row.created_at
  }
}

export function listModels(db: Db): InstalledModel[] {
  return (stmt(db, 'SELECT * FROM models ORDER BY created_at, id').all() as ModelRow[]).map(toModel)
}

export function getModel(db: Db, id: string): InstalledModel | undefined {
  const row = stmt(db, 'SELECT * FROM models WHERE id = ?').get(id) as ModelRow | undefined
  return row ? toModel(row) : undefined
}

export function findModelByPath(db: Db, path: string): InstalledModel | undefined {
  const row = stmt(db, 'SELECT * FROM models WHERE path = ?').get(path) as ModelRow | undefined
  return row ? toModel(row) : undefined
}

export function insertModel(db: Db, model: InstalledModel, header: unknown): void {
  stmt(
    db,
    `INSERT INTO models (id, name, path, size_bytes, source, catalog_id, sha256, architecture, context_length,
       parameter_count, header, created_at)
     VALUES (@model_id, @name, @path, @size_bytes, @source, @catalog_id, @sha256, @architecture, @context_length,
       @parameter_count, @header, @created_at)`
  ).run({ ...model, header: JSON.stringify(header) })
}

export function deleteModelRow(db: Db, id: string): void {
  stmt(db, 'DELETE FROM models WHERE id = ?').run(id)
}

export interface DownloadRow {
  id: string
  catalog_id: string
  name: string
  url: string
  file_name: string
  state: DownloadState
  received_bytes: number
  total_bytes: number | null
  expected_sha256: string | null
  linked_sha256: string | null
  etag: string | null
  last_modified: string | null
  error: string | null
  model_id: string | null
  created_at: string
  updated_at: string
}

export function listDownloads(db: Db): DownloadRow[] {
  return stmt(db, 'SELECT * FROM model_downloads ORDER BY created_at DESC, id').all() as DownloadRow[]
}

export function getDownload(db: Db, id: string): DownloadRow | undefined {
  return stmt(db, 'SELECT * FROM model_downloads WHERE id = ?').get(id) as DownloadRow | undefined
}

export function activeDownloadFor(db: Db, catalogId: string): DownloadRow | undefined {
  return stmt(
    db,
    `SELECT * FROM model_downloads WHERE catalog_id = ? AND state IN ('queued', 'downloading', 'paused', 'verifying')`
  ).get(catalogId) as DownloadRow | undefined
}

export function insertDownload(db: Db, row: Omit<DownloadRow, 'created_at' | 'updated_at'>): DownloadRow {
  const at = now()
  const full = { ...row, created_at: at, updated_at: at }
  stmt(
    db,
    `INSERT INTO model_downloads (id, catalog_id, name, url, file_name, state, received_bytes, total_bytes,
       expected_sha256, linked_sha256, etag, last_modified, error, model_id, created_at, updated_at)
     VALUES (@id, @catalog_id, @name, @url, @file_name, @state, @received_bytes, @total_bytes, @expected_sha256,
       @linked_sha256, @etag, @last_modified, @error, @model_id, @created_at, @updated_at)`
  ).run(full)
  return full
}

type DownloadPatch = Partial<Omit<DownloadRow, 'id' | 'catalog_id' | 'created_at' | 'updated_at'>>

const PATCHABLE = [
  'name',
  'url',
  'file_name',
  'state',
  'received_bytes',
  'total_bytes',
  'expected_sha256',
  'linked_sha256',
  'etag',
  'last_modified',
  'error',
  'model_id'
] as const

export function updateDownload(db: Db, id: string, patch: DownloadPatch): void {
  const keys = PATCHABLE.filter((key) => key in patch)
  const sets = [...keys.map((key) => `${key} = @${key}`), 'updated_at = @updated_at'].join(', ')
  stmt(db, `UPDATE model_downloads SET ${sets} WHERE id = @id`).run({ ...patch, id, updated_at: now() })
}
