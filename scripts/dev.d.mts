import type { spawn, spawnSync } from 'node:child_process'
import type { prepareElectron } from './electron-binding.mjs'

export function main(options?: {
  root?: string
  argv?: string[]
  prepare?: typeof prepareElectron
  run?: (...args: Parameters<typeof spawnSync>) => { status: number | null }
  launch?: (...args: Parameters<typeof spawn>) => {
    on(event: 'exit', listener: (code: number | null, signal: string | null) => void): unknown
  }
  error?: (message: string) => void
}): number | Promise<number>
