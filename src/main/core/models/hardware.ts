/**
 * What this machine offers a local model: memory, cores, free disk space where models are
 * kept, and the GPU (through an injected provider; the app passes one backed by
 * node-llama-cpp's `getVramState()`, and without one Duck assumes the CPU).
 */
import { readFile, statfs } from 'node:fs/promises'
import os from 'node:os'
import { dirname, resolve } from 'node:path'
import type { HardwareInfo } from '../../../shared/engine'

export interface GpuInfo {
  /** 'cuda' | 'vulkan' | 'metal', or null when only the CPU is available. */
  backend: string | null
  totalVram: number | null
  freeVram: number | null
}

export type GpuProvider = () => Promise<GpuInfo>

/** How long the GPU provider may take before Duck carries on as CPU only. */
const GPU_PROBE_TIMEOUT_MS = 5_000

export async function detectHardware(modelsDir: string, gpu?: GpuProvider): Promise<HardwareInfo> {
  const [freeRam, freeDisk, gpuInfo] = await Promise.all([freeMemoryBytes(), freeDiskBytes(modelsDir), probeGpu(gpu)])
  return {
    total_ram_bytes: os.totalmem(),
    free_ram_bytes: freeRam,
    cpu_cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length,
    gpu: gpuInfo.backend,
    total_vram_bytes: gpuInfo.backend ? gpuInfo.totalVram : null,
    free_vram_bytes: gpuInfo.backend ? gpuInfo.freeVram : null,
    free_disk_bytes: freeDisk,
    models_dir: modelsDir
  }
}

/**
 * Memory a new process can use. On Linux `os.freemem()` is MemFree, which leaves out the page
 * cache the kernel gives back on demand; MemAvailable in /proc/meminfo is the kernel's own
 * estimate of what can be allocated without swapping, so it is preferred there.
 */
export async function freeMemoryBytes(): Promise<number> {
  if (process.platform === 'linux') {
    try {
      const available = parseMemAvailable(await readFile('/proc/meminfo', 'utf8'))
      if (available !== null) return available
    } catch {
      // fall through
    }
  }
  return os.freemem()
}

export function parseMemAvailable(meminfo: string): number | null {
  const match = /^MemAvailable:\s+(\d+)\s*kB/m.exec(meminfo)
  return match ? Number(match[1]) * 1024 : null
}

/**
 * Free space (for an unprivileged user) on the file system holding `dir`. The folder may not
 * exist yet, so the nearest existing ancestor is asked. Null when it cannot be told.
 */
export async function freeDiskBytes(dir: string): Promise<number | null> {
  let current = resolve(dir)
  for (;;) {
    try {
      const info = await statfs(current)
      return Number(info.bavail) * Number(info.bsize)
    } catch (error) {
      const parent = dirname(current)
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === current) return null
      current = parent
    }
  }
}

async function probeGpu(gpu: GpuProvider | undefined): Promise<GpuInfo> {
  const none: GpuInfo = { backend: null, totalVram: null, freeVram: null }
  if (!gpu) return none
  let timer: NodeJS.Timeout | undefined
  try {
    const info = await Promise.race([
      gpu(),
      new Promise<GpuInfo>((done) => {
        timer = setTimeout(() => done(none), GPU_PROBE_TIMEOUT_MS)
        timer.unref()
      })
    ])
    if (!info.backend) return none
    return {
      backend: info.backend,
      totalVram: validBytes(info.totalVram),
      freeVram: validBytes(info.freeVram)
    }
  } catch {
    return none
  } finally {
    clearTimeout(timer)
  }
}

function validBytes(value: number | null): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null
}
