import { ArrowUp, Square } from 'lucide-react'
import { useEffect, useLayoutEffect, useRef, type KeyboardEvent } from 'react'

const MAX_LINES = 8

/**
 * The message box: Enter sends, Shift+Enter adds a line, grows to about eight lines;
 * Stop replaces Send while a task runs.
 */
export function Composer({
  draft,
  onDraft,
  onSend,
  onStop,
  running,
  disabled,
  placeholder,
  focusKey
}: {
  draft: string
  onDraft: (text: string) => void
  onSend: (text: string) => void
  onStop: (() => void) | null
  running: boolean
  disabled: boolean
  placeholder: string
  /** Focus moves to the box when this changes (another conversation). */
  focusKey: string
}) {
  const ref = useRef<HTMLTextAreaElement>(null)

  useLayoutEffect(() => {
    const box = ref.current
    if (!box) return
    box.style.height = 'auto'
    const style = getComputedStyle(box)
    const line = parseFloat(style.lineHeight) || 21
    const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom)
    box.style.height = `${Math.min(box.scrollHeight, line * MAX_LINES + padding)}px`
  }, [draft])

  useEffect(() => {
    ref.current?.focus()
  }, [focusKey])

  const send = (): void => {
    if (disabled || running || draft.trim() === '') return
    onSend(draft)
  }
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault()
      send()
    }
  }
  return (
    <div className="composer">
      <div className="composer__box">
        <textarea
          ref={ref}
          className="composer__input"
          rows={1}
          value={draft}
          placeholder={placeholder}
          aria-label="Message Duck"
          disabled={disabled}
          onChange={(e) => onDraft(e.target.value)}
          onKeyDown={onKeyDown}
        />
        {running && onStop ? (
          <button
            type="button"
            className="composer__button composer__button--stop"
            onClick={onStop}
            aria-label="Stop"
            title="Stop"
          >
            <Square width={14} height={14} aria-hidden="true" fill="currentColor" />
          </button>
        ) : (
          <button
            type="button"
            className="composer__button"
            onClick={send}
            disabled={disabled || running || draft.trim() === ''}
            aria-label="Send"
            title="Send (Enter)"
          >
            <ArrowUp width={16} height={16} aria-hidden="true" />
          </button>
        )}
      </div>
      <p className="composer__hint">
        <kbd>Enter</kbd> to send · <kbd>Shift</kbd>+<kbd>Enter</kbd> for a new line
      </p>
    </div>
  )
}
