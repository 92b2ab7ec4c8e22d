import { ChatView } from '../chat/ChatView'
import { useDuck } from '../store'
import { AuditView } from '../views/AuditView'
import { MemoryView } from '../views/MemoryView'
import { SettingsView } from '../views/SettingsView'
import { SkillsView } from '../views/SkillsView'
import { TopBar } from './TopBar'

const TITLES = { chat: 'Chat', audit: 'Audit', memory: 'Memory', skills: 'Skills', settings: 'Settings' } as const

export function MainPane() {
  const view = useDuck((s) => s.view)
  const status = useDuck((s) => s.connection.status)
  if (status === 'signed_out') {
    return (
      <main className="main" aria-label="Sign in">
        <div className="empty">
          <h2>Sign in to this Duck</h2>
          <p className="muted">Open the address the Duck server printed — it ends with ?token=….</p>
        </div>
      </main>
    )
  }
  return (
    <main className="main" aria-label={TITLES[view]}>
      {view === 'chat' ? (
        <>
          <TopBar />
          <ChatView />
        </>
      ) : view === 'audit' ? (
        <AuditView />
      ) : view === 'memory' ? (
        <MemoryView />
      ) : view === 'skills' ? (
        <SkillsView />
      ) : (
        <SettingsView />
      )}
    </main>
  )
}
