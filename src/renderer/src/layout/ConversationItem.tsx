import { Pencil, Trash2 } from 'lucide-react'
import { useState, type KeyboardEvent } from 'react'
import type { ConversationSummary } from '../../../shared/dto'
import { relativeTime } from '../lib/format'

/** One conversation in the sidebar: title, relative time, a badge while it waits; rename and delete. */
export function ConversationItem({
  conversation,
  active,
  now,
  onOpen,
  onRename,
  onDelete
}: {
  conversation: ConversationSummary
  active: boolean
  now: Date
  onOpen: () => void
  onRename: (title: string) => Promise<string | null>
  onDelete: () => void
}) {
  const [editing, setEditing] = useState(false)
  const [title, setTitle] = useState(conversation.title)
  const [error, setError] = useState<string | null>(null)

  const save = async (): Promise<void> => {
    const next = title.trim()
    if (!next || next === conversation.title) {
      setEditing(false)
      return
    }
    const problem = await onRename(next)
    if (problem) setError(problem)
    else setEditing(false)
  }
  const onKey = (event: KeyboardEvent<HTMLInputElement>): void => {
    if (event.key === 'Enter') void save()
    if (event.key === 'Escape') {
      event.stopPropagation()
      setTitle(conversation.title)
      setEditing(false)
    }
  }

  if (editing) {
    return (
      <li className="conv conv--editing">
        <input
          className="input input--small"
          aria-label="Conversation title"
          value={title}
          autoFocus
          onChange={(e) => setTitle(e.target.value)}
          onKeyDown={onKey}
          onBlur={() => void save()}
          maxLength={200}
        />
        {error && <p className="inline-error small">{error}</p>}
      </li>
    )
  }
  return (
    <li className={`conv${active ? ' conv--active' : ''}`}>
      <button
        type="button"
        className="conv__open"
        onClick={onOpen}
        aria-current={active ? 'page' : undefined}
        aria-label={conversation.waiting ? `${conversation.title} (waiting for you)` : conversation.title}
        title={conversation.title}
      >
        <span className="conv__title">{conversation.title}</span>
        {conversation.waiting && (
          <span className="conv__badge" title="Waiting for your approval">
            Waiting
          </span>
        )}
        <span className="conv__time">{relativeTime(conversation.updated_at, now)}</span>
      </button>
      <span className="conv__actions">
        <button
          type="button"
          className="icon-button"
          aria-label={`Rename ${conversation.title}`}
          onClick={() => {
            setTitle(conversation.title)
            setError(null)
            setEditing(true)
          }}
        >
          <Pencil width={13} height={13} aria-hidden="true" />
        </button>
        <button type="button" className="icon-button" aria-label={`Delete ${conversation.title}`} onClick={onDelete}>
          <Trash2 width={13} height={13} aria-hidden="true" />
        </button>
      </span>
    </li>
  )
}
