/**
 * Reads a chat-completions stream (`text/event-stream`) from the raw response the SDK opened,
 * one batch of parsed chunks per network read.
 *
 * The SDK's own stream iterator splits lines by copying the rest of its buffer after every
 * event, so its cost grows with the square of a read's size; on a fast server that was about
 * half of Duck's CPU. `eventsource-parser` walks each read once. The SDK still makes the request,
 * sends the key and turns HTTP errors into `APIError`; only the body is read here, with the
 * SDK's rules: `[DONE]` ends the stream, a chunk with an `error` member is an `APIError`, a chunk
 * that is not JSON is a `SyntaxError`.
 */
import { createParser } from 'eventsource-parser'
import { APIError } from 'openai'

/** One parsed `data:` JSON value of the stream (shape checked by the caller). */
export type StreamChunk = Record<string, unknown>

export async function* readChunkBatches(response: Response): AsyncGenerator<StreamChunk[], void, undefined> {
  const body = response.body
  if (body === null) throw new SyntaxError('the model server sent no response body')
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let batch: StreamChunk[] = []
  let ended = false
  // A failure inside a read is raised after the chunks that came before it in the same read.
  const state: { failure: Error | null } = { failure: null }
  const parser = createParser({
    onEvent(message) {
      if (ended) return
      const data = message.data
      if (data.startsWith('[DONE]')) {
        ended = true
        return
      }
      let value: unknown
      try {
        value = JSON.parse(data)
      } catch (error) {
        state.failure = error as Error
        ended = true
        return
      }
      if (typeof value !== 'object' || value === null) {
        state.failure = new SyntaxError('a stream chunk is not a JSON object')
        ended = true
        return
      }
      const chunk = value as StreamChunk
      if (message.event === 'error' || (chunk['error'] !== undefined && chunk['error'] !== null)) {
        const error = chunk['error'] ?? chunk
        state.failure = new APIError(undefined, error as object, undefined, response.headers)
        ended = true
        return
      }
      batch.push(chunk)
    }
  })
  try {
    while (!ended) {
      const read = await reader.read()
      if (read.done) break
      parser.feed(decoder.decode(read.value, { stream: true }))
      if (batch.length > 0) {
        const out = batch
        batch = []
        yield out
      }
      if (state.failure !== null) throw state.failure
    }
  } finally {
    // Ended early (the consumer stopped, a failure, `[DONE]` before the body closed): let go of
    // the connection. A body already read to its end makes this a no-op.
    await reader.cancel().catch(() => undefined)
  }
}
