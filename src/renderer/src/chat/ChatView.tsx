import { useMemo } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { NEW_CHAT, useDuck } from '../store'
import { cancelTask, retrySend, sendMessage } from '../store/actions/chat'
import { loadOlderMessages, openConversation } from '../store/actions/conversations'
import { setDraft } from '../store/actions/ui'
import { selectRunningTask } from '../store/selectors'
import { ConnectModel } from '../views/ConnectModel'
import { Composer } from './Composer'
import { EmptyChat } from './EmptyChat'
import { StageLine } from './StageLine'
import { UserMessage } from './Turn'
import { Thread } from './Thread'
import { useStickToBottom } from './useStickToBottom'
import { ErrorNotice } from './ErrorNotice'

/** The open conversation (or a new chat) and the composer. */
export function ChatView() {
  const active = useDuck((s) => s.activeConversationId)
  const key = active ?? NEW_CHAT
  const thread = useDuck((s) => (active ? s.threads[active] : undefined))
  const pending = useDuck((s) => s.sending[key])
  const draft = useDuck((s) => s.drafts[key] ?? '')
  const workspace = useDuck((s) => s.workspace)
  const running = useDuck(selectRunningTask)
  const { modelStatus, connected } = useDuck(
    useShallow((s) => ({ modelStatus: s.modelStatus, connected: s.connection.status === 'connected' }))
  )
  const { scrollRef, contentRef, onScroll, pin } = useStickToBottom<HTMLDivElement, HTMLDivElement>(key)
  const older = thread?.older
  const loadEarlier = (): void => {
    if (!active || !older || older.status === 'loading') return
    // The thread keeps the turns in view where they are when older ones arrive above them.
    void loadOlderMessages(active)
  }
  const onScrollThread = (): void => {
    onScroll()
    const el = scrollRef.current
    // Reaching the top reads the page before (not after a failure: the button retries that).
    if (el && el.scrollTop < 200 && older?.status === 'idle') loadEarlier()
  }

  const all = thread?.items
  // Messages outside a task show only when they are the user's (an answer belongs to its task).
  const items = useMemo(() => (all ?? []).filter((item) => item.kind === 'task' || item.message.role === 'user'), [all])
  const empty = items.length === 0 && !pending
  const showConnect = empty && !active && modelStatus === 'unreachable'
  const lastTask = items.findLast((item) => item.kind === 'task')
  const hasWorkspace = Boolean(active ? thread?.workspace || workspace : workspace)

  return (
    <div className="chat">
      <div className="chat__scroll" ref={scrollRef} onScroll={onScrollThread}>
        <div className="chat__column" ref={contentRef}>
          {older && (
            <div className="chat__earlier">
              <button
                type="button"
                className="button button--ghost button--small"
                onClick={loadEarlier}
                aria-disabled={older.status === 'loading'}
                aria-busy={older.status === 'loading'}
              >
                {older.status === 'loading' ? 'Loading earlier messages…' : 'Load earlier messages'}
              </button>
              {older.status === 'error' && older.error && (
                <p className="chat__earlier-error" role="alert">
                  Could not load earlier messages: {older.error}
                </p>
              )}
            </div>
          )}
          {showConnect ? (
            <ConnectModel />
          ) : empty ? (
            active && thread?.status === 'loading' ? (
              <p className="muted chat__loading">Loading conversation…</p>
            ) : (
              <EmptyChat workspace={workspace} onExample={(text) => void sendMessage(text)} />
            )
          ) : null}
          {thread?.status === 'error' && thread.error && (
            <ErrorNotice
              code="load_failed"
              message={thread.error}
              onRetry={() => void openConversation(thread.conversation_id)}
            />
          )}
          {items.length > 0 && (
            <Thread
              key={key}
              items={items}
              lastTaskId={lastTask?.kind === 'task' ? lastTask.task_id : null}
              busy={Boolean(running)}
              scrollRef={scrollRef}
            />
          )}
          {pending && (
            <>
              <UserMessage text={pending.request} />
              {pending.error ? (
                <ErrorNotice code="send_failed" message={pending.error} onRetry={() => void retrySend(key)} />
              ) : (
                <StageLine text="Starting…" />
              )}
            </>
          )}
        </div>
      </div>
      <Composer
        draft={draft}
        onDraft={(text) => setDraft(key, text)}
        onSend={(text) => {
          pin()
          void sendMessage(text)
        }}
        onStop={running ? () => void cancelTask(running.task_id) : null}
        running={Boolean(running) || (pending !== undefined && pending.error === null)}
        disabled={!connected || !hasWorkspace}
        placeholder={hasWorkspace ? 'Ask Duck to do something…' : 'Choose a workspace folder first'}
        focusKey={key}
      />
    </div>
  )
}
