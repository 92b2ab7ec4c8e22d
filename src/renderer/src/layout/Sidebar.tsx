import { BookOpen, History, MessageSquare, MessageSquarePlus, Settings, Sparkles } from 'lucide-react'
import { useRef, type KeyboardEvent, type PointerEvent } from 'react'
import { useDuck, type View } from '../store'
import { newChat } from '../store/actions/conversations'
import { setSidebarWidth, showView } from '../store/actions/ui'
import { ConnectionStatus } from './ConnectionStatus'
import { ConversationList } from './ConversationList'

const NAV: { view: View; label: string; icon: typeof History }[] = [
  { view: 'chat', label: 'Chat', icon: MessageSquare },
  { view: 'audit', label: 'Audit', icon: History },
  { view: 'memory', label: 'Memory', icon: BookOpen },
  { view: 'skills', label: 'Skills', icon: Sparkles },
  { view: 'settings', label: 'Settings', icon: Settings }
]

function Resizer() {
  const width = useDuck((s) => s.sidebarWidth)
  const start = useRef<{ x: number; width: number } | null>(null)
  const onPointerDown = (event: PointerEvent<HTMLDivElement>): void => {
    start.current = { x: event.clientX, width }
    event.currentTarget.setPointerCapture(event.pointerId)
  }
  const onPointerMove = (event: PointerEvent<HTMLDivElement>): void => {
    if (start.current) setSidebarWidth(start.current.width + event.clientX - start.current.x)
  }
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (event.key === 'ArrowLeft') setSidebarWidth(width - 16)
    if (event.key === 'ArrowRight') setSidebarWidth(width + 16)
  }
  return (
    <div
      className="sidebar__resizer"
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize sidebar"
      aria-valuemin={200}
      aria-valuemax={360}
      aria-valuenow={width}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={() => (start.current = null)}
      onKeyDown={onKeyDown}
    />
  )
}

export function Sidebar() {
  const view = useDuck((s) => s.view)
  const width = useDuck((s) => s.sidebarWidth)
  return (
    <aside className="sidebar" aria-label="Sidebar" style={{ width }}>
      <div className="sidebar__head">
        <span className="brand">
          <span className="brand__mark" aria-hidden="true">
            ◗
          </span>
          Duck
        </span>
        <button type="button" className="button button--ghost button--small" onClick={newChat} title="New chat">
          <MessageSquarePlus width={15} height={15} aria-hidden="true" />
          New chat
        </button>
      </div>
      <ConversationList />
      <nav className="sidebar__nav" aria-label="Sections">
        {NAV.map(({ view: item, label, icon: Icon }) => (
          <button
            key={item}
            type="button"
            className={item === view ? 'nav-item nav-item--active' : 'nav-item'}
            aria-current={item === view ? 'page' : undefined}
            onClick={() => showView(item)}
          >
            <Icon width={15} height={15} aria-hidden="true" />
            {label}
          </button>
        ))}
      </nav>
      <ConnectionStatus />
      <Resizer />
    </aside>
  )
}
