import { useMemo, useState } from 'react'
import type { ConversationSummary } from '../../../shared/dto'
import { dayGroup, type DayGroup } from '../lib/format'
import { useDuck } from '../store'
import {
  deleteConversation,
  openConversation,
  renameConversation,
  searchConversations
} from '../store/actions/conversations'
import { ConfirmDialog } from '../ui/ConfirmDialog'
import { ConversationItem } from './ConversationItem'
import { SearchField } from '../ui/SearchField'

const GROUPS: DayGroup[] = ['Today', 'Yesterday', 'Earlier']

/** Conversations, newest first, grouped Today / Yesterday / Earlier, with search. */
export function ConversationList() {
  const conversations = useDuck((s) => s.conversations)
  const query = useDuck((s) => s.conversationQuery)
  const status = useDuck((s) => s.conversationsStatus)
  const error = useDuck((s) => s.conversationsError)
  const active = useDuck((s) => s.activeConversationId)
  const [deleting, setDeleting] = useState<ConversationSummary | null>(null)
  // Today / Yesterday are reckoned when the list changes (it refreshes after every task).
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const now = useMemo(() => new Date(), [conversations])
  const groups = useMemo(() => {
    const map = new Map<DayGroup, ConversationSummary[]>()
    for (const c of conversations) {
      const group = dayGroup(c.updated_at, now)
      map.set(group, [...(map.get(group) ?? []), c])
    }
    return GROUPS.map((name) => ({ name, items: map.get(name) ?? [] })).filter((g) => g.items.length > 0)
  }, [conversations, now])

  return (
    <div className="conversations">
      <SearchField
        value={query}
        onChange={searchConversations}
        placeholder="Search conversations"
        label="Search conversations"
      />
      <div className="conversations__scroll" aria-label="Conversations" role="region">
        {error && <p className="inline-error small">{error}</p>}
        {status === 'ready' && conversations.length === 0 && (
          <p className="muted small conversations__empty">
            {query ? 'No conversation matches.' : 'No conversations yet.'}
          </p>
        )}
        {groups.map((group) => (
          <section key={group.name} className="conv-group" aria-label={group.name}>
            <h3 className="conv-group__title">{group.name}</h3>
            <ul className="conv-group__list">
              {group.items.map((c) => (
                <ConversationItem
                  key={c.conversation_id}
                  conversation={c}
                  active={c.conversation_id === active}
                  now={now}
                  onOpen={() => void openConversation(c.conversation_id)}
                  onRename={(title) => renameConversation(c.conversation_id, title)}
                  onDelete={() => setDeleting(c)}
                />
              ))}
            </ul>
          </section>
        ))}
      </div>
      {deleting && (
        <ConfirmDialog
          open
          title="Delete this conversation?"
          body={`“${deleting.title}” and its messages will be removed. The command audit keeps its commands.`}
          confirmLabel="Delete"
          onConfirm={() => deleteConversation(deleting.conversation_id)}
          onClose={() => setDeleting(null)}
        />
      )}
    </div>
  )
}
