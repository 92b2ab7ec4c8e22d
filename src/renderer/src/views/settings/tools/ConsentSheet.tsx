import * as Dialog from '@radix-ui/react-dialog'
import { ShieldCheck, TriangleAlert } from 'lucide-react'
import { useRef, useState } from 'react'
import type { McpLaunchInfo, McpServerStatus } from '../../../../../shared/mcp'
import { ModalFrame } from '../../../dialogs/ModalFrame'
import { confirmMcpServer } from '../../../store/actions/mcp'
import { Spinner } from '../../../ui/Spinner'

function Names({ names, none }: { names: string[]; none: string }) {
  if (names.length === 0) return <span className="muted">{none}</span>
  return (
    <ul className="consent__names">
      {names.map((name) => (
        <li key={name}>
          <code>{name}</code>
        </li>
      ))}
    </ul>
  )
}

function StdioFacts({ launch }: { launch: McpLaunchInfo }) {
  return (
    <>
      <dt>Command</dt>
      <dd>
        <code>{launch.command}</code>
      </dd>
      <dt>Program</dt>
      <dd>
        {launch.program ? (
          <code>{launch.program}</code>
        ) : (
          <span className="consent__missing">Not found — it will not start until this program exists.</span>
        )}
      </dd>
      <dt>Arguments</dt>
      <dd>
        {launch.args.length === 0 ? (
          <span className="muted">None</span>
        ) : (
          <ol className="consent__args" aria-label="Arguments">
            {launch.args.map((arg, i) => (
              <li key={i}>
                <code>{arg}</code>
              </li>
            ))}
          </ol>
        )}
      </dd>
      <dt>Working folder</dt>
      <dd>{launch.cwd ? <code>{launch.cwd}</code> : <span className="muted">Duck’s own</span>}</dd>
      <dt>Environment</dt>
      <dd>
        <Names names={launch.env_names} none="No variables of its own" />
        {launch.env_names.length > 0 && <p className="muted small">Names only: the values are never shown.</p>}
      </dd>
      <dt>Sandbox</dt>
      <dd>
        {launch.sandboxed ? (
          <>
            Runs in the command sandbox; it can write only in{' '}
            {launch.workspace ? <code>{launch.workspace}</code> : 'its own folder'}.
          </>
        ) : (
          <span className="consent__missing">None — it can do anything your account can.</span>
        )}
      </dd>
    </>
  )
}

function HttpFacts({ launch }: { launch: McpLaunchInfo }) {
  return (
    <>
      <dt>URL</dt>
      <dd>
        <code>{launch.url}</code>
      </dd>
      <dt>Headers</dt>
      <dd>
        <Names names={launch.header_names} none="None" />
        {launch.header_names.length > 0 && <p className="muted small">Names only: the values are never shown.</p>}
      </dd>
    </>
  )
}

/**
 * What Duck would start for a server, exactly as the API reports it — the command, arguments,
 * working folder, resolved program and the names (never the values) of its variables — and
 * "Confirm and start", which confirms that launch's fingerprint. Focus starts on Cancel; Esc
 * cancels. If the entry changed since it was shown, the sheet says so and shows the new one.
 */
export function ConsentSheet({ server, onClose }: { server: McpServerStatus; onClose: () => void }) {
  const cancelRef = useRef<HTMLButtonElement>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [shown, setShown] = useState(server.fingerprint)
  const launch = server.launch
  const changed = shown !== server.fingerprint
  const confirm = async (): Promise<void> => {
    if (!server.fingerprint) return
    setBusy(true)
    setError(null)
    const result = await confirmMcpServer(server.name, server.fingerprint)
    setBusy(false)
    if (result.ok) onClose()
    else setError(result.error)
  }
  return (
    <ModalFrame className="dialog sheet consent" testId="mcp-consent" initialFocus={cancelRef} onEscape={onClose}>
      <div className="sheet__head">
        <ShieldCheck className="sheet__lock" width={20} height={20} aria-hidden="true" />
        <div>
          <Dialog.Title className="dialog__title">Start the MCP server “{server.name}”?</Dialog.Title>
          <Dialog.Description className="dialog__text">
            {launch?.transport === 'http'
              ? 'Duck will connect to this address and offer its tools to the planner. '
              : 'Duck will run this program on this computer and offer its tools to the planner. '}
            Nothing starts until you confirm exactly this; Duck still asks before each call.
          </Dialog.Description>
        </div>
      </div>
      {changed && (
        <p className="warning-row" role="status">
          <TriangleAlert width={16} height={16} aria-hidden="true" />
          It changed since you opened this: check it again.
          <button type="button" className="link-button" onClick={() => setShown(server.fingerprint)}>
            Got it
          </button>
        </p>
      )}
      {launch ? (
        <dl className="consent__facts">
          {launch.transport === 'http' ? <HttpFacts launch={launch} /> : <StdioFacts launch={launch} />}
        </dl>
      ) : (
        <p className="inline-error">{server.last_error ?? 'Its entry is not valid.'}</p>
      )}
      {server.warnings.length > 0 && (
        <div className="warning-row">
          <TriangleAlert width={16} height={16} aria-hidden="true" />
          <ul>
            {server.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      )}
      {server.fingerprint && (
        <p className="consent__fingerprint muted small">
          Fingerprint <code>{server.fingerprint}</code>
        </p>
      )}
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog__buttons">
        <button ref={cancelRef} type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="button button--primary"
          disabled={busy || !server.fingerprint || changed}
          onClick={() => void confirm()}
        >
          {busy && <Spinner />}
          Confirm and start
        </button>
      </div>
    </ModalFrame>
  )
}
