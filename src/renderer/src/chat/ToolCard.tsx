import { ChevronRight, CircleCheck, CircleX, FilePen, FileText, Folder, Plug, Terminal, Wrench } from 'lucide-react'
import { memo, useId } from 'react'
import { useRemembered } from '../lib/useRemembered'
import { duration, lineCount } from '../lib/format'
import type { ToolCallView } from '../store'
import { InlineCode } from '../ui/InlineCode'
import { ActionBadge, RiskBadge } from '../ui/RiskBadge'
import { Spinner } from '../ui/Spinner'

const ICONS: Record<string, typeof Terminal> = {
  shell_exec_safe: Terminal,
  file_read: FileText,
  list_dir: Folder,
  file_write: FilePen,
  file_edit: FilePen
}

/** What a call does, in full: the command for the shell, the path for file tools, else JSON. */
export function argumentsText(tool: string, args: Record<string, unknown>): string {
  if (typeof args.command === 'string' && Object.keys(args).length === 1) return args.command
  if (typeof args.path === 'string' && Object.keys(args).length === 1 && tool !== 'shell_exec_safe') return args.path
  return JSON.stringify(args, null, 2)
}

const SANDBOX_LABELS = {
  read_only: 'sandboxed, read-only',
  workspace_write: 'sandboxed, workspace writable',
  none: 'no sandbox'
} as const

function Status({ call }: { call: ToolCallView }) {
  if (call.running) {
    return (
      <span className="tool-card__status">
        <Spinner /> Running…
      </span>
    )
  }
  const failed = call.ok === false
  const parts: string[] = []
  if (call.exit_code !== undefined) parts.push(call.exit_code === null ? 'no exit code' : `exit ${call.exit_code}`)
  if (call.sandbox) parts.push(SANDBOX_LABELS[call.sandbox])
  if (call.duration_ms !== null) parts.push(duration(call.duration_ms))
  return (
    <span className={`tool-card__status tool-card__status--${failed ? 'failed' : 'ok'}`}>
      {failed ? (
        <CircleX width={14} height={14} aria-hidden="true" />
      ) : (
        <CircleCheck width={14} height={14} aria-hidden="true" />
      )}
      <span className="visually-hidden">{failed ? 'Failed' : 'Done'}</span>
      {parts.join(' · ')}
    </span>
  )
}

/** One tool call: tool, risk, action type, status; the arguments in full; the output behind a toggle. */
export const ToolCard = memo(function ToolCard({ call }: { call: ToolCallView }) {
  const [showOutput, setShowOutput] = useRemembered(`tool-output:${call.call_id}`, false)
  const outputId = useId()
  const Icon = ICONS[call.tool] ?? (call.action_type === 'mcp' ? Plug : Wrench)
  const lines = call.output === null ? 0 : lineCount(call.output)
  return (
    <article
      className="tool-card"
      data-state={call.running ? 'running' : call.ok === false ? 'failed' : 'done'}
      aria-label={`Tool ${call.tool}`}
    >
      <header className="tool-card__head">
        <Icon className="tool-card__icon" width={15} height={15} aria-hidden="true" />
        <span className="tool-card__name">{call.tool}</span>
        <RiskBadge risk={call.risk_level} actionType={call.action_type} />
        <ActionBadge actionType={call.action_type} />
        <Status call={call} />
      </header>
      <pre className="tool-card__args">{argumentsText(call.tool, call.args)}</pre>
      {call.reason && (
        <p className="tool-card__reason">
          <InlineCode text={call.reason} />
        </p>
      )}
      {call.output !== null && lines > 0 && (
        <div className="tool-card__output">
          <button
            type="button"
            className="disclosure"
            aria-expanded={showOutput}
            aria-controls={outputId}
            onClick={() => setShowOutput(!showOutput)}
          >
            <ChevronRight className="disclosure__chevron" width={14} height={14} aria-hidden="true" />
            {showOutput ? 'Hide output' : `Show output (${lines} ${lines === 1 ? 'line' : 'lines'})`}
          </button>
          {showOutput && (
            <pre id={outputId} className="tool-card__pre" tabIndex={0}>
              {call.output}
            </pre>
          )}
        </div>
      )}
    </article>
  )
})
