import { useEffect } from 'react'
import { Sidebar } from './components/Sidebar'
import { MainPane } from './components/MainPane'
import { useDuck } from './store'
import { toggleSidebar } from './store/actions'

export function App() {
  const collapsed = useDuck((s) => s.sidebarCollapsed)

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'b') {
        event.preventDefault()
        toggleSidebar()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  return (
    <div className={collapsed ? 'app app--collapsed' : 'app'}>
      {!collapsed && <Sidebar />}
      <MainPane />
    </div>
  )
}
