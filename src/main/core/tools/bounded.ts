/**
 * Bounding tool output for events and prompts: keep the head and the tail, and say plainly
 * how much was left out in between.
 */

/** Formats a count with thousands separators, e.g. 12345 → "12,345". */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US')
}

/** The marker put between head and tail, e.g. `\n… [12,345 characters omitted] …\n`. */
export function omissionMarker(omitted: number): string {
  return `\n… [${formatCount(omitted)} characters omitted] …\n`
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff
}

/** `head` without a trailing lone high surrogate (half of a split pair). */
function trimHead(head: string): string {
  return head.length > 0 && isHighSurrogate(head.charCodeAt(head.length - 1)) ? head.slice(0, -1) : head
}

/** `tail` without a leading lone low surrogate (half of a split pair). */
function trimTail(tail: string): string {
  return tail.length > 0 && isLowSurrogate(tail.charCodeAt(0)) ? tail.slice(1) : tail
}

function splitBudget(maxChars: number): { headMax: number; tailMax: number } {
  const max = Math.max(0, Math.floor(maxChars))
  const headMax = Math.ceil(max / 2)
  return { headMax, tailMax: max - headMax }
}

function join(head: string, tail: string, total: number): string {
  const h = trimHead(head)
  const t = trimTail(tail)
  return h + omissionMarker(total - h.length - t.length) + t
}

/**
 * Returns `text` unchanged when it has at most `maxChars` characters; otherwise its first
 * and last `maxChars / 2` characters with a marker in between saying how many were omitted.
 * The marker itself is not counted in `maxChars`.
 */
export function boundOutput(text: string, maxChars: number): string {
  const { headMax, tailMax } = splitBudget(maxChars)
  if (text.length <= headMax + tailMax) return text
  const head = text.slice(0, headMax)
  const tail = tailMax > 0 ? text.slice(text.length - tailMax) : ''
  return join(head, tail, text.length)
}

/**
 * A streaming collector that keeps the first `maxChars / 2` and the last `maxChars / 2`
 * characters of everything appended, in bounded memory (at most about `1.5 × maxChars`
 * characters are held, however much is appended). `toString()` gives the same result as
 * `boundOutput(everything, maxChars)`.
 */
export class BoundedBuffer {
  private readonly headMax: number
  private readonly tailMax: number
  private head = ''
  /** The most recent characters after the head; trimmed to `tailMax` lazily. */
  private tail = ''
  private total = 0

  constructor(readonly maxChars: number) {
    const { headMax, tailMax } = splitBudget(maxChars)
    this.headMax = headMax
    this.tailMax = tailMax
  }

  /** How many characters were appended in all (kept or not). */
  get totalChars(): number {
    return this.total
  }

  /** True once more was appended than can be kept. */
  get truncated(): boolean {
    return this.total > this.headMax + this.tailMax
  }

  append(chunk: string): void {
    if (chunk.length === 0) return
    this.total += chunk.length
    let rest = chunk
    if (this.head.length < this.headMax) {
      const room = this.headMax - this.head.length
      this.head += rest.slice(0, room)
      rest = rest.slice(room)
      if (rest.length === 0) return
    }
    if (this.tailMax === 0) return
    if (rest.length >= this.tailMax) {
      this.tail = rest.slice(rest.length - this.tailMax)
      return
    }
    this.tail += rest
    // Trim only once the tail has grown to twice its budget, so appends stay amortized O(1).
    if (this.tail.length > this.tailMax * 2) this.tail = this.tail.slice(this.tail.length - this.tailMax)
  }

  toString(): string {
    if (!this.truncated) return this.head + this.tail
    const tail = this.tail.length > this.tailMax ? this.tail.slice(this.tail.length - this.tailMax) : this.tail
    return join(this.head, tail, this.total)
  }
}
