/**
 * Splits `<think>…</think>` reasoning out of model content.
 *
 * Servers that parse reasoning themselves (llama.cpp's --reasoning-format, vLLM's reasoning
 * parsers, Ollama, LM Studio) send it in `reasoning_content` / `reasoning`; others pass the raw
 * tags through in the content. Three shapes reach us:
 *   1. `<think>plan</think>answer`        the model opens the tag itself
 *   2. `plan</think>answer`               the chat template opened it in the prompt
 *                                         (DeepSeek-R1, QwQ), so the stream starts inside it
 *   3. `answer`                           no thinking at all
 * Tags may be split across chunks at any character.
 */

const OPEN = '<think>'
const CLOSE = '</think>'

export type ThinkPart = { type: 'reasoning_delta' | 'content_delta'; delta: string }

/**
 * Incremental splitter for streams. Shape 2 can only be told from shape 3 once `</think>`
 * arrives, so the caller says what to assume: with `assumeThinkingAtStart` (used when reasoning
 * was asked for) text before any `</think>` is held back, then sent as reasoning once `</think>`
 * arrives; if the answer instead ends normally without ever closing the block, `flush(true)`
 * sends it as content — so an answer is never lost, and never shown as reasoning first. Without it, content is content unless it
 * starts with `<think>`.
 */
export class ThinkTagParser {
  private state: 'start' | 'thinking' | 'content' = 'start'
  private buffer = ''
  /** Drop leading whitespace of the next emitted piece (after a tag, at the very start). */
  private trimLead = true
  private assumeThinking: boolean
  private impliedThinking = false
  private impliedText = ''
  private emittedContent = false
  /** The content carried raw `<think>` tags (the server does not split reasoning itself). */
  sawRawTags = false
  /** Content that began without a tag may still close an unopened block once (shape 2, unassumed). */
  private unopenedClose = true
  private serverReasoning = false

  constructor(assumeThinkingAtStart = false) {
    this.assumeThinking = assumeThinkingAtStart
  }

  /** The server sent parsed reasoning: content will not start inside an unopened block. */
  noteServerReasoning(): void {
    this.assumeThinking = false
    this.serverReasoning = true
  }

  push(text: string): ThinkPart[] {
    const out: ThinkPart[] = []
    this.buffer += text
    for (;;) {
      if (this.state === 'start') {
        const lead = this.buffer.trimStart()
        if (lead.startsWith(OPEN)) {
          this.buffer = lead.slice(OPEN.length)
          this.sawRawTags = true
          this.unopenedClose = false
          this.enter('thinking')
          continue
        }
        if (OPEN.startsWith(lead)) break // empty, whitespace or a partial "<thi": wait for more
        this.impliedThinking = this.assumeThinking
        this.enter(this.assumeThinking ? 'thinking' : 'content')
        continue
      }
      if (this.state === 'thinking') {
        const end = this.buffer.indexOf(CLOSE)
        if (end >= 0) {
          this.emit(out, 'reasoning_delta', this.buffer.slice(0, end))
          // The close tag proves the assumption: what was held back is reasoning after all.
          if (this.impliedThinking) this.release(out, 'reasoning_delta')
          this.buffer = this.buffer.slice(end + CLOSE.length)
          this.sawRawTags = true
          this.unopenedClose = false
          this.impliedThinking = false
          this.enter('content')
          continue
        }
        const keep = partialSuffix(this.buffer, CLOSE)
        this.emit(out, 'reasoning_delta', this.buffer.slice(0, this.buffer.length - keep))
        this.buffer = this.buffer.slice(this.buffer.length - keep)
        break
      }
      if (this.unopenedClose && !this.serverReasoning) {
        // The template opened the block in the prompt and nobody said so: the first `</think>`
        // ends reasoning that has already gone out as content. What follows is the answer.
        const end = this.buffer.indexOf(CLOSE)
        if (end >= 0) {
          this.emit(out, 'content_delta', this.buffer.slice(0, end))
          this.buffer = this.buffer.slice(end + CLOSE.length)
          this.sawRawTags = true
          this.unopenedClose = false
          this.trimLead = true
          continue
        }
        const keep = partialSuffix(this.buffer, CLOSE)
        this.emit(out, 'content_delta', this.buffer.slice(0, this.buffer.length - keep))
        this.buffer = this.buffer.slice(this.buffer.length - keep)
        break
      }
      this.emit(out, 'content_delta', this.buffer)
      this.buffer = ''
      break
    }
    return out
  }

  /** Emits what is still held back. `completed`: the answer ended normally (finish_reason). */
  flush(completed: boolean): ThinkPart[] {
    const out: ThinkPart[] = []
    const rest = this.buffer
    this.buffer = ''
    if (this.state === 'thinking') {
      this.emit(out, 'reasoning_delta', rest)
      // Never closed: a normal end means it was the answer all along (and it was never shown
      // as reasoning); a cut-off stream keeps it as the reasoning it was taken for.
      if (this.impliedThinking)
        this.release(out, completed && !this.emittedContent ? 'content_delta' : 'reasoning_delta')
    } else {
      this.emit(out, 'content_delta', rest)
    }
    return out
  }

  private enter(state: 'thinking' | 'content'): void {
    this.state = state
    this.trimLead = true
  }

  private emit(out: ThinkPart[], type: ThinkPart['type'], text: string): void {
    let delta = text
    if (this.trimLead) {
      delta = delta.trimStart()
      if (delta === '') return
      this.trimLead = false
    }
    if (delta === '') return
    if (type === 'content_delta') this.emittedContent = true
    else if (this.impliedThinking) {
      // Only assumed: held back until `</think>` or the end says what it was.
      this.impliedText += delta
      return
    }
    out.push({ type, delta })
  }

  private release(out: ThinkPart[], type: ThinkPart['type']): void {
    const text = type === 'content_delta' ? this.impliedText.trim() : this.impliedText
    this.impliedText = ''
    if (text === '') return
    if (type === 'content_delta') this.emittedContent = true
    out.push({ type, delta: text })
  }
}

/** Splits a complete (non-streamed) answer; here shape 2 is known exactly. */
export function splitThink(text: string): { reasoning: string; content: string } {
  const lead = text.trimStart()
  if (lead.startsWith(OPEN)) {
    const body = lead.slice(OPEN.length)
    const end = body.indexOf(CLOSE)
    if (end < 0) return { reasoning: body.trim(), content: '' }
    return { reasoning: body.slice(0, end).trim(), content: body.slice(end + CLOSE.length).trim() }
  }
  const end = text.indexOf(CLOSE)
  if (end >= 0) {
    return { reasoning: text.slice(0, end).trim(), content: text.slice(end + CLOSE.length).trim() }
  }
  return { reasoning: '', content: text }
}

/** Length of the longest suffix of `text` that is a proper prefix of `tag`. */
function partialSuffix(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(tag.slice(0, n))) return n
  }
  return 0
}
