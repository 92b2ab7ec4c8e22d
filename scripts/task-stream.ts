/**
 * Reads a Duck task stream (`POST /v1/chat/stream`) the way the benchmarks measure it: the
 * arrival time of the "thinking" stage, of the first and last content delta, how many deltas
 * and how much text came (the first delta's share too: a fast model's tokens arrive several to a
 * delta), and the `done` block. Times are `performance.now()` at each read.
 */
export interface TaskStreamTimes {
  thinkingAt: number
  first: number
  last: number
  /** Content deltas received. */
  tokens: number
  /** Characters of content in all deltas, and in the first one. */
  chars: number
  firstChars: number
  /** The answer's token count from `done.generation_stats.output_tokens` (0 when absent). */
  outputTokens: number
  done: string
}

export async function readTaskStream(response: Response): Promise<TaskStreamTimes> {
  if (!response.ok || !response.body) throw new Error(`Duck answered ${response.status}`)
  const reader = response.body.getReader()
  const decoder = new TextDecoder()
  const times: TaskStreamTimes = {
    thinkingAt: 0,
    first: 0,
    last: 0,
    tokens: 0,
    chars: 0,
    firstChars: 0,
    outputTokens: 0,
    done: ''
  }
  let buffer = ''
  for (;;) {
    const { value, done: end } = await reader.read()
    if (end) break
    const t = performance.now()
    buffer += decoder.decode(value, { stream: true })
    let start = 0
    let cut = buffer.indexOf('\n\n')
    while (cut !== -1) {
      const block = buffer.slice(start, cut)
      start = cut + 2
      if (block.startsWith('event: content_delta')) {
        const data = JSON.parse(block.slice(block.indexOf('data: ') + 6)) as { delta: string }
        if (times.tokens === 0) {
          times.first = t
          times.firstChars = data.delta.length
        }
        times.chars += data.delta.length
        times.last = t
        times.tokens++
      } else if (block.startsWith('event: runtime_status') && block.includes('"stage":"thinking"')) {
        times.thinkingAt = t
      } else if (block.startsWith('event: done')) {
        times.done = block
        const data = JSON.parse(block.slice(block.indexOf('data: ') + 6)) as {
          generation_stats?: { output_tokens?: number }
        }
        times.outputTokens = data.generation_stats?.output_tokens ?? 0
      }
      cut = buffer.indexOf('\n\n', start)
    }
    buffer = buffer.slice(start)
  }
  if (!times.done.includes('"status":"completed"')) throw new Error(`the task did not complete: ${times.done}`)
  return times
}
