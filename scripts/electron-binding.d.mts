import type { spawnSync } from 'node:child_process'

export const ELECTRON_MISSING: string
export function electronBinary(): string | null
export function prepareElectron(options?: {
  root?: string
  env?: NodeJS.ProcessEnv
  binary?: () => string | null
  ensure?: (options: { root: string }) => string
}): { ok: true; electron: string; env: NodeJS.ProcessEnv } | { ok: false; message: string }
export function installedElectronVersion(): string
export function bindingPath(root: string, electronVersion: string): string
export function ensureElectronBinding(options?: {
  root?: string
  electronVersion?: string
  log?: (line: string) => void
  stdio?: unknown
  nodeGyp?: () => [string, string[]]
  run?: (...args: Parameters<typeof spawnSync>) => { status: number | null }
}): string
export function nodeGypCommand(options?: {
  root?: string
  env?: NodeJS.ProcessEnv
  execPath?: string
  exists?: (path: string) => boolean
}): [string, string[]]
export function stageBinding(root: string, binding: string): string
