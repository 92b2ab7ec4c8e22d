/** The last lines a server wrote to stderr (and its log messages), bounded in lines and characters. */
export class RingBuffer {
  private lines: string[] = []
  private partial = ''

  constructor(
    private readonly maxLines = 200,
    private readonly maxLineChars = 2000,
    /** Applied to every line before it is kept (secrets out). */
    private readonly filter: (line: string) => string = (line) => line
  ) {}

  /** A chunk of a stream: complete lines are kept, the rest waits for its newline. */
  write(chunk: string): void {
    const text = this.partial + chunk
    const parts = text.split(/\r?\n/)
    this.partial = (parts.pop() ?? '').slice(-this.maxLineChars)
    for (const line of parts) this.push(line)
  }

  push(line: string): void {
    // Control characters (ANSI colours, NUL) are dropped: the text is shown in the window.
    // eslint-disable-next-line no-control-regex
    const clean = this.filter(line.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, ''))
    if (clean.trim() === '') return
    this.lines.push(clean.length > this.maxLineChars ? `${clean.slice(0, this.maxLineChars)}…` : clean)
    if (this.lines.length > this.maxLines) this.lines.splice(0, this.lines.length - this.maxLines)
  }

  tail(count = 20): string[] {
    const all = this.partial.trim() ? [...this.lines, this.filter(this.partial)] : this.lines
    return all.slice(-count)
  }
}
