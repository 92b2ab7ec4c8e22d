import { FileInput } from 'lucide-react'
import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { desktop } from '../../../bridge'
import { importMcpConfig } from '../../../store/actions/mcp'
import { Spinner } from '../../../ui/Spinner'

/** Where Claude Desktop keeps its config on this kind of computer. */
function whereClaudeKeepsIt(): string {
  const platform = desktop()?.platform ?? navigator.userAgent
  if (/darwin|mac/i.test(platform)) return '~/Library/Application Support/Claude/claude_desktop_config.json'
  if (/win/i.test(platform)) return '%APPDATA%\\Claude\\claude_desktop_config.json'
  return '~/.config/Claude/claude_desktop_config.json'
}

/**
 * "Import from Claude Desktop config": the servers of that file that are not here yet are
 * added, each waiting for the person to confirm its command.
 */
export function ImportForm({ onClose }: { onClose: () => void }) {
  const id = useId()
  const inputRef = useRef<HTMLInputElement>(null)
  const [path, setPath] = useState('')
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null)
  useEffect(() => inputRef.current?.focus(), [])
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    const value = path.trim()
    if (!value) return
    setBusy(true)
    setMessage(null)
    const result = await importMcpConfig(value)
    setBusy(false)
    if (!result.ok) {
      setMessage({ ok: false, text: result.error })
      return
    }
    const added = result.value
    setMessage({
      ok: true,
      text:
        added.length === 0
          ? 'Nothing new: every server in that file is here already (or has a name Duck cannot use).'
          : `Added ${added.map((n) => `“${n}”`).join(', ')}. Each waits for you to confirm its command before it starts.`
    })
    if (added.length > 0) setPath('')
  }
  return (
    <form className="mcp-form" aria-labelledby={`${id}-title`} onSubmit={(e) => void submit(e)}>
      <h3 id={`${id}-title`} className="mcp-form__title">
        Import from Claude Desktop
      </h3>
      <label className="field-label" htmlFor={`${id}-path`}>
        Config file
      </label>
      <div className="field-row">
        <input
          ref={inputRef}
          id={`${id}-path`}
          className="input input--mono"
          value={path}
          spellCheck={false}
          autoComplete="off"
          placeholder="/path/to/claude_desktop_config.json"
          aria-describedby={`${id}-hint`}
          aria-invalid={message?.ok === false ? true : undefined}
          onChange={(e) => setPath(e.target.value)}
        />
        <button type="submit" className="button button--primary" disabled={busy || !path.trim()}>
          {busy ? <Spinner /> : <FileInput width={14} height={14} aria-hidden="true" />} Import
        </button>
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
      <p id={`${id}-hint`} className="muted small field-hint">
        The full path. Claude Desktop keeps it in <code>{whereClaudeKeepsIt()}</code>. Servers already here are left as
        they are.
      </p>
      {message && (
        <p className={message.ok ? 'note small' : 'inline-error small'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
    </form>
  )
}
