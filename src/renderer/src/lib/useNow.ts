import { useSyncExternalStore } from 'react'

let now = performance.now()
const subscribers = new Set<() => void>()
let timer = 0

function subscribe(callback: () => void): () => void {
  subscribers.add(callback)
  if (timer === 0) {
    timer = window.setInterval(() => {
      now = performance.now()
      for (const notify of subscribers) notify()
    }, 100)
  }
  return () => {
    subscribers.delete(callback)
    if (subscribers.size === 0) {
      window.clearInterval(timer)
      timer = 0
    }
  }
}

const getSnapshot = (): number => now
const noSubscribe = (): (() => void) => () => undefined

/** performance.now(), refreshed every 100 ms while `active` (a live timer). */
export function useNow(active: boolean): number {
  return useSyncExternalStore(active ? subscribe : noSubscribe, getSnapshot)
}
