import { useDuck, type View } from '../store'
import { showView } from '../store/actions'
import { ConnectionStatus } from './ConnectionStatus'

const NAV: { view: View; label: string }[] = [
  { view: 'chat', label: 'Chat' },
  { view: 'audit', label: 'Audit' },
  { view: 'memory', label: 'Memory' },
  { view: 'skills', label: 'Skills' },
  { view: 'settings', label: 'Settings' }
]

export function Sidebar() {
  const view = useDuck((s) => s.view)
  return (
    <aside className="sidebar" aria-label="Sidebar">
      <div className="sidebar__head">
        <span className="brand">
          <span className="brand__mark" aria-hidden="true">
            ◗
          </span>
          Duck
        </span>
        <button type="button" className="button button--ghost" onClick={() => showView('chat')}>
          New chat
        </button>
      </div>
      <div className="sidebar__list" aria-label="Conversations">
        <p className="muted small">No conversations yet.</p>
      </div>
      <nav className="sidebar__nav" aria-label="Sections">
        {NAV.map((item) => (
          <button
            key={item.view}
            type="button"
            className={item.view === view ? 'nav-item nav-item--active' : 'nav-item'}
            aria-current={item.view === view ? 'page' : undefined}
            onClick={() => showView(item.view)}
          >
            {item.label}
          </button>
        ))}
      </nav>
      <ConnectionStatus />
    </aside>
  )
}
