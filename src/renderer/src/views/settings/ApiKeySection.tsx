import { useRef, useState, type FormEvent } from 'react'
import type { Settings } from '../../../../shared/dto'
import { updateSettings } from '../../store/actions/settings'
import { Pinned } from './Pinned'

/** Write-only: the key goes from the field to Duck and the field is cleared; only "set or not" comes back. */
export function ApiKeySection({ settings }: { settings: Settings }) {
  const inputRef = useRef<HTMLInputElement>(null)
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null)
  const pinned = settings.env_overrides.includes('model_api_key')
  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    const input = inputRef.current
    if (!input || input.value === '') return
    const key = input.value
    input.value = ''
    const result = await updateSettings({ model_api_key: key })
    setMessage(result.ok ? { ok: true, text: 'Saved.' } : { ok: false, text: result.error })
  }
  const remove = async (): Promise<void> => {
    const result = await updateSettings({ model_api_key: '' })
    setMessage(result.ok ? { ok: true, text: 'Removed.' } : { ok: false, text: result.error })
  }
  return (
    <section className="settings-section" aria-labelledby="settings-key">
      <h2 id="settings-key" className="section-title">
        API key
      </h2>
      <p className="muted small">
        {settings.model_api_key_set ? 'An API key is set.' : 'No API key is set (local servers usually need none).'}
      </p>
      <form onSubmit={(e) => void save(e)} className="field-row" autoComplete="off">
        <label className="visually-hidden" htmlFor="api-key">
          New API key
        </label>
        <input
          id="api-key"
          ref={inputRef}
          className="input input--mono"
          type="password"
          autoComplete="off"
          placeholder={settings.model_api_key_set ? 'Replace the key' : 'Paste a key'}
          disabled={pinned}
        />
        <button type="submit" className="button" disabled={pinned}>
          Save key
        </button>
        {settings.model_api_key_set && !pinned && (
          <button type="button" className="button button--danger-ghost" onClick={() => void remove()}>
            Remove
          </button>
        )}
      </form>
      {pinned && <Pinned variable="DUCK_MODEL_API_KEY" />}
      {message && (
        <p className={message.ok ? 'muted small' : 'inline-error small'} role={message.ok ? undefined : 'alert'}>
          {message.text}
        </p>
      )}
    </section>
  )
}
