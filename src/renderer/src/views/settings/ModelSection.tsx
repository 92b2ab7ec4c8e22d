import { useEffect, useState } from 'react'
import type { Settings } from '../../../../shared/dto'
import type { EngineKind } from '../../../../shared/engine'
import { useDuck } from '../../store'
import { chooseEngine, loadCatalog, loadInstalled, watchDownloads } from '../../store/actions/engine'
import { Segmented } from '../../ui/Segmented'
import { CapabilityCard } from './CapabilityCard'
import { CatalogSection } from './CatalogSection'
import { DownloadRow } from './DownloadRow'
import { EngineRolesSection } from './EngineRolesSection'
import { InstalledSection } from './InstalledSection'
import { Pinned } from './Pinned'

const ENGINE_TEXT: Record<EngineKind, string> = {
  builtin: 'Duck runs a GGUF model on this computer with llama.cpp. Nothing you ask leaves it.',
  server: 'Duck talks to an OpenAI-compatible server: llama.cpp, Ollama, LM Studio, vLLM, or a hosted one.'
}

/** Which variable pins the engine: DUCK_ENGINE, or DUCK_MODEL_BASE_URL (which implies a server). */
function engineVariable(settings: Settings): string {
  return settings.engine === 'server' && settings.env_overrides.includes('model_base_url')
    ? 'DUCK_MODEL_BASE_URL'
    : 'DUCK_ENGINE'
}

/** The first section of Settings: built-in engine or a server, and what Duck knows of the model. */
export function ModelSection({ settings }: { settings: Settings }) {
  const [error, setError] = useState<string | null>(null)
  const pinned = settings.env_overrides.includes('engine')
  // The choice shows at once; the saved setting takes over when the save returns (or fails).
  const [choosing, setChoosing] = useState<EngineKind | null>(null)
  const engine: EngineKind = choosing ?? settings.engine ?? 'server'
  const choose = (value: EngineKind): void => {
    setChoosing(value)
    void chooseEngine(value).then((result) => {
      setChoosing(null)
      setError(result.ok ? null : result.error)
    })
  }
  return (
    <section className="settings-section" aria-labelledby="settings-model">
      <h2 id="settings-model" className="section-title">
        Model
      </h2>
      <div className="setting-row">
        <span className="setting-row__label" aria-hidden="true">
          Engine
        </span>
        <Segmented<EngineKind>
          label="Engine"
          value={engine}
          disabled={pinned}
          options={[
            { value: 'builtin', label: 'Built-in (llama.cpp)' },
            { value: 'server', label: 'A server' }
          ]}
          onChange={choose}
        />
      </div>
      <p className="muted small">{ENGINE_TEXT[engine]}</p>
      {pinned && <Pinned variable={engineVariable(settings)} />}
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
      <CapabilityCard key={engine} />
    </section>
  )
}

/** Downloads under way, paused or failed (finished ones are in Installed models). */
export function DownloadsSection() {
  const downloads = useDuck((s) => s.downloads)
  const shown = downloads.data.filter((d) => d.state !== 'completed' && d.state !== 'cancelled')
  if (shown.length === 0 && !downloads.error) return null
  return (
    <section className="settings-section" aria-labelledby="settings-downloads">
      <h2 id="settings-downloads" className="section-title">
        Downloads
      </h2>
      {downloads.error && (
        <p className="inline-error" role="alert">
          {downloads.error}
        </p>
      )}
      {shown.length > 0 && (
        <ul className="downloads" aria-label="Downloads">
          {shown.map((d) => (
            <DownloadRow key={d.download_id} download={d} />
          ))}
        </ul>
      )}
    </section>
  )
}

/** Everything the built-in engine needs: roles, installed models, downloads, the catalog. */
export function BuiltinSections({ settings }: { settings: Settings }) {
  useEffect(() => {
    void loadInstalled()
    void loadCatalog()
    return watchDownloads()
  }, [])
  return (
    <>
      <EngineRolesSection settings={settings} />
      <InstalledSection />
      <DownloadsSection />
      <CatalogSection />
    </>
  )
}
