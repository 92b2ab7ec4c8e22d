import { APIError } from 'openai'
import { describe, expect, it } from 'vitest'
import { readChunkBatches, type StreamChunk } from './sse-chunks'

/** A real `Response` whose body arrives in exactly these reads. */
function responseOf(reads: Array<string | Uint8Array>): { response: Response; cancelled: () => boolean } {
  const encoder = new TextEncoder()
  let index = 0
  let wasCancelled = false
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = reads[index++]
      if (next === undefined) controller.close()
      else controller.enqueue(typeof next === 'string' ? encoder.encode(next) : next)
    },
    cancel() {
      wasCancelled = true
    }
  })
  return {
    response: new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
    cancelled: () => wasCancelled
  }
}

const chunk = (content: string): string =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`

async function batches(response: Response): Promise<StreamChunk[][]> {
  const out: StreamChunk[][] = []
  for await (const batch of readChunkBatches(response)) out.push(batch)
  return out
}

function contents(all: StreamChunk[][]): string[][] {
  return all.map((batch) =>
    batch.map((c) => ((c['choices'] as Array<{ delta: { content: string } }>)[0]?.delta.content ?? '') as string)
  )
}

describe('readChunkBatches', () => {
  it('gives one batch per network read, with every event of that read in order', async () => {
    const { response } = responseOf([chunk('a') + chunk('b') + chunk('c'), chunk('d'), 'data: [DONE]\n\n'])
    expect(contents(await batches(response))).toEqual([['a', 'b', 'c'], ['d']])
  })

  it('joins events split across reads, also inside a multi-byte character', async () => {
    const whole = new TextEncoder().encode(chunk('café 🦆') + chunk('ok'))
    const cut = whole.indexOf(0xf0) + 2 // inside the four bytes of the duck
    const { response } = responseOf([whole.slice(0, 7), whole.slice(7, cut), whole.slice(cut)])
    expect(contents(await batches(response)).flat()).toEqual(['café 🦆', 'ok'])
  })

  it('reads CRLF line endings, comments and keep-alive lines as the SSE rules say', async () => {
    const { response } = responseOf([': keep-alive\r\n\r\n', 'data: {"choices":[{"delta":{"content":"x"}}]}\r\n\r\n'])
    expect(contents(await batches(response))).toEqual([['x']])
  })

  it('stops at [DONE] and lets go of the connection', async () => {
    const { response, cancelled } = responseOf([chunk('a') + 'data: [DONE]\n\n' + chunk('after'), chunk('never')])
    expect(contents(await batches(response))).toEqual([['a']])
    expect(cancelled()).toBe(true)
  })

  it('delivers the chunks before an error event, then raises it as an APIError', async () => {
    const { response } = responseOf([chunk('before') + 'data: {"error":{"message":"out of memory"}}\n\n' + chunk('x')])
    const seen: StreamChunk[][] = []
    let failure: unknown
    try {
      for await (const batch of readChunkBatches(response)) seen.push(batch)
    } catch (error) {
      failure = error
    }
    expect(contents(seen)).toEqual([['before']])
    expect(failure).toBeInstanceOf(APIError)
    expect((failure as APIError).message).toContain('out of memory')
  })

  it('raises a chunk that is not JSON as a SyntaxError', async () => {
    const { response } = responseOf([chunk('fine'), 'data: {not json\n\n'])
    await expect(batches(response)).rejects.toBeInstanceOf(SyntaxError)
  })

  it('cancels the body when the consumer stops early', async () => {
    const { response, cancelled } = responseOf([chunk('a'), chunk('b'), chunk('c')])
    for await (const batch of readChunkBatches(response)) {
      expect(batch).toHaveLength(1)
      break
    }
    expect(cancelled()).toBe(true)
  })

  it('reads a large read in linear time (20,000 events in one read)', async () => {
    const { response } = responseOf([Array.from({ length: 20_000 }, (_, i) => chunk(String(i))).join('')])
    const all = await batches(response)
    expect(all).toHaveLength(1)
    expect(all[0]).toHaveLength(20_000)
    expect(contents(all)[0]?.[19_999]).toBe('19999')
  })
})
