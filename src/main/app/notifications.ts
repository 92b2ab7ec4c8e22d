/**
 * A native notification when a task needs the person (an approval or a password) while the
 * main window is hidden or not focused; clicking it brings the window (and that conversation)
 * forward. The decision is pure; showing goes through `deps`.
 */
import type { StreamEvent } from '../../shared/events'

export interface Attention {
  key: string
  conversationId: string
  title: string
  body: string
}

function clip(text: string, max = 120): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

/** What to tell the person about an event, or null when it needs nobody. */
export function attentionFor(event: StreamEvent): Attention | null {
  if (event.type === 'tool_approval_requested') {
    const what =
      typeof event.args.command === 'string'
        ? event.args.command
        : typeof event.args.path === 'string'
          ? event.args.path
          : event.tool
    return {
      key: event.approval_id,
      conversationId: event.conversation_id,
      title: 'Duck needs your approval',
      body: clip(`${event.reason ? `${event.reason}: ` : ''}${what}`)
    }
  }
  if (event.type === 'tool_password_requested') {
    return {
      key: event.approval_id,
      conversationId: event.conversation_id,
      title: 'Administrator password required',
      body: clip(event.command)
    }
  }
  return null
}

export interface NotifierDeps {
  /** True when the main window is shown and focused. */
  windowHasFocus(): boolean
  isSupported(): boolean
  show(attention: Attention, onClick: () => void): void
  /** Brings the main window forward with the conversation. */
  reveal(conversationId: string): void
}

/** A TaskObserver: one notification per approval id. */
export function createNotifier(deps: NotifierDeps) {
  const told = new Set<string>()
  return (event: StreamEvent): void => {
    const attention = attentionFor(event)
    if (!attention || told.has(attention.key)) return
    if (deps.windowHasFocus() || !deps.isSupported()) return
    told.add(attention.key)
    if (told.size > 500) told.delete(told.values().next().value as string)
    deps.show(attention, () => deps.reveal(attention.conversationId))
  }
}
