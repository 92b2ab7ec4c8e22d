import type { ReasoningMode } from '../../../shared/schemas'
import { Plug, SlidersHorizontal } from 'lucide-react'
import { useEffect, useState } from 'react'
import type { Settings } from '../../../shared/dto'
import { useDuck } from '../store'
import { loadMcp } from '../store/actions/mcp'
import { updateSettings } from '../store/actions/settings'
import { Segmented } from '../ui/Segmented'
import { Switch } from '../ui/Switch'
import { Tabs } from '../ui/Tabs'
import { ApiKeySection } from './settings/ApiKeySection'
import { BuiltinSections, ModelSection } from './settings/ModelSection'
import { ModelServerSection } from './settings/ModelServerSection'
import { RolesSection } from './settings/RolesSection'
import { RulesSection } from './settings/RulesSection'
import { ToolsSettings } from './settings/tools/ToolsSettings'
import { ViewHeader } from './ViewHeader'

/** Settings in two tabs: General (the model, behaviour, rules) and Tools (MCP servers). */
export function SettingsView() {
  const tab = useDuck((s) => s.settingsTab)
  const attention = useDuck(
    (s) => s.mcp.data?.servers.filter((server) => server.needs_confirmation || server.state === 'error').length ?? 0
  )
  useEffect(() => {
    void loadMcp(true)
  }, [])
  return (
    <div className="view">
      <ViewHeader title="Settings" />
      <Tabs
        label="Settings"
        value={tab}
        onChange={(settingsTab) => useDuck.setState({ settingsTab })}
        listClassName="view-tabs"
        panelClassName="view__scroll"
        tabs={[
          {
            value: 'general',
            label: 'General',
            icon: <SlidersHorizontal width={14} height={14} aria-hidden="true" />
          },
          {
            value: 'tools',
            label: 'Tools',
            icon: <Plug width={14} height={14} aria-hidden="true" />,
            extra:
              attention > 0 ? (
                <span
                  className="tab__count"
                  title={`${attention} ${attention === 1 ? 'server needs' : 'servers need'} attention`}
                >
                  {attention}
                  <span className="visually-hidden"> need attention</span>
                </span>
              ) : undefined
          }
        ]}
      >
        <div className="view__column">{tab === 'tools' ? <ToolsSettings /> : <GeneralSettings />}</div>
      </Tabs>
    </div>
  )
}

function GeneralSettings() {
  const settings = useDuck((s) => s.settings)
  if (!settings) return <p className="muted">Loading settings…</p>
  return <GeneralSections settings={settings} />
}

function GeneralSections({ settings }: { settings: Settings }) {
  const models = useDuck((s) => s.models)
  const [error, setError] = useState<string | null>(null)
  const save = async (update: Parameters<typeof updateSettings>[0]): Promise<void> => {
    const result = await updateSettings(update)
    setError(result.ok ? null : result.error)
  }
  return (
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
  )
}
