import { Cpu } from 'lucide-react'
import { useShallow } from 'zustand/react/shallow'
import type { ReasoningMode } from '../../../shared/schemas'
import { useDuck } from '../store'
import { setReasoning, setWorkspace, showView } from '../store/actions/ui'
import { Segmented } from '../ui/Segmented'
import { baseName } from '../views/settings/engineText'
import { WorkspacePicker } from './WorkspacePicker'

const REASONING: { value: ReasoningMode; label: string; hint: string }[] = [
  { value: 'auto', label: 'Auto', hint: 'The model decides when to think' },
  { value: 'on', label: 'On', hint: 'Always think before answering' },
  { value: 'off', label: 'Off', hint: 'Answer without thinking' }
]

/** Workspace, model, reasoning. */
export function TopBar() {
  const active = useDuck((s) => s.activeConversationId)
  const threadWorkspace = useDuck((s) =>
    s.activeConversationId ? s.threads[s.activeConversationId]?.workspace : undefined
  )
  const workspace = useDuck((s) => s.workspace)
  const builtin = useDuck((s) => s.settings?.engine === 'builtin')
  // The built-in engine's models by name (the installed model each role uses), else the server's names.
  const roles = useDuck(
    useShallow((s): Record<string, string> | null => {
      if (!s.settings) return null
      if (s.settings.engine !== 'builtin') return s.settings.models
      const names: Record<string, string> = {}
      for (const [role, id] of Object.entries(s.settings.engine_models)) {
        names[role] = (id && s.installed.data.find((m) => m.model_id === id)?.name) || (id ? baseName(id) : 'none')
      }
      return names
    })
  )
  const noEngineModel = useDuck((s) => s.settings?.engine === 'builtin' && !s.settings.engine_models.thinker)
  const model = roles && !noEngineModel ? (roles.thinker ?? null) : null
  const reasoning = useDuck((s) => s.reasoning ?? s.settings?.default_reasoning ?? 'auto')
  const shown = active && threadWorkspace ? threadWorkspace : workspace
  const title = roles
    ? Object.entries(roles)
        .map(([role, name]) => `${role}: ${name}`)
        .join('\n')
    : undefined
  return (
    <header className="topbar">
      <WorkspacePicker workspace={shown} locked={Boolean(active)} onChange={setWorkspace} />
      <div className="topbar__right">
        {model && (
          <button
            type="button"
            className="model-chip"
            onClick={() => showView('settings')}
            title={title}
            aria-label={`Model ${model}${builtin ? ' (built-in engine)' : ''}, open Settings`}
          >
            <Cpu width={14} height={14} aria-hidden="true" />
            <span>{model}</span>
          </button>
        )}
        <div className="topbar__reasoning">
          <span className="topbar__label" aria-hidden="true">
            Reasoning
          </span>
          <Segmented label="Reasoning" value={reasoning} options={REASONING} onChange={setReasoning} />
        </div>
      </div>
    </header>
  )
}
