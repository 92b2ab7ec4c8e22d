import { useCallback, useEffect, useRef } from 'react'

/**
 * Keeps a scroll container pinned to its bottom while its content grows, unless the person
 * scrolled up to read; scrolling back down pins it again.
 */
export function useStickToBottom<T extends HTMLElement, C extends HTMLElement>(resetKey: string) {
  const scrollRef = useRef<T>(null)
  const contentRef = useRef<C>(null)
  const stuck = useRef(true)

  const onScroll = useCallback(() => {
    const el = scrollRef.current
    if (!el) return
    stuck.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48
  }, [])

  useEffect(() => {
    stuck.current = true
    const el = scrollRef.current
    const content = contentRef.current
    if (!el || !content) return
    el.scrollTop = el.scrollHeight
    const observer = new ResizeObserver(() => {
      if (stuck.current) el.scrollTop = el.scrollHeight
    })
    observer.observe(content)
    return () => observer.disconnect()
  }, [resetKey])

  /** Pins to the bottom again (the person sent a message). */
  const pin = useCallback(() => {
    stuck.current = true
    const el = scrollRef.current
    if (el) el.scrollTop = el.scrollHeight
  }, [])

  return { scrollRef, contentRef, onScroll, pin }
}
