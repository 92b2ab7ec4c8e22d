import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual'
import { memo, useCallback, useLayoutEffect, useRef, useState, type FocusEvent, type RefObject } from 'react'
import { threadItemKey, useDuck, type ThreadItem } from '../store'
import { Turn, UserMessage } from './Turn'

/** Space between turns (the column's --space-4). */
const GAP = 16
/** Turns rendered beyond each edge of the view. */
const OVERSCAN = 2

/**
 * Heights measured in this window, by item, for the column width they were measured at: a
 * conversation opened again starts from real sizes instead of estimates.
 */
const measured = new Map<string, number>()
let measuredWidth = 0

/** Lines of about `perLine` characters the text wraps to. */
function lines(text: string, perLine: number): number {
  let count = 0
  for (const line of text.split('\n')) count += Math.max(1, Math.ceil(line.length / perLine))
  return count
}

/** A first guess at an item's height, before it is measured (about 90 characters a line). */
function estimate(item: ThreadItem): number {
  const known = measured.get(threadItemKey(item))
  if (known !== undefined) return known
  if (item.kind === 'message') return 20 + 24 * lines(item.message.content, 70)
  const task = useDuck.getState().tasks[item.task_id]
  if (!task) return 120
  const request = task.request ? 36 + 24 * lines(task.request, 70) : 0
  // Markdown: blank lines between blocks become margins, headings and code are taller.
  const answer = task.content ? 24 * lines(task.content, 90) : 24
  return request + answer + 32 + task.tools.length * 120
}

/** How far the scroll container's content is scrolled before the list starts. */
function offsetWithin(list: HTMLElement, scroll: HTMLElement): number {
  return list.getBoundingClientRect().top - scroll.getBoundingClientRect().top + scroll.scrollTop
}

/**
 * The turns of a conversation, virtualised: only the turns in view (and a couple either side)
 * are in the DOM, each measured as it renders and again whenever it resizes (an answer
 * streaming, a pane opened), so a conversation of hundreds of turns costs what a few do.
 * Turns keep their places in normal flow with spacers before them, so a turn growing pushes
 * the rest down at once, and the stick-to-bottom observer of the column sees it in the same
 * frame. The turn holding focus stays mounted while it is scrolled away.
 *
 * Mounted once per conversation (keyed by the caller): it starts at the bottom.
 */
export const Thread = memo(function Thread({
  items,
  lastTaskId,
  busy,
  scrollRef
}: {
  /** Tasks and the user's messages, oldest first. */
  items: ThreadItem[]
  /** The conversation's last task: only its error offers a retry. */
  lastTaskId: string | null
  /** A task of the conversation is running (its answer may be streaming at the end). */
  busy: boolean
  scrollRef: RefObject<HTMLDivElement | null>
}) {
  const listRef = useRef<HTMLDivElement>(null)
  const [margin, setMargin] = useState(0)
  const focused = useRef<string | null>(null)

  const keyOf = useCallback((index: number) => threadItemKey(items[index] as ThreadItem), [items])
  const rangeExtractor = useCallback(
    (range: Range) => {
      const indexes = defaultRangeExtractor(range)
      const key = focused.current
      if (key === null) return indexes
      const index = items.findIndex((item) => threadItemKey(item) === key)
      if (index < 0 || indexes.includes(index)) return indexes
      return [...indexes, index].sort((a, b) => a - b)
    },
    [items]
  )

  const firstKey = useRef<string | null>(null)
  const virtualizer = useVirtualizer<HTMLDivElement, HTMLDivElement>({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => estimate(items[index] as ThreadItem),
    getItemKey: keyOf,
    rangeExtractor,
    overscan: OVERSCAN,
    gap: GAP,
    scrollMargin: margin,
    // Open at the end of the conversation, where its latest answer is.
    initialOffset: () => Number.MAX_SAFE_INTEGER,
    measureElement: (element, entry) => {
      const box = entry?.borderBoxSize[0] ?? element.getBoundingClientRect()
      const size = 'blockSize' in box ? box.blockSize : box.height
      const width = 'inlineSize' in box ? box.inlineSize : box.width
      if (width !== measuredWidth) {
        measured.clear()
        measuredWidth = width
      }
      const key = element.getAttribute('data-key')
      if (key) measured.set(key, size)
      return size
    }
  })

  // Older turns put in front (a page read when the person reached the top): the turn that was
  // first stays at the top of the view, where it was.
  useLayoutEffect(() => {
    const previous = firstKey.current
    firstKey.current = items[0] ? threadItemKey(items[0]) : null
    if (previous === null || previous === firstKey.current) return
    const index = items.findIndex((item) => threadItemKey(item) === previous)
    if (index > 0) virtualizer.scrollToIndex(index, { align: 'start' })
  }, [items, virtualizer])

  // Where the list starts in the scroll container (the column's padding, a notice above it).
  useLayoutEffect(() => {
    const list = listRef.current
    const scroll = scrollRef.current
    if (!list || !scroll) return
    const update = (): void => setMargin(Math.round(offsetWithin(list, scroll)))
    update()
    const observer = new ResizeObserver(update)
    if (list.parentElement) observer.observe(list.parentElement)
    return () => observer.disconnect()
  }, [scrollRef])

  const onFocus = useCallback((event: FocusEvent<HTMLDivElement>) => {
    const item = (event.target as HTMLElement).closest<HTMLElement>('[data-key]')
    focused.current = item?.dataset.key ?? null
  }, [])
  const onBlur = useCallback((event: FocusEvent<HTMLDivElement>) => {
    const next = event.relatedTarget as Node | null
    if (!next || !event.currentTarget.contains(next)) focused.current = null
  }, [])

  const virtualItems = virtualizer.getVirtualItems()
  const total = virtualizer.getTotalSize()
  let end = margin
  const last = virtualItems.at(-1)
  return (
    <div
      ref={listRef}
      className="thread"
      role="feed"
      aria-label="Conversation"
      aria-busy={busy}
      style={{ paddingBottom: last ? Math.max(0, total - (last.end - margin)) : total }}
      onFocus={onFocus}
      onBlur={onBlur}
    >
      {virtualItems.map((virtual) => {
        const item = items[virtual.index] as ThreadItem
        const space = Math.max(0, virtual.start - end)
        end = virtual.end
        return (
          <div
            key={virtual.key}
            ref={virtualizer.measureElement}
            className="thread__item"
            role="article"
            aria-posinset={virtual.index + 1}
            aria-setsize={items.length}
            data-index={virtual.index}
            data-key={virtual.key}
            style={{ marginTop: space }}
          >
            {item.kind === 'task' ? (
              <Turn taskId={item.task_id} last={item.task_id === lastTaskId} />
            ) : (
              <UserMessage text={item.message.content} />
            )}
          </div>
        )
      })}
    </div>
  )
})
