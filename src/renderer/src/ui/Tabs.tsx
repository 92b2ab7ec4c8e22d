import { useId, useRef, type KeyboardEvent, type ReactNode } from 'react'

export interface TabOption<T extends string> {
  value: T
  label: string
  icon?: ReactNode
  /** A small count or badge after the label. */
  extra?: ReactNode
}

/**
 * Tabs on the ARIA pattern: one tab stop, arrow keys (and Home/End) move and select, each tab
 * controls its panel. Only the selected panel is rendered.
 */
export function Tabs<T extends string>({
  label,
  tabs,
  value,
  onChange,
  listClassName = '',
  panelClassName = '',
  children
}: {
  label: string
  tabs: TabOption<T>[]
  value: T
  onChange: (value: T) => void
  listClassName?: string
  panelClassName?: string
  /** The selected tab's panel. */
  children: ReactNode
}) {
  const base = useId()
  const refs = useRef(new Map<T, HTMLButtonElement>())
  const tabId = (v: T): string => `${base}-tab-${v}`
  const panelId = (v: T): string => `${base}-panel-${v}`
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const at = tabs.findIndex((t) => t.value === value)
    let next = -1
    if (event.key === 'ArrowRight') next = (at + 1) % tabs.length
    else if (event.key === 'ArrowLeft') next = (at - 1 + tabs.length) % tabs.length
    else if (event.key === 'Home') next = 0
    else if (event.key === 'End') next = tabs.length - 1
    const target = tabs[next]
    if (!target) return
    event.preventDefault()
    onChange(target.value)
    refs.current.get(target.value)?.focus()
  }
  return (
    <>
      <div className={`tabs ${listClassName}`} role="tablist" aria-label={label} onKeyDown={onKeyDown}>
        {tabs.map((tab) => {
          const selected = tab.value === value
          return (
            <button
              key={tab.value}
              ref={(el) => {
                if (el) refs.current.set(tab.value, el)
                else refs.current.delete(tab.value)
              }}
              type="button"
              role="tab"
              id={tabId(tab.value)}
              className="tab"
              aria-selected={selected}
              aria-controls={panelId(tab.value)}
              tabIndex={selected ? 0 : -1}
              onClick={() => onChange(tab.value)}
            >
              {tab.icon}
              {tab.label}
              {tab.extra}
            </button>
          )
        })}
      </div>
      <div className={`tab-panel ${panelClassName}`} role="tabpanel" id={panelId(value)} aria-labelledby={tabId(value)}>
        {children}
      </div>
    </>
  )
}
