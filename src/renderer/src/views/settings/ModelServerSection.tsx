import { Check, Plug } from 'lucide-react'
import { useState, type FormEvent } from 'react'
import type { ModelList, Settings } from '../../../../shared/dto'
import { hostOf } from '../../lib/format'
import { refreshModels } from '../../store/actions/connection'
import { testConnection, updateSettings } from '../../store/actions/settings'
import { Spinner } from '../../ui/Spinner'
import { Pinned } from './Pinned'

/** The model server's URL, and "Test connection" listing what it serves. */
export function ModelServerSection({ settings }: { settings: Settings }) {
  const pinned = settings.env_overrides.includes('model_base_url')
  const [url, setUrl] = useState(settings.model_base_url)
  const [testing, setTesting] = useState(false)
  const [result, setResult] = useState<{ ok: true; list: ModelList } | { ok: false; error: string } | null>(null)

  const test = async (event?: FormEvent): Promise<void> => {
    event?.preventDefault()
    setTesting(true)
    setResult(null)
    if (!pinned && url.trim() !== settings.model_base_url) {
      const saved = await updateSettings({ model_base_url: url.trim() })
      if (!saved.ok) {
        setResult({ ok: false, error: saved.error })
        setTesting(false)
        return
      }
    }
    const answer = await testConnection()
    setResult(answer.ok ? { ok: true, list: answer.value } : { ok: false, error: answer.error })
    setTesting(false)
    void refreshModels()
  }

  return (
    <section className="settings-section" aria-labelledby="settings-server">
      <h2 id="settings-server" className="section-title">
        Model server
      </h2>
      <form onSubmit={(e) => void test(e)}>
        <label className="field-label" htmlFor="model-url">
          OpenAI-compatible base URL
        </label>
        <div className="field-row">
          <input
            id="model-url"
            className="input input--mono"
            value={url}
            disabled={pinned}
            spellCheck={false}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="http://127.0.0.1:8080/v1"
          />
          <button type="submit" className="button" disabled={testing}>
            {testing ? <Spinner /> : <Plug width={14} height={14} aria-hidden="true" />}
            Test connection
          </button>
        </div>
        {pinned && <Pinned variable="DUCK_MODEL_BASE_URL" />}
      </form>
      <div aria-live="polite">
        {result?.ok === true && (
          <div className="test-result test-result--ok">
            <p>
              <Check width={14} height={14} aria-hidden="true" /> {hostOf(result.list.base_url)} answered with{' '}
              {result.list.models.length} {result.list.models.length === 1 ? 'model' : 'models'}.
            </p>
            <ul className="model-list" aria-label="Models on the server">
              {result.list.models.map((m) => (
                <li key={m.id}>
                  <code>{m.id}</code>
                </li>
              ))}
            </ul>
          </div>
        )}
        {result?.ok === false && (
          <p className="inline-error" role="alert">
            {result.error}
          </p>
        )}
      </div>
    </section>
  )
}
