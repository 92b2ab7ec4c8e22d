import { useDuck } from '../store'

const TITLES = { chat: 'New chat', audit: 'Audit', memory: 'Memory', skills: 'Skills', settings: 'Settings' } as const

export function MainPane() {
  const view = useDuck((s) => s.view)
  const status = useDuck((s) => s.connection.status)
  return (
    <main className="main" aria-label={TITLES[view]}>
      <header className="topbar">
        <h1 className="topbar__title">{TITLES[view]}</h1>
      </header>
      <section className="main__body">
        {status === 'signed_out' ? (
          <div className="empty">
            <h2>Sign in to this Duck</h2>
            <p className="muted">Open the address the Duck server printed — it ends with ?token=….</p>
          </div>
        ) : (
          <div className="empty">
            <h2>What should Duck do?</h2>
            <p className="muted">Duck plans, asks before anything risky, and works inside your workspace folder.</p>
          </div>
        )}
      </section>
    </main>
  )
}
