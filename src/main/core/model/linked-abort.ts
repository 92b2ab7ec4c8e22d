/**
 * An AbortController that follows other signals and lets go of them when unlinked.
 *
 * Used instead of `AbortSignal.any()` for signals handed to `fetch`, the openai SDK or
 * node-llama-cpp: in Node 20, a signal from `AbortSignal.any()` that has an `abort` listener is
 * held in a process-wide set until that listener is removed or the signal aborts, and those
 * libraries add listeners they never remove. So every request that was not cancelled kept its
 * signal, its listeners and all they reached (about 1 KiB per task) for the life of the process.
 * A plain controller is only held by whoever uses it, and `unlink()` takes its listener off the
 * longer-lived signals it follows.
 */
export class LinkedAbort {
  private readonly controller = new AbortController()
  private readonly links: { parent: AbortSignal; follow: () => void }[] = []

  constructor(...parents: (AbortSignal | undefined)[]) {
    for (const parent of parents) {
      if (parent === undefined) continue
      if (parent.aborted) {
        this.abort(parent.reason)
        return
      }
      const follow = (): void => this.abort(parent.reason)
      parent.addEventListener('abort', follow, { once: true })
      this.links.push({ parent, follow })
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal
  }

  /** Aborts this signal (not the ones it follows) and unlinks it. */
  abort(reason?: unknown): void {
    this.unlink()
    this.controller.abort(reason)
  }

  /** Stops following the parent signals (call when the work ends, however it ends). */
  unlink(): void {
    for (const { parent, follow } of this.links.splice(0)) parent.removeEventListener('abort', follow)
  }
}
