import type { StreamEvent } from '../../shared/events'
import { IPC_EVENTS, type TaskEventMessage } from '../../shared/ipc'
import type { StreamListener } from '../core/agent/emitter'
import type { SenderLike } from './ipc'

/** Main's own interest in a stream (the password sheet, notifications); `owner` is the page told. */
export type TaskObserver = (event: StreamEvent, owner: SenderLike) => void

/**
 * Stream listeners that push each event to the page that owns the stream (`webContents.send`,
 * without waiting) and show it to main's observers. `streamId` is the caller's id, or null for a
 * stream main started itself (after the password sheet), which the page sees via onTaskEvent.
 */
export function createTaskStreams(observers: readonly TaskObserver[], log: (message: string, error: unknown) => void) {
  return {
    /** `watchers`: other pages that follow the stream too, as a stream they did not start. */
    listener(owner: SenderLike, streamId: string | null, watchers: readonly SenderLike[] = []): StreamListener {
      return (event) => {
        if (!owner.isDestroyed()) {
          const message: TaskEventMessage = { stream_id: streamId, event }
          owner.send(IPC_EVENTS.taskEvent, message)
        }
        for (const watcher of watchers) {
          if (watcher.id === owner.id || watcher.isDestroyed()) continue
          const message: TaskEventMessage = { stream_id: null, event }
          watcher.send(IPC_EVENTS.taskEvent, message)
        }
        for (const observe of observers) {
          try {
            observe(event, owner)
          } catch (error) {
            log('a task observer failed', error)
          }
        }
      }
    }
  }
}

export type TaskStreams = ReturnType<typeof createTaskStreams>
