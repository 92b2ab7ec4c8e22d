import { useCallback, useEffect, useRef } from 'react'

/**
 * Keeps a scroll container pinned to its bottom while its content grows, unless the person
 * scrolled up to read; scrolling back down pins it again.
 */
export function useStickToBottom<T extends HTMLElement, C extends HTMLElement>(resetKey: string) {
  const scrollRef = useRef<T>(null)
  const contentRef = useRef<C>(null)
  const stuck = useRef(true)
  const lastTop = useRef(0)

  // Only a move up lets go of the bottom: content that grew between a pin and its scroll
  // event (an answer streaming fast) must not read as the person scrolling away.
  const onScroll = useCallback(() => {
    const el = scrollRef.current
    if (!el) return
    if (el.scrollHeight - el.scrollTop - el.clientHeight < 48) stuck.current = true
    else if (el.scrollTop < lastTop.current - 1) stuck.current = false
    lastTop.current = el.scrollTop
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
