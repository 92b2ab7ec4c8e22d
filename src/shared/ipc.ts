/** IPC channel names and the result envelope shared by main and preload. */
import type { ErrorCode } from './dto'

export const IPC_CHANNELS = {
  health: 'duck:system:health'
} as const

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: { code: ErrorCode; message: string } }
