import * as Dialog from '@radix-ui/react-dialog'
import { TriangleAlert } from 'lucide-react'
import { useRef } from 'react'
import type { ApprovalDecision } from '../../../shared/schemas'
import { argumentsText } from '../chat/ToolCard'
import type { ApprovalRequest } from '../store'
import { CopyButton } from '../ui/CopyButton'
import { InlineCode } from '../ui/InlineCode'
import { ActionBadge, RiskBadge } from '../ui/RiskBadge'
import { approvalTitle } from './approvalText'

/**
 * Asks before Duck runs a call that needs a person. Focus starts on Deny; Esc denies; there
 * is no default button that allows. "Always allow" shows the exact rule it would create.
 */
export function ApprovalDialog({
  approval,
  error,
  onDecide
}: {
  approval: ApprovalRequest
  error: string | null
  onDecide: (decision: ApprovalDecision) => void
}) {
  const denyRef = useRef<HTMLButtonElement>(null)
  const args = argumentsText(approval.tool, approval.args)
  return (
    <Dialog.Root open>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content
          className="dialog dialog--approval"
          data-testid="approval-dialog"
          onOpenAutoFocus={(event) => {
            event.preventDefault()
            denyRef.current?.focus()
          }}
          onEscapeKeyDown={(event) => {
            event.preventDefault()
            onDecide('deny')
          }}
          onPointerDownOutside={(event) => event.preventDefault()}
          onInteractOutside={(event) => event.preventDefault()}
        >
          <Dialog.Title className="dialog__title">{approvalTitle(approval)}</Dialog.Title>
          <Dialog.Description className="dialog__text">
            {approval.reason ? (
              <InlineCode text={approval.reason} />
            ) : (
              'Duck wants to run this and needs your permission.'
            )}
          </Dialog.Description>
          <div className="approval__meta">
            <span className="approval__tool">
              <code>{approval.tool}</code>
            </span>
            <RiskBadge risk={approval.risk_level} actionType={approval.action_type} />
            <ActionBadge actionType={approval.action_type} />
          </div>
          <div className="command-block">
            <pre className="command-block__text" tabIndex={0} aria-label="Arguments">
              {args}
            </pre>
            <CopyButton text={args} className="command-block__copy" />
          </div>
          {approval.outside_workspace.length > 0 && (
            <div className="warning-row">
              <TriangleAlert width={16} height={16} aria-hidden="true" />
              <div>
                <p className="warning-row__title">Outside the workspace</p>
                <ul className="warning-row__paths">
                  {approval.outside_workspace.map((path) => (
                    <li key={path}>
                      <code>{path}</code>
                    </li>
                  ))}
                </ul>
              </div>
            </div>
          )}
          {error && (
            <p className="inline-error" role="alert">
              {error}
            </p>
          )}
          <div className="dialog__buttons">
            <button ref={denyRef} type="button" className="button" onClick={() => onDecide('deny')}>
              Deny
            </button>
            {approval.rule_preview && (
              <button
                type="button"
                className="button"
                onClick={() => onDecide('allow_always')}
                aria-describedby="rule-preview"
              >
                Always allow
              </button>
            )}
            <button type="button" className="button button--primary" onClick={() => onDecide('allow_once')}>
              Allow once
            </button>
          </div>
          {approval.rule_preview && (
            <p id="rule-preview" className="approval__rule">
              <InlineCode text={approval.rule_preview} />
            </p>
          )}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  )
}
