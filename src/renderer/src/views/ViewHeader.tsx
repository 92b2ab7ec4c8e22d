import type { ReactNode } from 'react'

export function ViewHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <header className="topbar view-header">
      <h1 className="topbar__title">{title}</h1>
      <div className="topbar__right">{children}</div>
    </header>
  )
}
