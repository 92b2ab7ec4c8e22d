import { Brain, ChevronRight } from 'lucide-react'
import { memo, useEffect, useId, useMemo, useRef } from 'react'
import { splitParagraphs } from '../lib/blocks'
import { seconds } from '../lib/format'
import { useNow } from '../lib/useNow'
import { useRemembered } from '../lib/useRemembered'

const Paragraph = memo(function Paragraph({ text }: { text: string }) {
  return <p>{text}</p>
})

function LiveTimer({ since }: { since: number }) {
  const now = useNow(true)
  return <span className="thinking__time">{seconds(Math.max(0, now - since))}</span>
}

/**
 * The model's reasoning above its answer: open with a live timer while it streams, collapsed
 * to "Thought for 4.2 s" once the answer starts; a click reopens it.
 */
export function ThinkingPane({
  taskId,
  reasoning,
  streaming,
  startedAt,
  endedAt
}: {
  /** Whose reasoning: a choice to open or close it is kept for the task. */
  taskId: string
  reasoning: string
  /** Reasoning is arriving and the answer has not started. */
  streaming: boolean
  startedAt: number | null
  endedAt: number | null
}) {
  const [choice, setChoice] = useRemembered<boolean | null>(`thinking:${taskId}`, null)
  const open = choice ?? streaming
  const bodyId = useId()
  const bodyRef = useRef<HTMLDivElement>(null)
  const paragraphs = useMemo(() => (open ? splitParagraphs(reasoning) : []), [open, reasoning])

  useEffect(() => {
    const body = bodyRef.current
    if (body && streaming) body.scrollTop = body.scrollHeight
  }, [reasoning, streaming])

  const thought =
    startedAt === null || endedAt === null
      ? 'Thoughts'
      : endedAt - startedAt < 100
        ? 'Thought briefly'
        : `Thought for ${seconds(endedAt - startedAt)}`
  return (
    <section className={`thinking${open ? ' thinking--open' : ''}`} aria-label="Reasoning">
      <button
        type="button"
        className="thinking__toggle"
        aria-expanded={open}
        aria-controls={bodyId}
        onClick={() => setChoice(!open)}
      >
        <ChevronRight className="thinking__chevron" width={14} height={14} aria-hidden="true" />
        <Brain width={14} height={14} aria-hidden="true" />
        {streaming ? (
          <span className="thinking__label">Thinking… {startedAt !== null && <LiveTimer since={startedAt} />}</span>
        ) : (
          <span className="thinking__label">{thought}</span>
        )}
      </button>
      {open && (
        <div id={bodyId} ref={bodyRef} className="thinking__body" tabIndex={0} aria-live="off">
          {paragraphs.map((text, i) => (
            <Paragraph key={i} text={text} />
          ))}
        </div>
      )}
    </section>
  )
}
