import type { ReasoningMode } from '../../../shared/schemas'
import { useState } from 'react'
import { useDuck } from '../store'
import { updateSettings } from '../store/actions/settings'
import { Segmented } from '../ui/Segmented'
import { Switch } from '../ui/Switch'
import { ApiKeySection } from './settings/ApiKeySection'
import { BuiltinSections, ModelSection } from './settings/ModelSection'
import { ModelServerSection } from './settings/ModelServerSection'
import { RolesSection } from './settings/RolesSection'
import { RulesSection } from './settings/RulesSection'
import { ViewHeader } from './ViewHeader'

export function SettingsView() {
  const settings = useDuck((s) => s.settings)
  const models = useDuck((s) => s.models)
  const [error, setError] = useState<string | null>(null)
  const save = async (update: Parameters<typeof updateSettings>[0]): Promise<void> => {
    const result = await updateSettings(update)
    setError(result.ok ? null : result.error)
  }
  return (
    <div className="view">
      <ViewHeader title="Settings" />
      <div className="view__scroll">
        <div className="view__column">
          {!settings ? (
            <p className="muted">Loading settings…</p>
          ) : (
            <>
              <ModelSection settings={settings} />
              {settings.engine === 'builtin' ? (
                <BuiltinSections settings={settings} />
              ) : (
                <>
                  <ModelServerSection key={settings.model_base_url} settings={settings} />
                  <RolesSection key={JSON.stringify(settings.models)} settings={settings} models={models} />
                  <ApiKeySection settings={settings} />
                </>
              )}
              <section className="settings-section" aria-labelledby="settings-behaviour">
                <h2 id="settings-behaviour" className="section-title">
                  Behaviour
                </h2>
                <div className="setting-row">
                  <span className="setting-row__label" id="default-reasoning">
                    Default reasoning
                  </span>
                  <Segmented<ReasoningMode>
                    label="Default reasoning"
                    value={settings.default_reasoning}
                    options={[
                      { value: 'auto', label: 'Auto' },
                      { value: 'on', label: 'On' },
                      { value: 'off', label: 'Off' }
                    ]}
                    onChange={(value) => void save({ default_reasoning: value })}
                  />
                </div>
                <Switch
                  label="Memory"
                  description="Remember what is worth knowing after each task."
                  checked={settings.memory_enabled}
                  onChange={(on) => void save({ memory_enabled: on })}
                />
                <Switch
                  label="Reflection"
                  description="Draw a reusable lesson from each finished task."
                  checked={settings.reflection_enabled}
                  onChange={(on) => void save({ reflection_enabled: on })}
                />
                {error && (
                  <p className="inline-error" role="alert">
                    {error}
                  </p>
                )}
              </section>
              <RulesSection />
            </>
          )}
        </div>
      </div>
    </div>
  )
}
