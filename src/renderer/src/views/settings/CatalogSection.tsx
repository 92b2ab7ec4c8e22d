import { Brain, Check, Download, Star } from 'lucide-react'
import { useState } from 'react'
import type { CatalogEntry, DownloadInfo, ModelFit } from '../../../../shared/engine'
import { useDuck } from '../../store'
import { isMoving, loadCatalog, startDownload } from '../../store/actions/engine'
import { Spinner } from '../../ui/Spinner'
import { catalogFacts, FIT_TEXT, hardwareText, speedText, unverifiedText } from './engineText'

/** "Fits" / "Tight" / "Too big", always in words, with the sentence as its title. */
export function FitBadge({ fit }: { fit: ModelFit }) {
  const text = FIT_TEXT[fit.tier]
  return (
    <span className={`badge ${text.badge}`} title={fit.summary} data-tier={fit.tier}>
      {text.label}
    </span>
  )
}

/** The download of a catalog entry still under way (or paused or failed), if any. */
export function downloadFor(entryId: string, downloads: DownloadInfo[]): DownloadInfo | null {
  const mine = downloads.filter((d) => d.catalog_id === entryId && d.state !== 'cancelled' && d.state !== 'completed')
  return mine[mine.length - 1] ?? null
}

/** Recommended first, then as the catalog lists them. */
export function sortCatalog(models: CatalogEntry[]): CatalogEntry[] {
  return [...models].sort((a, b) => Number(b.recommended) - Number(a.recommended))
}

function EntryAction({ entry, download }: { entry: CatalogEntry; download: DownloadInfo | null }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  if (entry.installed_model_id) {
    return (
      <span className="catalog-entry__state catalog-entry__state--ok">
        <Check width={14} height={14} aria-hidden="true" /> Installed
      </span>
    )
  }
  if (download && download.state !== 'failed') {
    return (
      <span className="catalog-entry__state">
        {isMoving(download) && <Spinner />}
        {download.state === 'paused'
          ? 'Paused'
          : download.state === 'verifying'
            ? 'Checking…'
            : `Downloading${download.percent !== null ? ` ${Math.floor(download.percent)}%` : '…'}`}
      </span>
    )
  }
  const start = async (): Promise<void> => {
    setBusy(true)
    const result = await startDownload(entry.id)
    setBusy(false)
    setError(result.ok ? null : result.error)
  }
  return (
    <div className="catalog-entry__action">
      <button
        type="button"
        className={`button button--small${entry.recommended ? ' button--primary' : ''}`}
        aria-label={`Download ${entry.name}`}
        disabled={busy}
        onClick={() => void start()}
      >
        {busy ? <Spinner /> : <Download width={13} height={13} aria-hidden="true" />} Download
      </button>
      {error && (
        <p className="inline-error small" role="alert">
          {error}
        </p>
      )}
    </div>
  )
}

export function CatalogItem({ entry, download }: { entry: CatalogEntry; download: DownloadInfo | null }) {
  const unverified = unverifiedText(entry)
  return (
    <li
      className={`catalog-entry${entry.recommended ? ' catalog-entry--recommended' : ''}`}
      aria-label={entry.name}
      data-catalog-id={entry.id}
    >
      <div className="catalog-entry__main">
        <div className="catalog-entry__title">
          <span className="catalog-entry__name">{entry.name}</span>
          {entry.recommended && (
            <span className="badge badge--accent">
              <Star width={11} height={11} aria-hidden="true" /> Recommended
            </span>
          )}
          {entry.thinks && (
            <span className="badge badge--plain" title="It reasons before it answers">
              <Brain width={11} height={11} aria-hidden="true" /> Thinks
            </span>
          )}
          <FitBadge fit={entry.fit} />
        </div>
        <p className="catalog-entry__facts">{catalogFacts(entry).join(' · ')}</p>
        <p className="catalog-entry__fit small">
          {entry.fit.summary} {speedText(entry)}
        </p>
        {entry.notes && <p className="muted small">{entry.notes}</p>}
        {unverified && <p className="catalog-entry__unverified">{unverified}</p>}
      </div>
      <EntryAction entry={entry} download={download} />
    </li>
  )
}

/** The recommended models with how well each fits this computer. */
export function CatalogSection() {
  const catalog = useDuck((s) => s.catalog)
  const downloads = useDuck((s) => s.downloads.data)
  const data = catalog.data
  return (
    <section className="settings-section" aria-labelledby="settings-catalog">
      <h2 id="settings-catalog" className="section-title">
        Get a model
      </h2>
      {data && <p className="muted small hardware">This computer: {hardwareText(data.hardware)}</p>}
      {data && (
        <p className="muted small">Fit is worked out for a context of {data.context_length.toLocaleString()} tokens.</p>
      )}
      {catalog.status === 'loading' && !data && (
        <p className="muted small">
          <Spinner /> Reading the catalog…
        </p>
      )}
      {catalog.error && (
        <p className="inline-error" role="alert">
          {catalog.error}{' '}
          <button type="button" className="link-button" onClick={() => void loadCatalog()}>
            Try again
          </button>
        </p>
      )}
      {data && (
        <ul className="catalog" aria-label="Model catalog">
          {sortCatalog(data.models).map((entry) => (
            <CatalogItem key={entry.id} entry={entry} download={downloadFor(entry.id, downloads)} />
          ))}
        </ul>
      )}
    </section>
  )
}
