import { useEffect } from 'react'
import { AttentionHost } from './dialogs/AttentionHost'
import { MainPane } from './layout/MainPane'
import { Sidebar } from './layout/Sidebar'
import { useDuck } from './store'
import { newChat } from './store/actions/conversations'
import { toggleSidebar } from './store/actions/ui'

export function App() {
  const collapsed = useDuck((s) => s.sidebarCollapsed)

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return
      const key = event.key.toLowerCase()
      if (key === 'b') {
        event.preventDefault()
        toggleSidebar()
      } else if (key === 'n' && event.shiftKey) {
        event.preventDefault()
        newChat()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  return (
    <div className={collapsed ? 'app app--collapsed' : 'app'}>
      {!collapsed && <Sidebar />}
      <MainPane />
      <AttentionHost />
    </div>
  )
}
