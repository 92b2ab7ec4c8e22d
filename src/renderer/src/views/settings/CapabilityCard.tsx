import { Gauge } from 'lucide-react'
import { useEffect } from 'react'
import type { EngineStatus, InstalledModel, ModelCapabilities } from '../../../../shared/engine'
import { count } from '../../lib/format'
import { useDuck } from '../../store'
import { loadEngineStatus } from '../../store/actions/engine'
import { Spinner } from '../../ui/Spinner'
import { baseName, REASONING_TEXT, ROLE_NAMES, RUNG_TEXT } from './engineText'

const STATE_TEXT: Record<EngineStatus['state'], string> = {
  idle: 'Not loaded yet — it loads with the first message',
  loading: 'Loading the model…',
  ready: 'Ready',
  error: 'Error'
}

/** The roles that share one model, with what Duck found out about it. */
interface Group {
  model: string
  roles: string[]
  caps: ModelCapabilities
}

/**
 * One entry per model: what any of its roles found out (the planner's structured output, the
 * answer's measured speed — the answer streams the most tokens, so its speed is preferred).
 */
function groups(capabilities: ModelCapabilities[]): Group[] {
  const byModel = new Map<string, Group>()
  for (const caps of capabilities) {
    const group = byModel.get(caps.model)
    if (!group) {
      byModel.set(caps.model, { model: caps.model, roles: [ROLE_NAMES[caps.role]], caps: { ...caps } })
      continue
    }
    group.roles.push(ROLE_NAMES[caps.role])
    const merged = group.caps
    merged.structured_output ??= caps.structured_output
    merged.context_length ??= caps.context_length
    if (merged.reasoning_format === 'unknown') merged.reasoning_format = caps.reasoning_format
    if (caps.tokens_per_second !== null && (caps.role === 'thinker' || merged.tokens_per_second === null)) {
      merged.tokens_per_second = caps.tokens_per_second
    }
  }
  return [...byModel.values()]
}

function modelName(model: string, installed: InstalledModel[]): string {
  const found = installed.find((m) => m.model_id === model || m.path === model)
  return found ? found.name : baseName(model)
}

/** The engine's state and, per model in use, structured output, reasoning format, context and speed. */
export function CapabilityCard() {
  const status = useDuck((s) => s.engineStatus)
  const installed = useDuck((s) => s.installed.data)
  const data = status.data
  const loading = data?.state === 'loading'
  useEffect(() => {
    void loadEngineStatus()
  }, [])
  // While the model loads, its state is re-read every second (only while this card is shown).
  useEffect(() => {
    if (!loading) return
    const timer = window.setInterval(() => void loadEngineStatus(), 1000)
    return () => window.clearInterval(timer)
  }, [loading])

  if (status.error && !data) {
    return (
      <p className="muted small capability-card__missing" role="note">
        {status.error}
      </p>
    )
  }
  if (!data) return null
  return (
    <div className="capability-card" aria-label="What Duck found out about the model" role="group">
      <div className={`engine-state engine-state--${data.state}`}>
        {loading ? <Spinner /> : <span className="engine-state__dot" aria-hidden="true" />}
        <span className="engine-state__label">
          {data.engine === 'builtin' ? 'Built-in engine' : 'Model server'}: {STATE_TEXT[data.state]}
        </span>
        {data.model && (
          <code className="engine-state__model" title={data.model}>
            {data.engine === 'builtin' ? baseName(data.model) : data.model}
          </code>
        )}
      </div>
      {data.state === 'error' && data.error && (
        <p className="inline-error small" role="alert">
          {data.error}
        </p>
      )}
      {groups(data.capabilities).map((group) => (
        <div key={group.model} className="capability">
          <p className="capability__title">
            <span className="capability__roles">{group.roles.join(' · ')}</span>
            <span className="capability__model">{modelName(group.model, installed)}</span>
          </p>
          <dl className="capability__facts">
            <div>
              <dt>Structured output</dt>
              <dd>{group.caps.structured_output ? RUNG_TEXT[group.caps.structured_output] : 'Not tried yet'}</dd>
            </div>
            <div>
              <dt>Reasoning</dt>
              <dd>{REASONING_TEXT[group.caps.reasoning_format]}</dd>
            </div>
            <div>
              <dt>Context</dt>
              <dd>{group.caps.context_length ? `${count(group.caps.context_length)} tokens` : 'Not known yet'}</dd>
            </div>
            <div>
              <dt>Speed</dt>
              <dd>
                {group.caps.tokens_per_second !== null ? (
                  <>
                    <Gauge width={12} height={12} aria-hidden="true" /> {group.caps.tokens_per_second.toFixed(1)} tok/s
                  </>
                ) : (
                  'Measured after the first answer'
                )}
              </dd>
            </div>
          </dl>
        </div>
      ))}
    </div>
  )
}
