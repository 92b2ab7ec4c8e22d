import { Plus, X } from 'lucide-react'
import type { KeyValue } from '../../../lib/mcp'

/** Name/value rows (environment variables, headers): add, edit, remove; each field labelled. */
export function KeyValueRows({
  legend,
  hint,
  rows,
  onChange,
  what,
  namePlaceholder,
  invalid
}: {
  legend: string
  hint: string
  rows: KeyValue[]
  onChange: (rows: KeyValue[]) => void
  /** "variable", "header": used in the labels. */
  what: string
  namePlaceholder: string
  invalid: boolean
}) {
  const set = (i: number, patch: Partial<KeyValue>): void =>
    onChange(rows.map((row, j) => (j === i ? { ...row, ...patch } : row)))
  return (
    <fieldset className="kv">
      <legend className="field-label">
        {legend} <span className="muted small">— {hint}</span>
      </legend>
      {rows.length > 0 && (
        <ul className="kv__rows">
          {rows.map((row, i) => (
            <li key={i} className="kv__row">
              <input
                className="input input--mono input--small"
                aria-label={`Name of ${what} ${i + 1}`}
                value={row.name}
                placeholder={namePlaceholder}
                spellCheck={false}
                autoComplete="off"
                aria-invalid={invalid ? true : undefined}
                onChange={(e) => set(i, { name: e.target.value })}
              />
              <span className="kv__eq" aria-hidden="true">
                =
              </span>
              <input
                className="input input--mono input--small"
                aria-label={`Value of ${what} ${i + 1}`}
                value={row.value}
                placeholder="value"
                spellCheck={false}
                autoComplete="off"
                onChange={(e) => set(i, { value: e.target.value })}
              />
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove ${what} ${row.name.trim() || i + 1}`}
                onClick={() => onChange(rows.filter((_, j) => j !== i))}
              >
                <X width={14} height={14} aria-hidden="true" />
              </button>
            </li>
          ))}
        </ul>
      )}
      <button
        type="button"
        className="button button--small button--ghost kv__add"
        onClick={() => onChange([...rows, { name: '', value: '' }])}
      >
        <Plus width={14} height={14} aria-hidden="true" /> Add {what}
      </button>
    </fieldset>
  )
}
