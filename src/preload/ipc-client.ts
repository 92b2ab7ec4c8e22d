/**
 * The preload's side of the IPC contract, with no Electron import: `ipc` is `ipcRenderer` in
 * the app and a fake in the tests.
 */
import type { EventListener, StreamOptions, Unsubscribe } from '../shared/api'
import type { ErrorCode } from '../shared/dto'
import type { DoneEvent, StreamEvent } from '../shared/events'
import {
  IPC_EVENTS,
  invokeChannel,
  type InvokeMethod,
  type IpcErrorShape,
  type IpcResult,
  type StreamMethod,
  type TaskEventMessage
} from '../shared/ipc'

/** What the preloads use of `ipcRenderer`. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown
}

export function ipcError(code: ErrorCode, message: string): IpcErrorShape {
  return { name: 'DuckApiError', code, message }
}

const ABORTED: IpcErrorShape = { name: 'AbortError', code: 'internal', message: 'The stream was aborted.' }

/**
 * Calls a main-process handler and unwraps its `{ok, value} | {ok: false, error}` envelope.
 * Rejects with a plain IpcErrorShape: the context bridge would strip an Error down to its message.
 */
export async function invoke<T>(ipc: IpcRendererLike, method: InvokeMethod, args: unknown[]): Promise<T> {
  let result: IpcResult<T> | undefined
  try {
    result = (await ipc.invoke(invokeChannel(method), ...args)) as IpcResult<T> | undefined
  } catch {
    return Promise.reject(ipcError('internal', "Duck's main process did not answer."))
  }
  if (result?.ok === true) return result.value
  if (result?.ok === false) return Promise.reject(ipcError(result.error.code, result.error.message))
  return Promise.reject(ipcError('internal', "Duck's main process gave an answer it should not have."))
}

function isTaskEventMessage(value: unknown): value is TaskEventMessage {
  if (typeof value !== 'object' || value === null) return false
  const { stream_id: streamId, event } = value as Partial<TaskEventMessage>
  return (
    (streamId === null || typeof streamId === 'string') &&
    typeof event === 'object' &&
    event !== null &&
    typeof event.type === 'string' &&
    typeof event.task_id === 'string'
  )
}

function realSignal(signal: unknown): AbortSignal | undefined {
  // A signal from the page arrives through the context bridge as an empty object; only a real
  // one (from code in this world, e.g. the tests) can be listened to. See wrapIpcApi.
  const candidate = signal as AbortSignal | undefined
  return candidate && typeof candidate.addEventListener === 'function' ? candidate : undefined
}

/** After the call answered, how long to wait for the pushed `done` before using the answer's. */
const DONE_GRACE_MS = 5000
const RETIRED_KEPT = 200

export interface StreamRouter {
  /** Starts a stream method and delivers its events until `done`, which it resolves with. */
  run(method: StreamMethod, args: unknown[], onEvent: EventListener, options?: StreamOptions): Promise<DoneEvent>
  /** Events of streams this page did not start (the password sheet's, or from before a reload). */
  onForeign(listener: (event: StreamEvent) => void): Unsubscribe
}

/**
 * Routes the pushed task events: each belongs to the stream id its caller picked. The call's
 * answer and the pushed events may arrive in either order, so a stream settles on the pushed
 * `done` (every earlier event of it has arrived by then), with the answer's `done` as a fallback.
 */
export function createStreamRouter(ipc: IpcRendererLike, idPrefix = 's'): StreamRouter {
  const streams = new Map<string, (event: StreamEvent) => void>()
  const retired = new Set<string>()
  const foreign = new Set<(event: StreamEvent) => void>()
  let counter = 0
  const random = Math.random().toString(36).slice(2, 10)

  ipc.on(IPC_EVENTS.taskEvent, (_event, message) => {
    if (!isTaskEventMessage(message)) return
    const id = message.stream_id
    const own = id === null ? undefined : streams.get(id)
    if (own) own(message.event)
    else if (id === null || !retired.has(id)) for (const listener of foreign) safely(listener, message.event)
  })

  function retire(id: string): void {
    streams.delete(id)
    retired.add(id)
    if (retired.size > RETIRED_KEPT) retired.delete(retired.values().next().value as string)
  }

  function run(
    method: StreamMethod,
    args: unknown[],
    onEvent: EventListener,
    options?: StreamOptions
  ): Promise<DoneEvent> {
    const signal = realSignal(options?.signal)
    if (signal?.aborted) return Promise.reject(ABORTED)
    const id = `${idPrefix}${++counter}_${random}`
    return new Promise<DoneEvent>((resolve, reject) => {
      let settled = false
      let grace: ReturnType<typeof setTimeout> | undefined
      const settle = (outcome: () => void): void => {
        if (settled) return
        settled = true
        if (grace) clearTimeout(grace)
        signal?.removeEventListener('abort', onAbort)
        retire(id)
        outcome()
      }
      const deliver = (event: StreamEvent): void => {
        if (settled) return
        safely(onEvent, event)
        if (event.type === 'done') settle(() => resolve(event))
      }
      const onAbort = (): void => settle(() => reject(ABORTED))
      signal?.addEventListener('abort', onAbort, { once: true })
      streams.set(id, deliver)
      invoke<DoneEvent>(ipc, method, [...args, id]).then(
        (done) => {
          if (!settled) grace = setTimeout(() => deliver(done), DONE_GRACE_MS)
        },
        (error: unknown) => settle(() => reject(error))
      )
    })
  }

  return {
    run,
    onForeign(listener) {
      foreign.add(listener)
      return () => void foreign.delete(listener)
    }
  }
}

/** A page's listener that throws must not break the routing of the next event. */
export function safely<T>(listener: (value: T) => void, value: T): void {
  try {
    listener(value)
  } catch (error) {
    console.error('[duck] a listener failed:', error)
  }
}

/** A set of listeners for one pushed channel; each `on` returns its unsubscribe. */
export function pushChannel<T>(ipc: IpcRendererLike, channel: string, accept: (value: unknown) => value is T) {
  const listeners = new Set<(value: T) => void>()
  ipc.on(channel, (_event, value) => {
    if (!accept(value)) return
    for (const listener of listeners) safely(listener, value)
  })
  return (listener: (value: T) => void): Unsubscribe => {
    listeners.add(listener)
    return () => void listeners.delete(listener)
  }
}
