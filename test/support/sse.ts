export interface WireEvent {
  event: string
  data: Record<string, unknown>
}

/** Splits a `text/event-stream` body into its events. */
export function parseSse(body: string): WireEvent[] {
  return body
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      let event = 'message'
      const data: string[] = []
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim()
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart())
      }
      return { event, data: JSON.parse(data.join('\n')) as Record<string, unknown> }
    })
}
