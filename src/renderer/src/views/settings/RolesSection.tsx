import { useId, useState, type FormEvent } from 'react'
import type { ModelInfo, Settings } from '../../../../shared/dto'
import { ROLES, type ModelRole } from '../../../../shared/schemas'
import { updateSettings } from '../../store/actions/settings'
import { Pinned } from './Pinned'

const ROLE_TEXT: Record<ModelRole, { label: string; hint: string }> = {
  action: { label: 'Planner', hint: 'Plans the steps and picks tools (action)' },
  thinker: { label: 'Answer', hint: 'Writes the answer, with reasoning (thinker)' },
  memory_policy: { label: 'Memory', hint: 'Decides what to remember (memory_policy)' },
  critic: { label: 'Reflection', hint: 'Draws a lesson from each task (critic)' }
}

/** Which model plays each role: free text, with the server's models as suggestions. */
export function RolesSection({ settings, models }: { settings: Settings; models: ModelInfo[] | null }) {
  const [values, setValues] = useState<Record<ModelRole, string>>(settings.models)
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null)
  const listId = useId()
  const pinned = (role: ModelRole): boolean => settings.env_overrides.includes(`models.${role}`)
  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    const update: Partial<Record<ModelRole, string>> = {}
    for (const role of ROLES)
      if (!pinned(role) && values[role].trim() !== settings.models[role]) update[role] = values[role].trim()
    if (Object.keys(update).length === 0) {
      setMessage({ ok: true, text: 'Nothing changed.' })
      return
    }
    const result = await updateSettings({ models: update })
    setMessage(result.ok ? { ok: true, text: 'Saved.' } : { ok: false, text: result.error })
  }
  return (
    <section className="settings-section" aria-labelledby="settings-roles">
      <h2 id="settings-roles" className="section-title">
        Model per role
      </h2>
      <form onSubmit={(e) => void save(e)} className="roles">
        <datalist id={listId}>
          {(models ?? []).map((m) => (
            <option key={m.id} value={m.id} />
          ))}
        </datalist>
        {ROLES.map((role) => (
          <div key={role} className="role">
            <label className="field-label" htmlFor={`role-${role}`}>
              {ROLE_TEXT[role].label}
              <span className="muted small"> — {ROLE_TEXT[role].hint}</span>
            </label>
            <input
              id={`role-${role}`}
              className="input input--mono"
              list={listId}
              value={values[role]}
              disabled={pinned(role)}
              spellCheck={false}
              onChange={(e) => setValues({ ...values, [role]: e.target.value })}
            />
            {pinned(role) && <Pinned variable={`DUCK_MODEL_${role.toUpperCase()}`} />}
          </div>
        ))}
        <div className="form-actions">
          <button type="submit" className="button" disabled={ROLES.every(pinned)}>
            Save models
          </button>
          {message && (
            <span className={message.ok ? 'muted small' : 'inline-error small'} role={message.ok ? undefined : 'alert'}>
              {message.text}
            </span>
          )}
        </div>
      </form>
    </section>
  )
}
