import { Pause, Play, RotateCw, X } from 'lucide-react'
import { useState } from 'react'
import type { DownloadAction, DownloadInfo } from '../../../../shared/engine'
import { actOnDownload, retryDownload } from '../../store/actions/engine'
import type { Result } from '../../store/actions/settings'
import { downloadLine } from './engineText'
import { ProgressBar } from '../../ui/ProgressBar'

/** One download: a live bar, bytes, percent, speed and time left; Pause / Resume / Cancel; Retry after a failure. */
export function DownloadRow({ download }: { download: DownloadInfo }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const d = download
  const run = async (work: () => Promise<Result<null>>): Promise<void> => {
    setBusy(true)
    const result = await work()
    setBusy(false)
    setError(result.ok ? null : result.error)
  }
  const act = (action: DownloadAction): void => void run(() => actOnDownload(d.download_id, action))
  const failed = d.state === 'failed'
  const determinate = d.percent !== null && d.state !== 'queued'
  const percent = Math.max(0, Math.min(100, d.percent ?? 0))
  return (
    <li className={`download download--${d.state}`} data-state={d.state} aria-label={`Download of ${d.name}`}>
      <div className="download__head">
        <span className="download__name">{d.name}</span>
        <div className="download__buttons">
          {(d.state === 'downloading' || d.state === 'queued') && (
            <button type="button" className="button button--small" disabled={busy} onClick={() => act('pause')}>
              <Pause width={13} height={13} aria-hidden="true" /> Pause
            </button>
          )}
          {d.state === 'paused' && (
            <button type="button" className="button button--small" disabled={busy} onClick={() => act('resume')}>
              <Play width={13} height={13} aria-hidden="true" /> Resume
            </button>
          )}
          {failed && (
            <button
              type="button"
              className="button button--small"
              disabled={busy}
              onClick={() => void run(() => retryDownload(d))}
            >
              <RotateCw width={13} height={13} aria-hidden="true" /> Retry
            </button>
          )}
          {(d.state === 'downloading' || d.state === 'queued' || d.state === 'paused') && (
            <button
              type="button"
              className="button button--small button--danger-ghost"
              disabled={busy}
              onClick={() => act('cancel')}
            >
              <X width={13} height={13} aria-hidden="true" /> Cancel
            </button>
          )}
        </div>
      </div>
      {!failed && (
        <ProgressBar
          label={`Downloading ${d.name}`}
          value={determinate ? percent : null}
          max={100}
          valueText={downloadLine(d)}
        />
      )}
      {failed ? (
        <p className="inline-error small download__line" role="alert">
          {downloadLine(d)}
        </p>
      ) : (
        <p className="muted small download__line">{downloadLine(d)}</p>
      )}
      {error && (
        <p className="inline-error small" role="alert">
          {error}
        </p>
      )}
    </li>
  )
}
