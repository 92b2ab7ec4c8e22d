/** Reads a `text/event-stream` body and yields `{event, data}` records as they complete. */
export interface SseRecord {
  event: string
  data: string
}

export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseRecord> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n')
      // Walk the complete blocks with an index and cut the buffer once per read (not once per
      // event: a read can hold hundreds of events).
      const records: SseRecord[] = []
      let start = 0
      let boundary = buffer.indexOf('\n\n')
      while (boundary !== -1) {
        const record = parseBlock(buffer.slice(start, boundary))
        if (record) records.push(record)
        start = boundary + 2
        boundary = buffer.indexOf('\n\n', start)
      }
      buffer = buffer.slice(start)
      yield* records
    }
    const last = parseBlock(buffer)
    if (last) yield last
  } finally {
    reader.releaseLock()
  }
}

function parseBlock(block: string): SseRecord | null {
  let event = 'message'
  const data: string[] = []
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') event = value
    else if (field === 'data') data.push(value)
  }
  return data.length > 0 ? { event, data: data.join('\n') } : null
}
