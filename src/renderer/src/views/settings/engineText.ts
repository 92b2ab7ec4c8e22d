/** Words for the built-in engine's catalog, downloads and capability card. */
import type {
  CatalogEntry,
  DownloadInfo,
  FitTier,
  HardwareInfo,
  InstalledModel,
  ReasoningFormat,
  SpeedTier,
  StructuredOutputRung
} from '../../../../shared/engine'
import type { ModelRole } from '../../../../shared/schemas'
import { bytes, count, rate, timeLeft } from '../../lib/format'

export const FIT_TEXT: Record<FitTier, { label: string; badge: string }> = {
  fits: { label: 'Fits', badge: 'badge--low' },
  tight: { label: 'Tight', badge: 'badge--medium' },
  too_big: { label: 'Too big', badge: 'badge--high' }
}

export const SPEED_TEXT: Record<SpeedTier, string> = {
  fast: 'fast',
  usable: 'usable',
  slow: 'slow'
}

export const RUNG_TEXT: Record<StructuredOutputRung, string> = {
  grammar: 'Grammar (constrained decoding)',
  json_schema: 'JSON schema',
  json_object: 'JSON object',
  none: 'None (plain text, checked after)'
}

export const REASONING_TEXT: Record<ReasoningFormat, string> = {
  separate: 'Separate reasoning field',
  think_tags: '<think> tags in the answer',
  none: 'Does not think',
  unknown: 'Not known yet'
}

export const ROLE_NAMES: Record<ModelRole, string> = {
  action: 'Planner',
  thinker: 'Answer',
  memory_policy: 'Memory',
  critic: 'Reflection'
}

export const CONTEXT_LENGTHS = [4096, 8192, 16384, 32768] as const

const FIELD_NAMES: Record<string, string> = {
  size_bytes: 'size',
  sha256: 'checksum',
  license: 'licence',
  context_length: 'context length',
  parameters: 'parameters',
  parameter_count: 'parameters',
  quantization: 'quantisation',
  url: 'address',
  architecture: 'architecture',
  thinks: 'thinking'
}

/** "size not verified · checksum not verified", or null when everything was checked. */
export function unverifiedText(entry: Pick<CatalogEntry, 'unverified'>): string | null {
  if (!entry.unverified || entry.unverified.length === 0) return null
  const names = [...new Set(entry.unverified.map((f) => FIELD_NAMES[f] ?? f.replace(/_/g, ' ')))]
  return names.map((name) => `${name} not verified`).join(' · ')
}

/** "1.7B · Q8_0 · 1.8 GB · Apache-2.0 · 32,768 tokens". */
export function catalogFacts(entry: CatalogEntry): string[] {
  return [
    entry.parameters,
    entry.quantization,
    entry.size_bytes === null ? 'size unknown' : bytes(entry.size_bytes),
    entry.license,
    `${count(entry.context_length)} tokens`
  ].filter((part) => part !== '')
}

/** "Expected speed: fast, on the GPU." */
export function speedText(entry: CatalogEntry): string {
  return `Expected speed: ${SPEED_TEXT[entry.fit.speed]}, on the ${entry.fit.device === 'gpu' ? 'GPU' : 'CPU'}.`
}

/** "16 GB memory (11 GB free) · 8 cores · CUDA GPU, 8.0 GB (6.1 GB free) · 120 GB free for models". */
export function hardwareText(hw: HardwareInfo): string {
  const parts = [
    `${bytes(hw.total_ram_bytes)} memory (${bytes(hw.free_ram_bytes)} free)`,
    `${hw.cpu_cores} ${hw.cpu_cores === 1 ? 'core' : 'cores'}`
  ]
  if (hw.gpu) {
    const vram =
      hw.total_vram_bytes !== null
        ? `, ${bytes(hw.total_vram_bytes)}${hw.free_vram_bytes !== null ? ` (${bytes(hw.free_vram_bytes)} free)` : ''}`
        : ''
    parts.push(`${hw.gpu.toUpperCase()} GPU${vram}`)
  } else parts.push('no GPU')
  if (hw.free_disk_bytes !== null) parts.push(`${bytes(hw.free_disk_bytes)} free for models`)
  return parts.join(' · ')
}

/** "1.8 GB · llama · 8,192 tokens". */
export function installedFacts(model: InstalledModel): string {
  return [
    bytes(model.size_bytes),
    model.architecture ?? 'architecture unknown',
    model.context_length ? `${count(model.context_length)} tokens context` : 'context length unknown',
    model.source === 'import' ? 'imported' : 'downloaded'
  ].join(' · ')
}

/** What a download row says under its bar. */
export function downloadLine(d: DownloadInfo): string {
  const amount =
    d.total_bytes !== null ? `${bytes(d.received_bytes)} of ${bytes(d.total_bytes)}` : bytes(d.received_bytes)
  switch (d.state) {
    case 'queued':
      return 'Waiting to start…'
    case 'verifying':
      return `Checking the file (${amount})…`
    case 'paused':
      return `Paused · ${amount}${d.percent !== null ? ` · ${Math.floor(d.percent)}%` : ''}`
    case 'completed':
      return `Done · ${amount}`
    case 'cancelled':
      return 'Cancelled.'
    case 'failed':
      return d.error ?? 'The download failed.'
    case 'downloading': {
      const parts = [amount]
      if (d.percent !== null) parts.push(`${Math.floor(d.percent)}%`)
      if (d.bytes_per_second) parts.push(rate(d.bytes_per_second))
      if (d.seconds_left !== null) parts.push(timeLeft(d.seconds_left))
      return parts.join(' · ')
    }
  }
}

/** A model file's name without its folder. */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/)
  return parts[parts.length - 1] || path
}
