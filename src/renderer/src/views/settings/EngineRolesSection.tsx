import { ChevronRight } from 'lucide-react'
import { useId, useState } from 'react'
import type { Settings } from '../../../../shared/dto'
import type { InstalledModel } from '../../../../shared/engine'
import type { ModelRole } from '../../../../shared/schemas'
import { bytes } from '../../lib/format'
import { useDuck } from '../../store'
import { chooseContextLength, chooseEngineModels, engineModelPinned } from '../../store/actions/engine'
import type { Result } from '../../store/actions/settings'
import { Pinned } from './Pinned'
import { baseName, CONTEXT_LENGTHS } from './engineText'

/** The two choices most people make; "Advanced" splits each into its two roles. */
const PAIRS: { label: string; hint: string; roles: [ModelRole, ModelRole] }[] = [
  {
    label: 'Planner',
    hint: 'plans the steps, picks tools, decides what to remember',
    roles: ['action', 'memory_policy']
  },
  { label: 'Answer', hint: 'writes the answer and draws the lessons', roles: ['thinker', 'critic'] }
]

const ROLE_FIELDS: { role: ModelRole; label: string; hint: string }[] = [
  { role: 'action', label: 'Planner (action)', hint: 'plans the steps and picks tools' },
  { role: 'memory_policy', label: 'Memory (memory_policy)', hint: 'decides what to remember' },
  { role: 'thinker', label: 'Answer (thinker)', hint: 'writes the answer, with reasoning' },
  { role: 'critic', label: 'Reflection (critic)', hint: 'draws a lesson from each task' }
]

const MIXED = '__mixed__'

function ModelSelect({
  id,
  value,
  installed,
  disabled,
  mixed = false,
  onChange
}: {
  id: string
  value: string | null
  installed: InstalledModel[]
  disabled: boolean
  mixed?: boolean
  onChange: (modelId: string | null) => void
}) {
  const known = value === null || installed.some((m) => m.model_id === value)
  return (
    <select
      id={id}
      className="input select"
      value={mixed ? MIXED : (value ?? '')}
      disabled={disabled}
      onChange={(e) => e.target.value !== MIXED && onChange(e.target.value === '' ? null : e.target.value)}
    >
      {mixed && (
        <option value={MIXED} disabled>
          Different models (see Advanced)
        </option>
      )}
      <option value="">{installed.length === 0 ? 'No model installed yet' : 'Choose a model…'}</option>
      {!known && value !== null && (
        <option value={value}>
          {disabled ? `${baseName(value)} (a file the environment names)` : `${value} (not installed)`}
        </option>
      )}
      {installed.map((m) => (
        <option key={m.model_id} value={m.model_id}>
          {m.name} · {bytes(m.size_bytes)}
        </option>
      ))}
    </select>
  )
}

/** Which installed model each role uses, and the context length the engine loads them with. */
export function EngineRolesSection({ settings }: { settings: Settings }) {
  const installed = useDuck((s) => s.installed.data)
  const chosen = settings.engine_models
  const pairsDiffer = PAIRS.some((p) => chosen[p.roles[0]] !== chosen[p.roles[1]])
  const [advanced, setAdvanced] = useState(pairsDiffer)
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null)
  const panelId = useId()
  const pinned = (role: ModelRole): boolean => engineModelPinned(settings, role)
  const anyPinned = ROLE_FIELDS.some((field) => pinned(field.role))
  const save = async (work: Promise<Result<null>>): Promise<void> => {
    const result = await work
    setMessage(result.ok ? { ok: true, text: 'Saved.' } : { ok: false, text: result.error })
  }
  const lengths: number[] = CONTEXT_LENGTHS.includes(settings.engine_context_length as (typeof CONTEXT_LENGTHS)[number])
    ? [...CONTEXT_LENGTHS]
    : [...CONTEXT_LENGTHS, settings.engine_context_length].sort((a, b) => a - b)

  return (
    <section className="settings-section" aria-labelledby="settings-engine-roles">
      <h2 id="settings-engine-roles" className="section-title">
        Models for each role
      </h2>
      <div className="engine-roles">
        {!advanced &&
          PAIRS.map((pair) => {
            const id = `engine-pair-${pair.roles[0]}`
            const mixed = chosen[pair.roles[0]] !== chosen[pair.roles[1]]
            return (
              <div key={pair.label} className="role">
                <label className="field-label" htmlFor={id}>
                  {pair.label}
                  <span className="muted small"> — {pair.hint}</span>
                </label>
                <ModelSelect
                  id={id}
                  value={chosen[pair.roles[0]]}
                  mixed={mixed}
                  installed={installed}
                  disabled={pinned(pair.roles[0]) || pinned(pair.roles[1])}
                  onChange={(modelId) =>
                    void save(chooseEngineModels({ [pair.roles[0]]: modelId, [pair.roles[1]]: modelId }))
                  }
                />
              </div>
            )
          })}
        <button
          type="button"
          className="disclosure"
          aria-expanded={advanced}
          aria-controls={panelId}
          onClick={() => setAdvanced(!advanced)}
        >
          <ChevronRight className="disclosure__chevron" width={14} height={14} aria-hidden="true" />
          Advanced: per role
        </button>
        <div id={panelId} hidden={!advanced} className="engine-roles__advanced">
          {advanced &&
            ROLE_FIELDS.map((field) => (
              <div key={field.role} className="role">
                <label className="field-label" htmlFor={`engine-role-${field.role}`}>
                  {field.label}
                  <span className="muted small"> — {field.hint}</span>
                </label>
                <ModelSelect
                  id={`engine-role-${field.role}`}
                  value={chosen[field.role]}
                  installed={installed}
                  disabled={pinned(field.role)}
                  onChange={(modelId) => void save(chooseEngineModels({ [field.role]: modelId }))}
                />
              </div>
            ))}
        </div>
        {anyPinned && <Pinned variable="DUCK_ENGINE_MODEL" />}
        <div className="role">
          <label className="field-label" htmlFor="engine-context">
            Context length
            <span className="muted small">
              {' '}
              — how much of the conversation the model sees; longer needs more memory
            </span>
          </label>
          <select
            id="engine-context"
            className="input select select--narrow"
            value={settings.engine_context_length}
            onChange={(e) => void save(chooseContextLength(Number(e.target.value)))}
          >
            {lengths.map((n) => (
              <option key={n} value={n}>
                {n.toLocaleString()} tokens
              </option>
            ))}
          </select>
        </div>
        {message && (
          <p className={message.ok ? 'muted small' : 'inline-error small'} role={message.ok ? 'status' : 'alert'}>
            {message.text}
          </p>
        )}
      </div>
    </section>
  )
}
