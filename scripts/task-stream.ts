/**
 * Reads a Duck task stream (`POST /v1/chat/stream`) the way the benchmarks measure it: the
 * arrival time of the "thinking" stage, of the first and last content delta, their count, and
 * the `done` block. Times are `performance.now()` at each read.
 */
export interface TaskStreamTimes {
  thinkingAt: number
  first: number
  last: number
  tokens: number
  done: string
}

export async function readTaskStream(response: Response): Promise<TaskStreamTimes> {
  if (!response.ok || !response.body) throw new Error(`Duck answered ${response.status}`)
  const reader = response.body.getReader()
  const decoder = new TextDecoder()
  const times: TaskStreamTimes = { thinkingAt: 0, first: 0, last: 0, tokens: 0, done: '' }
  let buffer = ''
  for (;;) {
    const { value, done: end } = await reader.read()
    if (end) break
    const t = performance.now()
    buffer += decoder.decode(value, { stream: true })
    let cut = buffer.indexOf('\n\n')
    while (cut !== -1) {
      const block = buffer.slice(0, cut)
      buffer = buffer.slice(cut + 2)
      if (block.startsWith('event: content_delta')) {
        if (times.tokens === 0) times.first = t
        times.last = t
        times.tokens++
      } else if (block.startsWith('event: runtime_status') && block.includes('"stage":"thinking"')) {
        times.thinkingAt = t
      } else if (block.startsWith('event: done')) {
        times.done = block
      }
      cut = buffer.indexOf('\n\n')
    }
  }
  if (!times.done.includes('"status":"completed"')) throw new Error(`the task did not complete: ${times.done}`)
  return times
}
