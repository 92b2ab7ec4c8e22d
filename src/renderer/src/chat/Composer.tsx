import { ArrowUp, Square } from 'lucide-react'
import { useEffect, useLayoutEffect, useRef, type KeyboardEvent } from 'react'
import { setComposerBox } from '../lib/composerFocus'

const MAX_LINES = 8

/**
 * The message box: Enter sends, Shift+Enter adds a line, grows to about eight lines;
 * Stop replaces Send while a task runs: one button whose label and action change (never a new
 * element that drops focus). A click on it leaves focus in the box, ready for the next message.
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

  useEffect(() => {
    setComposerBox(ref.current)
    return () => setComposerBox(null)
  }, [])

  const send = (): void => {
    if (disabled || running || draft.trim() === '') return
    onSend(draft)
  }
  const stopping = running && onStop !== null
  const click = (): void => {
    if (stopping) onStop?.()
    else send()
    // The button is disabled until the task starts or after it stopped: focus stays in the box.
    ref.current?.focus()
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
        <button
          type="button"
          className={stopping ? 'composer__button composer__button--stop' : 'composer__button'}
          onClick={click}
          disabled={!stopping && (disabled || running || draft.trim() === '')}
          aria-label={stopping ? 'Stop' : 'Send'}
          title={stopping ? 'Stop' : 'Send (Enter)'}
        >
          {stopping ? (
            <Square width={14} height={14} aria-hidden="true" fill="currentColor" />
          ) : (
            <ArrowUp width={16} height={16} aria-hidden="true" />
          )}
        </button>
      </div>
      <p className="composer__hint">
        <kbd>Enter</kbd> to send · <kbd>Shift</kbd>+<kbd>Enter</kbd> for a new line
      </p>
    </div>
  )
}
