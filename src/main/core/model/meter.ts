import type { GenerationStats } from '../../../shared/events'

interface Segment {
  /** Arrival times of token-bearing deltas, and how many tokens each carried. */
  times: number[]
  counts: number[]
  /** Completion tokens the server reported for this request, when it did. */
  usage?: number
}

const MIN_WINDOW_MS = 250
const MAX_WINDOW_MS = 1000

/**
 * Measures one task's generation: time to first token, duration, and tokens per second.
 *
 * Usage: `start()` when a request is sent, `onToken()` for every content or reasoning delta
 * that arrives (one delta ≈ one token), `finish()` at the end. One meter may span several
 * requests (e.g. a plan and then the answer): every `start()` begins a new request segment, the
 * first one marks the beginning of `ttft_ms` and `duration_ms`, and rates are computed inside
 * segments so the pauses between requests (tool runs) do not count as slow generation.
 *
 * Rates (decode speed, the first delta of each request excluded, since it carries the prompt
 * processing time instead):
 *   - avg = tokens after the first delta / (last arrival − first arrival), over all segments;
 *   - min/max = over consecutive windows of each segment, each at least 250 ms to 1 s wide
 *     (span / 10, clamped), so bursty network delivery is smoothed out; avg always lies
 *     between min and max;
 *   - null when no request saw at least two deltas spread over time.
 * When the server reports usage, its token count is used and the rates are scaled to it
 * (some servers pack several tokens into one delta).
 */
export class GenerationMeter {
  private readonly now: () => number
  private startedAt: number | null = null
  private firstTokenAt: number | null = null
  private readonly segments: Segment[] = []

  constructor(now: () => number = () => performance.now()) {
    this.now = now
  }

  /** Call when a request is sent. */
  start(): void {
    const at = this.now()
    if (this.startedAt === null) this.startedAt = at
    this.segments.push({ times: [], counts: [] })
  }

  /** Call for each content or reasoning delta received. */
  onToken(count = 1): void {
    if (!(count > 0)) return
    if (this.segments.length === 0) this.start()
    const at = this.now()
    if (this.firstTokenAt === null) this.firstTokenAt = at
    const segment = this.current()
    segment.times.push(at)
    segment.counts.push(count)
  }

  /** The completion tokens the server reported for the current request. */
  recordUsage(completionTokens: number): void {
    if (!Number.isFinite(completionTokens) || completionTokens < 0) return
    if (this.segments.length === 0) this.start()
    this.current().usage = completionTokens
  }

  /** The stats so far; `usageCompletionTokens` is recorded for the current request first. */
  finish(usageCompletionTokens?: number): GenerationStats {
    if (usageCompletionTokens !== undefined) this.recordUsage(usageCompletionTokens)
    const end = this.now()
    let outputTokens = 0
    let decodeTokens = 0
    let decodeMs = 0
    const rates: number[] = []
    for (const segment of this.segments) {
      const counted = sum(segment.counts)
      const tokens = segment.usage ?? counted
      outputTokens += tokens
      const first = segment.times[0]
      const last = segment.times[segment.times.length - 1]
      if (first === undefined || last === undefined || segment.times.length < 2 || counted === 0) {
        continue
      }
      const span = last - first
      if (!(span > 0)) continue
      const scale = tokens / counted
      decodeTokens += (counted - (segment.counts[0] ?? 0)) * scale
      decodeMs += span
      rates.push(...windowRates(segment, first, span, scale))
    }
    const hasRates = decodeMs > 0 && rates.length > 0
    return {
      output_tokens: Math.round(outputTokens),
      ttft_ms:
        this.startedAt !== null && this.firstTokenAt !== null
          ? Math.max(0, Math.round(this.firstTokenAt - this.startedAt))
          : null,
      duration_ms: this.startedAt !== null ? Math.max(0, Math.round(end - this.startedAt)) : 0,
      min_tokens_per_second: hasRates ? round1(Math.min(...rates)) : null,
      avg_tokens_per_second: hasRates ? round1(decodeTokens / (decodeMs / 1000)) : null,
      max_tokens_per_second: hasRates ? round1(Math.max(...rates)) : null
    }
  }

  private current(): Segment {
    const segment = this.segments[this.segments.length - 1]
    if (segment === undefined) throw new Error('GenerationMeter: no request started')
    return segment
  }
}

/**
 * Tokens per second over consecutive windows of (first, last]. Windows start and end at
 * arrivals (a window closes at the first arrival at least `target` ms after it opened; a short
 * rest joins the last window), so a steady stream gives its exact rate instead of alternating
 * between neighbouring values as fixed clock windows would. The windows cover the span exactly,
 * so the overall average lies between their min and max.
 */
function windowRates(segment: Segment, first: number, span: number, scale: number): number[] {
  const target = Math.min(MAX_WINDOW_MS, Math.max(MIN_WINDOW_MS, span / 10))
  const { times, counts } = segment
  const bounds: Array<[number, number]> = []
  let open = 0
  for (let i = 1; i < times.length; i++) {
    if ((times[i] ?? first) - (times[open] ?? first) >= target) {
      bounds.push([open, i])
      open = i
    }
  }
  const lastIndex = times.length - 1
  if (open < lastIndex) {
    const previous = bounds[bounds.length - 1]
    if (previous !== undefined) previous[1] = lastIndex
    else bounds.push([open, lastIndex])
  }
  const rates: number[] = []
  for (const [from, to] of bounds) {
    const width = (times[to] ?? first) - (times[from] ?? first)
    if (!(width > 0)) continue
    let tokens = 0
    for (let i = from + 1; i <= to; i++) tokens += counts[i] ?? 0
    rates.push((tokens * scale) / (width / 1000))
  }
  return rates
}

function sum(values: number[]): number {
  let total = 0
  for (const value of values) total += value
  return total
}

function round1(value: number): number {
  return Math.round(value * 10) / 10
}
