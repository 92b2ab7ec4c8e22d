import { describe, expect, it } from 'vitest'
import type { StreamEvent } from '../../shared/events'
import { createSseWriter, SseFormatter, type SseSink } from './task-sse'

const ids = { task_id: 'task_1', conversation_id: 'conv_"quoted"\\' }

function generic(event: StreamEvent): string {
  const { type, ...data } = event
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`
}

/** A sink that records each write and can say it is full until drained. */
function recordingSink(fullAfter = Infinity): SseSink & { writes: string[]; drain(): void; ended: boolean } {
  const drains: Array<() => void> = []
  const closes: Array<() => void> = []
  const sink = {
    writes: [] as string[],
    ended: false,
    closed: false,
    write(text: string) {
      sink.writes.push(text)
      return sink.writes.length < fullAfter
    },
    onDrain: (listener: () => void) => drains.push(listener),
    onClose: (listener: () => void) => closes.push(listener),
    drain() {
      fullAfter = Infinity
      for (const listener of drains.splice(0)) listener()
    },
    end() {
      sink.ended = true
    }
  }
  return sink
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('SseFormatter', () => {
  it('writes deltas byte for byte as the whole event would stringify, text of any kind', () => {
    const formatter = new SseFormatter()
    const texts = ['plain', 'with "quotes" and \\ and\nnewlines', '🦆 café \u2028 \u0000', '']
    for (const [seq, delta] of texts.entries()) {
      for (const type of ['content_delta', 'reasoning_delta'] as const) {
        const event = { ...ids, seq, type, delta } as StreamEvent
        expect(formatter.format(event)).toBe(generic(event))
      }
    }
  })

  it('starts a new prefix when the task changes, and formats other events whole', () => {
    const formatter = new SseFormatter()
    const a = { ...ids, seq: 1, type: 'content_delta', delta: 'a' } as StreamEvent
    const b = { task_id: 'task_2', conversation_id: 'conv_2', seq: 7, type: 'content_delta', delta: 'b' } as StreamEvent
    const status = { ...ids, seq: 2, type: 'runtime_status', stage: 'thinking' } as StreamEvent
    expect(formatter.format(a)).toBe(generic(a))
    expect(formatter.format(b)).toBe(generic(b))
    expect(formatter.format(status)).toBe(generic(status))
  })
})

describe('createSseWriter', () => {
  const delta = (seq: number, text: string): StreamEvent =>
    ({ ...ids, seq, type: 'content_delta', delta: text }) as StreamEvent
  const status = (seq: number): StreamEvent =>
    ({ ...ids, seq, type: 'runtime_status', stage: 'thinking' }) as StreamEvent

  it('writes a status change and the first delta after it at once, later deltas once per turn', async () => {
    const sink = recordingSink()
    const writer = createSseWriter(sink)
    writer.write(status(1))
    expect(sink.writes).toHaveLength(1)
    writer.write(delta(2, 'first'))
    expect(sink.writes).toHaveLength(2)
    writer.write(delta(3, 'b'))
    writer.write(delta(4, 'c'))
    expect(sink.writes).toHaveLength(2)
    await tick()
    expect(sink.writes).toHaveLength(3)
    expect(sink.writes[2]).toBe(generic(delta(3, 'b')) + generic(delta(4, 'c')))
    await writer.done()
    expect(sink.ended).toBe(true)
  })

  it('gathers events while the socket is full and writes them in one go on drain', async () => {
    const sink = recordingSink(1)
    const writer = createSseWriter(sink)
    writer.write(status(1))
    writer.write(status(2))
    writer.write(delta(3, 'x'))
    expect(sink.writes).toHaveLength(1)
    const done = writer.done()
    await tick()
    expect(sink.ended).toBe(false)
    sink.drain()
    await done
    expect(sink.writes).toEqual([generic(status(1)), generic(status(2)) + generic(delta(3, 'x'))])
    expect(sink.ended).toBe(true)
  })
})
