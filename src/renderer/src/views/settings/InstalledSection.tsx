import { FileInput, HardDrive, Trash2 } from 'lucide-react'
import { useState, type FormEvent } from 'react'
import type { InstalledModel } from '../../../../shared/engine'
import { ROLES } from '../../../../shared/schemas'
import { useDuck } from '../../store'
import { deleteInstalledModel, importModel, loadInstalled } from '../../store/actions/engine'
import { ConfirmDialog } from '../../ui/ConfirmDialog'
import { Spinner } from '../../ui/Spinner'
import { bytes } from '../../lib/format'
import { installedFacts, ROLE_NAMES } from './engineText'

/** "Planner, Answer" — the roles that use a model. */
function usedBy(model: InstalledModel, engineModels: Record<string, string | null> | undefined): string[] {
  if (!engineModels) return []
  return ROLES.filter((role) => engineModels[role] === model.model_id).map((role) => ROLE_NAMES[role])
}

function ImportForm() {
  const [path, setPath] = useState('')
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null)
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    const value = path.trim()
    if (!value) return
    setBusy(true)
    setMessage(null)
    const result = await importModel(value)
    setBusy(false)
    if (result.ok) {
      setPath('')
      setMessage({ ok: true, text: `Imported ${result.value.name}.` })
    } else setMessage({ ok: false, text: result.error })
  }
  return (
    <form className="import-form" onSubmit={(e) => void submit(e)}>
      <label className="field-label" htmlFor="import-gguf">
        Import a .gguf…
        <span className="muted small"> — the full path of a GGUF model file on this computer</span>
      </label>
      <div className="field-row">
        <input
          id="import-gguf"
          className="input input--mono"
          value={path}
          spellCheck={false}
          autoComplete="off"
          placeholder="/path/to/model.gguf"
          aria-invalid={message?.ok === false ? true : undefined}
          onChange={(e) => setPath(e.target.value)}
        />
        <button type="submit" className="button" disabled={busy || !path.trim()}>
          {busy ? <Spinner /> : <FileInput width={14} height={14} aria-hidden="true" />} Import
        </button>
      </div>
      {message && (
        <p className={message.ok ? 'muted small' : 'inline-error small'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
    </form>
  )
}

/** The models the built-in engine can load, with Delete, and "Import a .gguf…". */
export function InstalledSection() {
  const installed = useDuck((s) => s.installed)
  const engineModels = useDuck((s) => s.settings?.engine_models)
  const [confirm, setConfirm] = useState<InstalledModel | null>(null)
  return (
    <section className="settings-section" aria-labelledby="settings-installed">
      <h2 id="settings-installed" className="section-title">
        Installed models
      </h2>
      {installed.error && (
        <p className="inline-error" role="alert">
          {installed.error}{' '}
          <button type="button" className="link-button" onClick={() => void loadInstalled()}>
            Try again
          </button>
        </p>
      )}
      {installed.status === 'ready' && installed.data.length === 0 && (
        <p className="muted small">None yet. Download one from the catalog below, or import a .gguf file you have.</p>
      )}
      {installed.data.length > 0 && (
        <ul className="installed" aria-label="Installed models">
          {installed.data.map((model) => {
            const roles = usedBy(model, engineModels)
            return (
              <li key={model.model_id} className="installed-model" aria-label={model.name}>
                <HardDrive className="installed-model__icon" width={16} height={16} aria-hidden="true" />
                <div className="installed-model__body">
                  <p className="installed-model__name">
                    {model.name}
                    {roles.length > 0 && <span className="badge badge--low">Used for {roles.join(', ')}</span>}
                  </p>
                  <p className="muted small">{installedFacts(model)}</p>
                  <p className="installed-model__path" title={model.path}>
                    {model.path}
                  </p>
                </div>
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Delete ${model.name}`}
                  onClick={() => setConfirm(model)}
                >
                  <Trash2 width={14} height={14} aria-hidden="true" />
                </button>
              </li>
            )
          })}
        </ul>
      )}
      <ImportForm />
      <ConfirmDialog
        key={confirm?.model_id ?? 'none'}
        open={confirm !== null}
        title="Delete this model?"
        body={
          confirm
            ? `${confirm.name} (${bytes(confirm.size_bytes)}) is removed from Duck's models.${
                usedBy(confirm, engineModels).length > 0
                  ? ` ${usedBy(confirm, engineModels).join(' and ')} will need another model.`
                  : ''
              }`
            : ''
        }
        confirmLabel="Delete"
        onConfirm={() => (confirm ? deleteInstalledModel(confirm.model_id) : Promise.resolve(null))}
        onClose={() => setConfirm(null)}
      />
    </section>
  )
}
