import { Check, Plug, X } from 'lucide-react'
import { useState, type FormEvent } from 'react'
import { hostOf } from '../lib/format'
import { useDuck } from '../store'
import { refreshModels } from '../store/actions/connection'
import { LOCAL_SERVERS, connectModelServer, probeLocalServers, type ProbeResult } from '../store/actions/settings'
import { showView } from '../store/actions/ui'
import { Spinner } from '../ui/Spinner'
import { BuiltinOffer } from './BuiltinOffer'

/** First run, or the model server went away: find one, honestly saying what was tried. */
export function ConnectModel() {
  const settings = useDuck((s) => s.settings)
  const modelError = useDuck((s) => s.modelError)
  const [results, setResults] = useState<ProbeResult[] | null>(null)
  const [probing, setProbing] = useState(false)
  const [custom, setCustom] = useState('')
  const [message, setMessage] = useState<string | null>(null)
  const pinned = settings?.env_overrides.includes('model_base_url') ?? false
  const engine = settings?.engine ?? 'server'
  const enginePinned = settings?.env_overrides.includes('engine') ?? false
  // The environment may pin the engine (DUCK_ENGINE, or a DUCK_MODEL_BASE_URL that implies a server).
  const offerBuiltin = settings !== null && settings.engine !== undefined && !(enginePinned && engine === 'server')
  const offerServer = !(enginePinned && engine === 'builtin')

  const probe = async (): Promise<void> => {
    setProbing(true)
    setMessage(null)
    setResults([])
    await probeLocalServers((result) => setResults((list) => [...(list ?? []), result]))
    setProbing(false)
  }
  const connect = async (url: string): Promise<void> => {
    setMessage(null)
    const result = await connectModelServer(url)
    if (!result.ok) setMessage(result.error)
  }
  const submit = (event: FormEvent): void => {
    event.preventDefault()
    if (custom.trim()) void connect(custom.trim())
  }

  return (
    <section className="connect" aria-labelledby="connect-title">
      <Plug className="connect__icon" width={28} height={28} aria-hidden="true" />
      <h2 id="connect-title">Connect a model</h2>
      <p className="muted">
        {offerBuiltin
          ? 'Duck needs a model: its built-in engine can run one on this computer, or it can use an OpenAI-compatible server (llama.cpp, Ollama, LM Studio, vLLM…).'
          : 'Duck needs an OpenAI-compatible model server (llama.cpp, Ollama, LM Studio, vLLM…).'}
        {settings && engine === 'server' && (
          <>
            {' '}
            It could not reach <code>{hostOf(settings.model_base_url)}</code>.
          </>
        )}
      </p>
      {modelError && <p className="connect__error">{modelError}</p>}
      {offerBuiltin && <BuiltinOffer />}
      {offerBuiltin && offerServer && <p className="connect__or">Or use a model server</p>}
      {!offerServer ? null : pinned ? (
        <p className="note">
          The environment sets the model server (<code>DUCK_MODEL_BASE_URL</code>), so Duck cannot try others. Start
          that server, or change the variable and restart Duck.
        </p>
      ) : (
        <>
          <div className="connect__actions">
            <button
              type="button"
              className={offerBuiltin ? 'button' : 'button button--primary'}
              onClick={() => void probe()}
              disabled={probing}
            >
              {probing && <Spinner />} Look for a local server
            </button>
            <button type="button" className="button" onClick={() => void refreshModels()}>
              Try again
            </button>
          </div>
          {results && (
            <div aria-live="polite">
              <p className="small muted">
                Tried {LOCAL_SERVERS.map((s) => `${s.label} (${hostOf(s.url)})`).join(', ')}.
              </p>
              <ul className="probe-list">
                {results.map((r) => (
                  <li key={r.url} className={`probe probe--${r.ok ? 'ok' : 'none'}`}>
                    {r.ok ? (
                      <Check width={14} height={14} aria-hidden="true" />
                    ) : (
                      <X width={14} height={14} aria-hidden="true" />
                    )}
                    <span className="probe__name">{r.label}</span>
                    <code>{hostOf(r.url)}</code>
                    <span className="probe__detail">
                      {r.ok ? `${r.models.length} ${r.models.length === 1 ? 'model' : 'models'}` : 'no answer'}
                    </span>
                    {r.ok && (
                      <button
                        type="button"
                        className="button button--small button--primary"
                        onClick={() => void connect(r.url)}
                      >
                        Use this
                      </button>
                    )}
                  </li>
                ))}
              </ul>
              {!probing && results.length > 0 && !results.some((r) => r.ok) && (
                <p className="small">None of them answered. Start one, or enter its address below.</p>
              )}
            </div>
          )}
          <form className="connect__custom" onSubmit={submit}>
            <label htmlFor="connect-url">Or enter the server's address</label>
            <div className="field-row">
              <input
                id="connect-url"
                className="input"
                type="url"
                placeholder="http://127.0.0.1:8080/v1"
                value={custom}
                onChange={(e) => setCustom(e.target.value)}
              />
              <button type="submit" className="button" disabled={!custom.trim()}>
                Connect
              </button>
            </div>
          </form>
        </>
      )}
      {message && (
        <p className="inline-error" role="alert">
          {message}
        </p>
      )}
      <button type="button" className="link-button" onClick={() => showView('settings')}>
        Open Settings
      </button>
    </section>
  )
}
