import { useCallback, useState } from 'react'

const remembered = new Map<string, unknown>()
/** Enough for every disclosure a person opens in a session; the oldest choices go first. */
const LIMIT = 5000

/**
 * A piece of view state that outlives its component: a thread only keeps the turns in view
 * mounted, so a pane opened in a turn scrolled away must still be open when it comes back.
 */
export function useRemembered<T>(key: string, initial: T): [T, (value: T) => void] {
  const [value, setValue] = useState<T>(() => (remembered.has(key) ? (remembered.get(key) as T) : initial))
  const set = useCallback(
    (next: T) => {
      remembered.delete(key)
      remembered.set(key, next)
      if (remembered.size > LIMIT) remembered.delete(remembered.keys().next().value as string)
      setValue(next)
    },
    [key]
  )
  return [value, set]
}
