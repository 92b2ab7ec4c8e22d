import { ArrowUpRight } from 'lucide-react'
import { useRef, useState, type FormEvent } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { Markdown } from '../chat/Markdown'
import { StageLine, stageText } from '../chat/StageLine'
import { ErrorNotice } from '../chat/ErrorNotice'
import { PasswordSheet } from '../dialogs/PasswordSheet'
import { desktop, nativePasswordSheet } from '../bridge'
import { NEW_CHAT, useDuck } from '../store'
import { decideApproval, submitPassword } from '../store/actions/approvals'
import { cancelTask, sendMessage } from '../store/actions/chat'
import { attentionOf } from '../store/selectors'
import { Spinner } from '../ui/Spinner'
import { InlineApproval } from './InlineApproval'

/** Where "Open in Duck" goes: the main window with this conversation selected (same tab, same sign-in). */
export function mainWindowAddress(conversationId: string): string {
  const query = `?conversation=${encodeURIComponent(conversationId)}`
  return window.location.protocol === 'file:' ? `./index.html${query}` : `/${query}`
}

/** One question, a compact streamed answer, approvals inline, and a way into the full window. */
export function QuickAsk() {
  const inputRef = useRef<HTMLInputElement>(null)
  const [asked, setAsked] = useState(false)
  const active = useDuck((s) => s.activeConversationId)
  const taskId = useDuck((s) => {
    const items = active ? s.threads[active]?.items : undefined
    const last = items?.[items.length - 1]
    return last?.kind === 'task' ? last.task_id : null
  })
  const task = useDuck((s) => (taskId ? s.tasks[taskId] : undefined))
  const pending = useDuck((s) => s.sending[NEW_CHAT])
  // What this answer's task needs from the person: the same rule as the main window's dialogs.
  const attention = useDuck(useShallow((s) => (task ? attentionOf(task, s) : null)))
  const approvalError = useDuck((s) => s.approvalError)
  const workspace = useDuck((s) => s.workspace)
  const connected = useDuck((s) => s.connection.status === 'connected')

  const ask = (event: FormEvent): void => {
    event.preventDefault()
    const text = inputRef.current?.value.trim() ?? ''
    if (!text) return
    useDuck.setState({ activeConversationId: null })
    setAsked(true)
    void sendMessage(text)
  }
  const stage = task ? stageText(task) : pending && !pending.error ? 'Starting…' : null
  const running = Boolean(task && (task.live || task.status === 'running')) || Boolean(pending && !pending.error)
  const approval = attention?.kind === 'approval' ? attention.approval : null
  const password = attention?.kind === 'password' ? attention : null

  return (
    <main className="quick" aria-label="Quick ask">
      <form className="quick__form" onSubmit={ask}>
        <input
          ref={inputRef}
          className="quick__input"
          aria-label="Ask Duck"
          placeholder={workspace ? `Ask Duck about ${workspace}` : 'Choose a workspace in the Duck window first'}
          disabled={!connected || !workspace || running}
          autoFocus
        />
        {running && <Spinner label="Working" />}
      </form>
      {asked && (
        <section className="quick__answer" aria-label="Answer" aria-busy={running}>
          {pending?.error && <ErrorNotice code="send_failed" message={pending.error} />}
          {task?.error && <ErrorNotice code={task.error.code} message={task.error.message} />}
          {task?.notice && (
            <p className="small" role="status">
              {task.notice}
            </p>
          )}
          {task && task.tools.length > 0 && (
            <ul className="quick__tools" aria-label="Tools used">
              {task.tools.map((t) => (
                <li key={t.call_id}>
                  <code>{t.tool}</code> {t.running ? '…' : t.ok === false ? '✗' : '✓'}
                </li>
              ))}
            </ul>
          )}
          {task?.content ? <Markdown text={task.content} streaming={task.live} /> : null}
          {approval && (
            <InlineApproval
              approval={approval}
              error={approvalError}
              onDecide={(d, scope) => void decideApproval(approval, d, scope)}
            />
          )}
          {stage && !approval && <StageLine text={stage} spinning={running} />}
          {task && (
            <div className="quick__footer">
              <a
                className="button button--small"
                href={mainWindowAddress(task.conversation_id)}
                onClick={(event) => {
                  // The desktop app shows the main window with it (this window stays quick ask).
                  const d = desktop()
                  if (!d) return
                  event.preventDefault()
                  void d.openConversation(task.conversation_id)
                }}
              >
                Open in Duck <ArrowUpRight width={14} height={14} aria-hidden="true" />
              </a>
            </div>
          )}
        </section>
      )}
      {password && !nativePasswordSheet() && (
        <PasswordSheet
          key={password.password.approval_id}
          request={password.password}
          busy={password.busy}
          onSubmit={(pw) => void submitPassword(password.password, pw)}
          onCancel={() => void cancelTask(password.password.task_id)}
          returnFocus={() => inputRef.current?.focus()}
        />
      )}
    </main>
  )
}
