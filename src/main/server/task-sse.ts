/**
 * A task's events as `text/event-stream`, written straight to Node's response.
 *
 * On a fast model this path is Duck's own cost per token, so it does the least it can per event:
 *  - a delta is formatted as a per-stream prefix (`{"task_id":…,"conversation_id":…,"seq":`)
 *    plus its seq and `JSON.stringify(delta)`; every other event is stringified whole. Both give
 *    the same bytes as `JSON.stringify({task_id, conversation_id, seq, …})` would.
 *  - events are written in batches: a status change, the first delta after one, or a delta when
 *    nothing went out for 16 ms is written at once; the deltas of a fast model in between go out
 *    once per turn of the event loop;
 *  - while the socket is full (`write()` returned false) events gather into the next write, which
 *    goes out on `drain`: a slow reader costs one buffered string, not a queue of writes.
 */
import type { ServerResponse } from 'node:http'
import type { StreamEvent } from '../../shared/events'

/** A delta goes out at once when nothing was written for this long. */
const QUIET_MS = 16

type DeltaEvent = Extract<StreamEvent, { type: 'content_delta' | 'reasoning_delta' }>

function isDelta(event: StreamEvent): event is DeltaEvent {
  return event.type === 'content_delta' || event.type === 'reasoning_delta'
}

/** Formats events as SSE blocks, deltas by a cached prefix. */
export class SseFormatter {
  private taskId = ''
  private conversationId = ''
  private prefix = ''

  format(event: StreamEvent): string {
    if (isDelta(event) && Object.keys(event).length === 5) {
      if (event.task_id !== this.taskId || event.conversation_id !== this.conversationId) {
        this.taskId = event.task_id
        this.conversationId = event.conversation_id
        this.prefix = `{"task_id":${JSON.stringify(event.task_id)},"conversation_id":${JSON.stringify(event.conversation_id)},"seq":`
      }
      return `event: ${event.type}\ndata: ${this.prefix}${event.seq},"delta":${JSON.stringify(event.delta)}}\n\n`
    }
    const { type, ...data } = event
    return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`
  }
}

/** Where the formatted text goes: Node's response, or a web stream where there is none. */
export interface SseSink {
  /** False when the sink is full: wait for `onDrain`. */
  write(text: string): boolean
  onDrain(listener: () => void): void
  /** True once the reader has gone: nothing more is written. */
  readonly closed: boolean
  onClose(listener: () => void): void
  end(): void
}

export function nodeSink(outgoing: ServerResponse, headers: Record<string, string>): SseSink {
  outgoing.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
    ...headers
  })
  outgoing.flushHeaders()
  let closed = false
  outgoing.once('close', () => (closed = true))
  return {
    write: (text) => outgoing.write(text),
    onDrain: (listener) => outgoing.once('drain', listener),
    get closed() {
      return closed || outgoing.destroyed
    },
    onClose: (listener) => outgoing.once('close', listener),
    end: () => {
      if (!outgoing.destroyed) outgoing.end()
    }
  }
}

/** Writes a task's events to `sink` as they come. `done()` writes what is left and ends it. */
export function createSseWriter(sink: SseSink): { write(event: StreamEvent): void; done(): Promise<void> } {
  const formatter = new SseFormatter()
  let pending = ''
  let lastFlushAt = 0
  let lastWasDelta = false
  let scheduled = false
  let full = false
  let drained: (() => void) | null = null

  const flush = (): void => {
    if (pending === '' || full) return
    if (sink.closed) {
      pending = ''
      return
    }
    const text = pending
    pending = ''
    lastFlushAt = performance.now()
    if (!sink.write(text)) {
      full = true
      sink.onDrain(() => {
        full = false
        flush()
        if (!full && drained !== null) drained()
      })
    }
  }

  return {
    write(event) {
      pending += formatter.format(event)
      const delta = isDelta(event)
      const now = !delta || !lastWasDelta || performance.now() - lastFlushAt > QUIET_MS
      lastWasDelta = delta
      if (now) {
        flush()
      } else if (!scheduled) {
        scheduled = true
        setImmediate(() => {
          scheduled = false
          flush()
        })
      }
    },
    async done() {
      flush()
      // A reader that goes away while the socket is full never drains: its close ends the wait.
      if (full && !sink.closed) {
        await new Promise<void>((resolve) => {
          drained = resolve
          sink.onClose(resolve)
        })
      }
      sink.end()
    }
  }
}
