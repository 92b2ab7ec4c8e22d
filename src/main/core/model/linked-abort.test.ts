import { describe, expect, it } from 'vitest'
import { LinkedAbort } from './linked-abort'

/** Counts the abort listeners added to and removed from a signal. */
function counted(signal: AbortSignal): { live: () => number } {
  let live = 0
  const add = signal.addEventListener.bind(signal)
  const remove = signal.removeEventListener.bind(signal)
  signal.addEventListener = ((...args: Parameters<typeof add>) => {
    if (args[0] === 'abort') live++
    add(...args)
  }) as typeof signal.addEventListener
  signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
    if (args[0] === 'abort') live--
    remove(...args)
  }) as typeof signal.removeEventListener
  return { live: () => live }
}

describe('LinkedAbort', () => {
  it('aborts with the reason of the signal it follows', () => {
    const caller = new AbortController()
    const link = new LinkedAbort(caller.signal)
    caller.abort(new Error('stopped by the person'))
    expect(link.signal.aborted).toBe(true)
    expect((link.signal.reason as Error).message).toBe('stopped by the person')
  })

  it('starts aborted when a parent already is', () => {
    const link = new LinkedAbort(undefined, AbortSignal.abort('gone'))
    expect(link.signal.aborted).toBe(true)
    expect(link.signal.reason).toBe('gone')
  })

  it('lets go of the caller’s signal once the request is over, so many requests leave nothing on it', () => {
    const caller = new AbortController()
    const listeners = counted(caller.signal)
    for (let i = 0; i < 1000; i++) {
      const link = new LinkedAbort(caller.signal)
      link.unlink()
    }
    expect(listeners.live()).toBe(0)
    caller.abort()
  })

  it('aborting itself does not abort the caller, and unlinks', () => {
    const caller = new AbortController()
    const listeners = counted(caller.signal)
    const link = new LinkedAbort(caller.signal)
    link.abort(new Error('stalled'))
    expect(link.signal.aborted).toBe(true)
    expect(caller.signal.aborted).toBe(false)
    expect(listeners.live()).toBe(0)
  })

  it('after unlinking, the caller aborting no longer reaches it', () => {
    const caller = new AbortController()
    const link = new LinkedAbort(caller.signal)
    link.unlink()
    caller.abort()
    expect(link.signal.aborted).toBe(false)
  })
})
