import type { GenerationStats } from '../../../shared/events'

interface Segment {
  /** Arrival times of token-bearing deltas, and how many tokens each carried. */
  times: number[]
  counts: number[]
  /** Completion tokens the server reported for this request, when it did. */
  usage?: number
  /** The engine's or server's own decode count and time for this request, when it sent them. */
  engine?: EngineTimings
}

export interface EngineTimings {
  /** Tokens generated. */
  outputTokens: number
  /** The time the engine spent generating them (llama.cpp's `predicted_ms`), prompt processing apart. */
  decodeMs: number
  /** Prompt processing time, when known. */
  promptMs?: number
}

const MIN_WINDOW_MS = 250
const MAX_WINDOW_MS = 1000
/** A client-side window needs this many tokens as well: one burst of chunks is not a rate. */
const MIN_WINDOW_TOKENS = 8

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
 *
 * The engine's own counts win: when llama.cpp sends `timings` (or the built-in engine reports
 * its decode time), avg is its tokens / decode time, and the client windows only widen min/max
 * around it. Without them, a window counts only when it holds at least 8 tokens over at least
 * 250 ms, so a short answer delivered in one burst gets no rate rather than a wrong one.
 */
export class GenerationMeter {
  private readonly now: () => number
  private startedAt: number | null = null
  private firstTokenAt: number | null = null
  private readonly segments: Segment[] = []
  private truncated = false

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

  /** The engine's own count and decode time for the current request (preferred over client timing). */
  recordEngineTimings(timings: EngineTimings): void {
    if (!(timings.outputTokens >= 0) || !(timings.decodeMs >= 0)) return
    if (this.segments.length === 0) this.start()
    const segment = this.current()
    segment.engine = { ...timings }
    segment.usage = timings.outputTokens
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
      const engine = segment.engine
      if (engine !== undefined) {
        // As llama.cpp reports it: `outputTokens` generated in `decodeMs` (prompt time apart).
        if (engine.outputTokens > 0 && engine.decodeMs > 0) {
          decodeTokens += engine.outputTokens
          decodeMs += engine.decodeMs
          const rate = engine.outputTokens / (engine.decodeMs / 1000)
          rates.push(rate)
          const span = clientSpan(segment)
          if (span !== null && counted > 0) {
            // Client windows widen min/max only when they are long enough to mean something.
            rates.push(...windowRates(segment, span.first, span.span, tokens / counted))
          }
        }
        continue
      }
      const span = clientSpan(segment)
      if (span === null || counted === 0) continue
      const scale = tokens / counted
      const windows = windowRates(segment, span.first, span.span, scale)
      if (windows.length === 0) continue
      decodeTokens += (counted - (segment.counts[0] ?? 0)) * scale
      decodeMs += span.span
      rates.push(...windows)
    }
    const hasRates = decodeMs > 0 && rates.length > 0
    const avg = hasRates ? decodeTokens / (decodeMs / 1000) : null
    return {
      output_tokens: Math.round(outputTokens),
      ttft_ms:
        this.startedAt !== null && this.firstTokenAt !== null
          ? Math.max(0, Math.round(this.firstTokenAt - this.startedAt))
          : null,
      duration_ms: this.startedAt !== null ? Math.max(0, Math.round(end - this.startedAt)) : 0,
      min_tokens_per_second: avg !== null ? round1(Math.min(avg, ...rates)) : null,
      avg_tokens_per_second: avg !== null ? round1(avg) : null,
      max_tokens_per_second: avg !== null ? round1(Math.max(avg, ...rates)) : null,
      truncated: this.truncated
    }
  }

  /** Marks the answer as cut off by a length or context limit. */
  markTruncated(): void {
    this.truncated = true
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
  let held = 0
  for (let i = 1; i < times.length; i++) {
    held += counts[i] ?? 0
    if ((times[i] ?? first) - (times[open] ?? first) >= target && held >= MIN_WINDOW_TOKENS) {
      bounds.push([open, i])
      open = i
      held = 0
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
    if (!(width >= MIN_WINDOW_MS)) continue
    let tokens = 0
    for (let i = from + 1; i <= to; i++) tokens += counts[i] ?? 0
    if (tokens < MIN_WINDOW_TOKENS) continue
    rates.push((tokens * scale) / (width / 1000))
  }
  return rates
}

/** The first and last arrival of a segment's deltas, when there are two or more spread over time. */
function clientSpan(segment: Segment): { first: number; span: number } | null {
  const first = segment.times[0]
  const last = segment.times[segment.times.length - 1]
  if (first === undefined || last === undefined || segment.times.length < 2) return null
  const span = last - first
  return span > 0 ? { first, span } : null
}

function sum(values: number[]): number {
  let total = 0
  for (const value of values) total += value
  return total
}

function round1(value: number): number {
  return Math.round(value * 10) / 10
}
