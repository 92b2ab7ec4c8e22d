/**
 * Will a model run on this machine, and how well? An estimate, deliberately on the safe side.
 *
 * Memory needed = weights + KV cache at the context length + a fixed runtime overhead:
 * - weights: the file's size (the catalog's `size_bytes`); when unknown, parameter_count ×
 *   the quantization's bits per weight (Q4_K_M ≈ 4.9, Q8_0 = 8.5, F16 = 16, …).
 * - KV cache (f16, keys and values): 2 × layers × kv_heads × head_dim × context × 2 bytes.
 *   When the catalog lacks any of the three numbers, the bytes per token are estimated from
 *   the parameter count: (64 + 48 × √billions) KiB per token. Fitted to grouped-query models
 *   (Qwen3 0.6B–32B, Llama 3.x 1B–70B, Gemma 3) it errs high, never more than about 2× —
 *   small models have relatively large caches, hence the constant term.
 * - overhead: 512 MiB for the runtime, compute buffers and scratch space.
 * The context is capped at what the model was trained for (the engine does the same).
 *
 * Tier against the free memory of the device it would run on: `fits` up to 70 %, `tight` up
 * to 95 %, `too_big` beyond. With a GPU the model is placed on the GPU when it fits there,
 * else on the CPU when RAM serves it better (llama.cpp can run either way).
 *
 * Speed from the parameter count (decoding is bound by memory bandwidth, which scales with
 * the weights): on a GPU up to 14 B is fast, up to 40 B usable; on the CPU up to 4.5 B is
 * fast, up to 10 B usable; beyond that slow. A CPU with fewer than 4 cores drops one tier.
 */
import type { CatalogModel, FitTier, HardwareInfo, ModelFit, SpeedTier } from '../../../shared/engine'

export const RUNTIME_OVERHEAD_BYTES = 512 * 1024 * 1024
export const FITS_SHARE = 0.7
export const TIGHT_SHARE = 0.95

const KIB = 1024
const GIB = 1024 ** 3

/** Approximate bits per weight of common llama.cpp quantizations, including their scales. */
const BITS_PER_WEIGHT: Record<string, number> = {
  F32: 32,
  F16: 16,
  BF16: 16,
  Q8_0: 8.5,
  Q6_K: 6.6,
  Q5_K_M: 5.7,
  Q5_K_S: 5.5,
  Q5_0: 5.5,
  Q5_1: 6,
  Q4_K_M: 4.9,
  Q4_K_S: 4.6,
  Q4_0: 4.55,
  Q4_1: 5,
  IQ4_XS: 4.3,
  IQ4_NL: 4.5,
  Q3_K_L: 4.3,
  Q3_K_M: 3.9,
  Q3_K_S: 3.5,
  IQ3_M: 3.7,
  IQ3_XS: 3.3,
  Q2_K: 3.35,
  IQ2_M: 2.7,
  MXFP4: 4.25
}

export function weightsBytes(model: Pick<CatalogModel, 'size_bytes' | 'parameter_count' | 'quantization'>): number {
  if (model.size_bytes !== null) return model.size_bytes
  const key = model.quantization.toUpperCase().replace(/[^A-Z0-9_]/g, '_')
  const bits = BITS_PER_WEIGHT[key] ?? 8.5
  return Math.ceil((model.parameter_count * bits) / 8)
}

/** f16 KV cache bytes per token of context. */
export function kvBytesPerToken(model: Pick<CatalogModel, 'architecture' | 'parameter_count'>): number {
  const a = model.architecture
  if (a && a.layers !== null && a.kv_heads !== null && a.head_dim !== null) {
    return 2 * a.layers * a.kv_heads * a.head_dim * 2
  }
  const billions = model.parameter_count / 1e9
  return Math.ceil((64 + 48 * Math.sqrt(billions)) * KIB)
}

export function effectiveContext(model: Pick<CatalogModel, 'context_length'>, contextLength: number): number {
  return Math.min(contextLength, model.context_length)
}

export function requiredBytes(model: CatalogModel, contextLength: number): number {
  return weightsBytes(model) + kvBytesPerToken(model) * effectiveContext(model, contextLength) + RUNTIME_OVERHEAD_BYTES
}

export function tierFor(required: number, free: number): FitTier {
  if (required <= free * FITS_SHARE) return 'fits'
  if (required <= free * TIGHT_SHARE) return 'tight'
  return 'too_big'
}

export function speedTier(parameterCount: number, device: 'gpu' | 'cpu', cpuCores: number): SpeedTier {
  const billions = parameterCount / 1e9
  const tiers: SpeedTier[] = ['fast', 'usable', 'slow']
  let index =
    device === 'gpu' ? (billions <= 14 ? 0 : billions <= 40 ? 1 : 2) : billions <= 4.5 ? 0 : billions <= 10 ? 1 : 2
  if (device === 'cpu' && cpuCores < 4) index = Math.min(2, index + 1)
  return tiers[index] ?? 'slow'
}

const TIER_RANK: Record<FitTier, number> = { fits: 0, tight: 1, too_big: 2 }

export function assessFit(model: CatalogModel, contextLength: number, hardware: HardwareInfo): ModelFit {
  const required = requiredBytes(model, contextLength)
  let device: 'gpu' | 'cpu' = 'cpu'
  let free = hardware.free_ram_bytes
  let tier = tierFor(required, free)
  if (hardware.gpu && hardware.free_vram_bytes !== null) {
    const gpuTier = tierFor(required, hardware.free_vram_bytes)
    if (gpuTier !== 'too_big' || TIER_RANK[gpuTier] <= TIER_RANK[tier]) {
      device = 'gpu'
      free = hardware.free_vram_bytes
      tier = gpuTier
    }
  }
  const speed = speedTier(model.parameter_count, device, hardware.cpu_cores)
  return { tier, required_bytes: required, device, speed, summary: summarize(tier, required, free, device, speed) }
}

function summarize(tier: FitTier, required: number, free: number, device: 'gpu' | 'cpu', speed: SpeedTier): string {
  const memory = device === 'gpu' ? 'free GPU memory' : 'free memory'
  const needs = `Needs about ${formatBytes(required)}`
  if (tier === 'too_big') return `${needs}, more than the ${formatBytes(free)} of ${memory} on this machine.`
  if (tier === 'tight')
    return `${needs} of the ${formatBytes(free)} of ${memory}: it may run, but close other apps first.`
  const where = device === 'gpu' ? 'on the GPU' : 'on the CPU'
  const pace =
    speed === 'fast'
      ? `it should run fast ${where}`
      : speed === 'usable'
        ? `it should run at a usable speed ${where}`
        : `expect it to be slow ${where}`
  return `${needs} of the ${formatBytes(free)} of ${memory}; ${pace}.`
}

/** "2.1 GB", "14 GB", "512 MB" (binary units, as operating systems show memory). */
export function formatBytes(bytes: number): string {
  if (bytes < GIB) return `${Math.max(1, Math.round(bytes / 1024 ** 2))} MB`
  const gb = bytes / GIB
  return gb < 10 ? `${gb.toFixed(1)} GB` : `${Math.round(gb)} GB`
}

/**
 * The one entry to recommend: among the models that `fits`, prefer those suited to answering,
 * then those that will not be slow, then thinking-capable ones, then the largest (parameter
 * count, then memory). Null when nothing fits.
 */
export function pickRecommended(entries: { model: CatalogModel; fit: ModelFit }[]): string | null {
  const fitting = entries.filter((e) => e.fit.tier === 'fits')
  if (fitting.length === 0) return null
  const prefer = <T>(items: T[], test: (item: T) => boolean): T[] => {
    const preferred = items.filter(test)
    return preferred.length > 0 ? preferred : items
  }
  let pool = prefer(fitting, (e) => e.model.recommended_for.includes('answer'))
  pool = prefer(pool, (e) => e.fit.speed !== 'slow')
  pool = prefer(pool, (e) => e.model.thinks)
  pool.sort((a, b) => b.model.parameter_count - a.model.parameter_count || b.fit.required_bytes - a.fit.required_bytes)
  return pool[0]?.model.id ?? null
}
