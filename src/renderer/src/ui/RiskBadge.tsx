import type { RiskLevel } from '../../../shared/events'
import { RISK_LABELS, actionLabel, riskKey } from '../lib/format'

/** Risk always carries a text label; privileged action types are violet whatever the level. */
export function RiskBadge({ risk, actionType }: { risk: RiskLevel; actionType: string }) {
  const key = riskKey(risk, actionType)
  return (
    <span className={`badge badge--risk badge--${key}`} data-risk={key}>
      {RISK_LABELS[key]}
    </span>
  )
}

export function ActionBadge({ actionType }: { actionType: string }) {
  return <span className="badge badge--plain">{actionLabel(actionType)}</span>
}
