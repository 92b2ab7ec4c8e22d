/** Starts a window: connection, first loads, the conversation named in the address, pending approvals. */
import { useDuck } from '.'
import { loadPendingApprovals } from './actions/approvals'
import { refreshModels, startConnectionMonitor } from './actions/connection'
import { openConversation, refreshConversations } from './actions/conversations'
import { syncAddress } from './actions/ui'
import { installTestHooks } from './test-hooks'
import { connectDesktop } from './actions/desktop'

export function conversationFromAddress(): string | null {
  const id = new URL(window.location.href).searchParams.get('conversation')
  return id && /^[A-Za-z0-9_-]{1,200}$/.test(id) ? id : null
}

export function startMainWindow(): void {
  installTestHooks()
  connectDesktop('main')
  // The address names the open conversation, so a reload (or a link) comes back to it.
  useDuck.subscribe((state, previous) => {
    if (state.activeConversationId !== previous.activeConversationId) syncAddress()
  })
  let first = true
  startConnectionMonitor(() => {
    void refreshModels()
    void refreshConversations()
    if (first) {
      first = false
      const wanted = conversationFromAddress()
      void (async () => {
        if (wanted) await openConversation(wanted)
        await loadPendingApprovals(true, true)
      })()
    } else {
      const active = useDuck.getState().activeConversationId
      if (active) void openConversation(active)
      void loadPendingApprovals(true)
    }
  })
  window.addEventListener('focus', () => {
    if (useDuck.getState().connection.status !== 'connected') return
    void refreshConversations()
    void loadPendingApprovals(true)
  })
}

export function startQuickAskWindow(): void {
  installTestHooks()
  connectDesktop('quick')
  startConnectionMonitor(() => {
    void refreshModels()
  })
}
