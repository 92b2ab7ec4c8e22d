import { saveSidebarWidth, saveWorkspace } from '../../lib/storage'
import type { ReasoningMode } from '../../../../shared/schemas'
import { useDuck, type View } from '..'

export function showView(view: View): void {
  useDuck.setState({ view })
}

export function toggleSidebar(): void {
  useDuck.setState((s) => ({ sidebarCollapsed: !s.sidebarCollapsed }))
}

export function setSidebarWidth(width: number): void {
  const clamped = Math.min(360, Math.max(200, width))
  useDuck.setState({ sidebarWidth: clamped })
  saveSidebarWidth(clamped)
}

export function setReasoning(mode: ReasoningMode): void {
  useDuck.setState({ reasoning: mode })
}

export function effectiveReasoning(): ReasoningMode {
  const s = useDuck.getState()
  return s.reasoning ?? s.settings?.default_reasoning ?? 'auto'
}

/** Sets the workspace for new chats; an open conversation in another folder gives way to a new chat. */
export function setWorkspace(path: string): void {
  const value = path.trim()
  saveWorkspace(value)
  useDuck.setState((s) => {
    const thread = s.activeConversationId ? s.threads[s.activeConversationId] : undefined
    const leave = thread !== undefined && thread.workspace !== value
    return { workspace: value, ...(leave ? { activeConversationId: null } : {}) }
  })
  syncAddress()
}

export function setDraft(key: string, text: string): void {
  useDuck.setState((s) => ({ drafts: { ...s.drafts, [key]: text } }))
}

/** Keeps `?conversation=<id>` in the address in step with the open conversation. */
export function syncAddress(): void {
  const id = useDuck.getState().activeConversationId
  const url = new URL(window.location.href)
  if (id) url.searchParams.set('conversation', id)
  else url.searchParams.delete('conversation')
  const next = url.pathname + url.search + url.hash
  if (next !== window.location.pathname + window.location.search + window.location.hash) {
    window.history.replaceState(null, '', next)
  }
}
