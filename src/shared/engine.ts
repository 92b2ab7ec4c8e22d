/**
 * The contract of the built-in engine and its model manager: the catalog of recommended GGUF
 * models, what this machine can run, installed models, downloads, and what Duck found out
 * about the selected model (the capability card). Both transports carry these unchanged.
 */
import { z } from 'zod'
import type { ModelRole } from './schemas'

export const ENGINE_KINDS = ['builtin', 'server'] as const
export type EngineKind = (typeof ENGINE_KINDS)[number]

/** One entry of `resources/models/catalog.json` (fields that could not be checked are listed in `unverified`). */
export interface CatalogModel {
  id: string
  name: string
  family: string
  parameters: string
  parameter_count: number
  quantization: string
  file_name: string
  size_bytes: number | null
  url: string
  sha256: string | null
  context_length: number
  license: string
  thinks: boolean
  architecture: { layers: number | null; kv_heads: number | null; head_dim: number | null } | null
  recommended_for: ('planner' | 'answer')[]
  notes: string
  unverified: string[]
}

export type FitTier = 'fits' | 'tight' | 'too_big'
export type SpeedTier = 'fast' | 'usable' | 'slow'

export interface ModelFit {
  tier: FitTier
  /** Weights + KV cache at `context_length` + runtime overhead. */
  required_bytes: number
  /** Where it would run: the GPU's free memory when a GPU binding is present, else RAM. */
  device: 'gpu' | 'cpu'
  speed: SpeedTier
  /** One sentence a person can read, e.g. "Needs about 2.1 GB of the 14 GB free." */
  summary: string
}

export interface HardwareInfo {
  total_ram_bytes: number
  free_ram_bytes: number
  cpu_cores: number
  /** The GPU backend node-llama-cpp found ('cuda' | 'vulkan' | 'metal'), or null for CPU only. */
  gpu: string | null
  total_vram_bytes: number | null
  free_vram_bytes: number | null
  /** Free space where models are kept. */
  free_disk_bytes: number | null
  models_dir: string
}

export interface CatalogEntry extends CatalogModel {
  fit: ModelFit
  /** The installed model made from this entry, if any. */
  installed_model_id: string | null
  /** The download in progress for this entry, if any. */
  download_id: string | null
  recommended: boolean
}

export interface ModelCatalog {
  hardware: HardwareInfo
  context_length: number
  models: CatalogEntry[]
}

/** A model the built-in engine can load: verified downloads and imported files. */
export interface InstalledModel {
  model_id: string
  name: string
  path: string
  size_bytes: number
  source: 'catalog' | 'import'
  catalog_id: string | null
  sha256: string | null
  /** From the file's GGUF header. */
  architecture: string | null
  context_length: number | null
  parameter_count: number | null
  created_at: string
}

export const DOWNLOAD_STATES = [
  'queued',
  'downloading',
  'paused',
  'verifying',
  'completed',
  'failed',
  'cancelled'
] as const
export type DownloadState = (typeof DOWNLOAD_STATES)[number]

export interface DownloadInfo {
  download_id: string
  catalog_id: string
  name: string
  url: string
  state: DownloadState
  received_bytes: number
  total_bytes: number | null
  /** 0–100, null while the size is unknown. */
  percent: number | null
  bytes_per_second: number | null
  seconds_left: number | null
  /** Set when failed: a sentence that says what went wrong and what to do. */
  error: string | null
  /** Set when completed. */
  model_id: string | null
  created_at: string
  updated_at: string
}

export type StructuredOutputRung = 'grammar' | 'json_schema' | 'json_object' | 'none'
export type ReasoningFormat = 'separate' | 'think_tags' | 'none' | 'unknown'

/** What Duck found out about the model a role uses. */
export interface ModelCapabilities {
  engine: EngineKind
  role: ModelRole
  model: string
  /** How the planner's JSON is asked for; null until the first structured request. */
  structured_output: StructuredOutputRung | null
  reasoning_format: ReasoningFormat
  context_length: number | null
  /** Decode speed measured on the last answer, from the engine's or server's own counts. */
  tokens_per_second: number | null
}

export type EngineState = 'idle' | 'loading' | 'ready' | 'error'

export interface EngineStatus {
  engine: EngineKind
  state: EngineState
  /** The model file the engine has loaded (builtin), or the server's base URL. */
  model: string | null
  error: string | null
  capabilities: ModelCapabilities[]
}

// -- inputs ---------------------------------------------------------------------------------

const shortId = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'is too long')
  .regex(/^[A-Za-z0-9._-]+$/, 'must contain only letters, digits, ".", "-" and "_"')

export const StartDownloadSchema = z.strictObject({
  catalog_id: shortId
})
export type StartDownload = z.infer<typeof StartDownloadSchema>

export const DownloadActionSchema = z.enum(['pause', 'resume', 'cancel'])
export type DownloadAction = z.infer<typeof DownloadActionSchema>

export const ImportModelSchema = z.strictObject({
  path: z.string().min(1, 'must not be empty').max(4096, 'is too long')
})
export type ImportModel = z.infer<typeof ImportModelSchema>

export const CatalogQuerySchema = z.strictObject({
  /** The context length to size the KV cache for (default: the engine's setting). */
  context_length: z.coerce
    .number()
    .int('must be a whole number')
    .min(512, 'must be at least 512')
    .max(1_048_576, 'must be at most 1048576')
    .optional()
})
export type CatalogQuery = z.infer<typeof CatalogQuerySchema>

export const InstalledModelIdSchema = shortId
