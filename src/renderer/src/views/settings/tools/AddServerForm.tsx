import { FolderOpen } from 'lucide-react'
import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { desktop } from '../../../bridge'
import { entryFromForm, type AddServerForm as FormState } from '../../../lib/mcp'
import { putMcpServer } from '../../../store/actions/mcp'
import { Segmented } from '../../../ui/Segmented'
import { Spinner } from '../../../ui/Spinner'
import { KeyValueRows } from './KeyValueRows'

const EMPTY: FormState = {
  name: '',
  transport: 'stdio',
  command: '',
  args: '',
  cwd: '',
  env: [],
  url: '',
  headers: []
}

/**
 * A new server's entry: a name, and a command (arguments, working folder, variables) or the
 * URL of a Streamable HTTP server. Adding saves the entry; nothing runs until the person
 * confirms its launch in the consent sheet that follows (`onAdded`).
 */
export function AddServerForm({
  existing,
  onAdded,
  onCancel
}: {
  existing: string[]
  onAdded: (name: string) => void
  onCancel: () => void
}) {
  const id = useId()
  const nameRef = useRef<HTMLInputElement>(null)
  const [form, setForm] = useState<FormState>(EMPTY)
  const [problem, setProblem] = useState<{ field: string; text: string } | null>(null)
  const [busy, setBusy] = useState(false)
  const native = desktop()
  useEffect(() => nameRef.current?.focus(), [])
  const set = (patch: Partial<FormState>): void => {
    setForm((f) => ({ ...f, ...patch }))
    setProblem(null)
  }
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    const parsed = entryFromForm(form)
    if (!parsed.ok) {
      setProblem({ field: parsed.field, text: parsed.problem })
      return
    }
    if (existing.includes(parsed.name)) {
      setProblem({
        field: 'name',
        text: `There is already a server named “${parsed.name}”. Pick another name, or remove that one first.`
      })
      return
    }
    setBusy(true)
    const result = await putMcpServer(parsed.name, parsed.entry)
    setBusy(false)
    if (result.ok) onAdded(parsed.name)
    else setProblem({ field: 'api', text: result.error })
  }
  const invalid = (field: string): true | undefined => (problem?.field === field ? true : undefined)
  const errorId = `${id}-error`
  const describedBy = (field: string, hint?: string): string | undefined =>
    [hint, problem?.field === field ? errorId : undefined].filter(Boolean).join(' ') || undefined
  const browse = async (): Promise<void> => {
    const folder = await native?.pickFolder().catch(() => null)
    if (folder) set({ cwd: folder })
  }
  return (
    <form className="mcp-form" aria-labelledby={`${id}-title`} onSubmit={(e) => void submit(e)} noValidate>
      <h3 id={`${id}-title`} className="mcp-form__title">
        Add an MCP server
      </h3>
      <p className="muted small">Nothing runs yet: the next step shows exactly what would start, for you to confirm.</p>

      <label className="field-label" htmlFor={`${id}-name`}>
        Name
      </label>
      <input
        ref={nameRef}
        id={`${id}-name`}
        className="input input--mono"
        value={form.name}
        placeholder="files"
        spellCheck={false}
        autoComplete="off"
        aria-invalid={invalid('name')}
        aria-describedby={describedBy('name', `${id}-name-hint`)}
        onChange={(e) => set({ name: e.target.value })}
      />
      <p id={`${id}-name-hint`} className="muted small field-hint">
        1–32 characters of a–z, 0–9 and “-”. Its tools are named <code>mcp__{form.name.trim() || 'name'}__…</code>
      </p>

      <div className="field-label" aria-hidden="true">
        Connects through
      </div>
      <Segmented<FormState['transport']>
        label="Connects through"
        value={form.transport}
        options={[
          { value: 'stdio', label: 'A command (stdio)' },
          { value: 'http', label: 'A URL (Streamable HTTP)' }
        ]}
        onChange={(transport) => set({ transport })}
      />

      {form.transport === 'stdio' ? (
        <>
          <label className="field-label" htmlFor={`${id}-command`}>
            Command
          </label>
          <input
            id={`${id}-command`}
            className="input input--mono"
            value={form.command}
            placeholder="npx"
            spellCheck={false}
            autoComplete="off"
            aria-invalid={invalid('command')}
            aria-describedby={describedBy('command')}
            onChange={(e) => set({ command: e.target.value })}
          />
          <label className="field-label" htmlFor={`${id}-args`}>
            Arguments
          </label>
          <textarea
            id={`${id}-args`}
            className="input input--mono mcp-form__args"
            value={form.args}
            rows={3}
            placeholder={'-y\n@modelcontextprotocol/server-filesystem\n/home/you/project'}
            spellCheck={false}
            aria-describedby={`${id}-args-hint`}
            onChange={(e) => set({ args: e.target.value })}
          />
          <p id={`${id}-args-hint`} className="muted small field-hint">
            One a line, exactly as the program receives it (no shell quoting).
          </p>
          <label className="field-label" htmlFor={`${id}-cwd`}>
            Working folder <span className="muted small">— optional; the server may write only here</span>
          </label>
          <div className="field-row">
            <input
              id={`${id}-cwd`}
              className="input input--mono"
              value={form.cwd}
              placeholder="/home/you/project"
              spellCheck={false}
              autoComplete="off"
              onChange={(e) => set({ cwd: e.target.value })}
            />
            {native && (
              <button type="button" className="button" onClick={() => void browse()}>
                <FolderOpen width={14} height={14} aria-hidden="true" /> Choose…
              </button>
            )}
          </div>
          <KeyValueRows
            legend="Environment variables"
            hint="saved in mcp.json (only you can read it); values are never shown again"
            what="variable"
            namePlaceholder="API_KEY"
            rows={form.env}
            invalid={problem?.field === 'env'}
            onChange={(env) => set({ env })}
          />
        </>
      ) : (
        <>
          <label className="field-label" htmlFor={`${id}-url`}>
            URL
          </label>
          <input
            id={`${id}-url`}
            className="input input--mono"
            type="url"
            value={form.url}
            placeholder="http://127.0.0.1:3001/mcp"
            spellCheck={false}
            autoComplete="off"
            aria-invalid={invalid('url')}
            aria-describedby={describedBy('url')}
            onChange={(e) => set({ url: e.target.value })}
          />
          <KeyValueRows
            legend="Headers"
            hint="e.g. Authorization; values are never shown again"
            what="header"
            namePlaceholder="Authorization"
            rows={form.headers}
            invalid={problem?.field === 'headers'}
            onChange={(headers) => set({ headers })}
          />
        </>
      )}

      <div className="form-actions">
        {problem && (
          <p id={errorId} className="inline-error" role="alert">
            {problem.text}
          </p>
        )}
        <span className="form-actions__spacer" />
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy && <Spinner />}
          Add and review
        </button>
      </div>
    </form>
  )
}
