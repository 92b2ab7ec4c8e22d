import { Cpu, Download } from 'lucide-react'
import { useEffect, useState } from 'react'
import type { CatalogEntry } from '../../../shared/engine'
import { bytes } from '../lib/format'
import { useDuck } from '../store'
import {
  loadCatalog,
  loadInstalled,
  startDownload,
  chooseModelForEveryRole,
  watchDownloads
} from '../store/actions/engine'
import type { Result } from '../store/actions/settings'
import { showView } from '../store/actions/ui'
import { Spinner } from '../ui/Spinner'
import { downloadFor, FitBadge, sortCatalog } from './settings/CatalogSection'
import { DownloadRow } from './settings/DownloadRow'
import { catalogFacts, speedText } from './settings/engineText'

/** The catalog's recommended model, else the first that fits, else the first. */
export function recommendedEntry(models: CatalogEntry[]): CatalogEntry | null {
  return (
    models.find((m) => m.recommended) ?? models.find((m) => m.fit.tier === 'fits') ?? sortCatalog(models)[0] ?? null
  )
}

/** First run: "Use the built-in engine" with the recommended model and a one-click download. */
export function BuiltinOffer() {
  const catalog = useDuck((s) => s.catalog)
  const installed = useDuck((s) => s.installed.data)
  const downloads = useDuck((s) => s.downloads.data)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    void loadCatalog()
    void loadInstalled()
    return watchDownloads()
  }, [])

  const entry = catalog.data ? recommendedEntry(catalog.data.models) : null
  const download = entry ? downloadFor(entry.id, downloads) : null
  // A model already on this computer (downloaded earlier, or imported) can be used at once.
  const ready =
    (entry?.installed_model_id && installed.find((m) => m.model_id === entry.installed_model_id)) || installed[0]
  const run = async (work: () => Promise<Result<null>>): Promise<void> => {
    setBusy(true)
    setError(null)
    const result = await work()
    setBusy(false)
    if (!result.ok) setError(result.error)
  }

  return (
    <div className="engine-offer" role="group" aria-labelledby="engine-offer-title">
      <div className="engine-offer__head">
        <Cpu className="engine-offer__icon" width={18} height={18} aria-hidden="true" />
        <h3 id="engine-offer-title">Use the built-in engine</h3>
      </div>
      <p className="muted small">Duck runs the model on this computer: no server to set up, and nothing leaves it.</p>
      {catalog.status === 'loading' && !catalog.data && (
        <p className="muted small">
          <Spinner /> Looking at what this computer can run…
        </p>
      )}
      {catalog.error && <p className="muted small">{catalog.error}</p>}
      {entry && (
        <div className="engine-offer__model" aria-label={`Recommended model ${entry.name}`}>
          <p className="engine-offer__name">
            {entry.name} <FitBadge fit={entry.fit} />
          </p>
          <p className="muted small">{catalogFacts(entry).join(' · ')}</p>
          <p className="small">
            {entry.fit.summary} {speedText(entry)}
          </p>
        </div>
      )}
      {ready ? (
        <button
          type="button"
          className="button button--primary"
          disabled={busy}
          onClick={() => void run(() => chooseModelForEveryRole(ready.model_id))}
        >
          {busy && <Spinner />} Use {ready.name}
        </button>
      ) : download ? (
        <ul className="downloads">
          <DownloadRow download={download} />
        </ul>
      ) : (
        entry && (
          <button
            type="button"
            className="button button--primary"
            disabled={busy}
            onClick={() => void run(() => startDownload(entry.id, { useWhenDone: true }))}
          >
            {busy ? <Spinner /> : <Download width={14} height={14} aria-hidden="true" />} Download and use
            {entry.size_bytes !== null ? ` (${bytes(entry.size_bytes)})` : ''}
          </button>
        )
      )}
      {download && !ready && download.state !== 'failed' && (
        <p className="muted small">Duck uses it as soon as the download is checked.</p>
      )}
      {error && (
        <p className="inline-error small" role="alert">
          {error}
        </p>
      )}
      <button type="button" className="link-button small" onClick={() => showView('settings')}>
        Other models and options in Settings
      </button>
    </div>
  )
}
