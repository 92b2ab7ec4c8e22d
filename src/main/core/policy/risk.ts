/** Small helpers for ordering risk levels and action types. */
import type { ActionType, RiskLevel } from '../../../shared/events'

const RISK_ORDER: readonly RiskLevel[] = ['none', 'low', 'medium', 'high']

/** The higher of the given risk levels (`none` when given nothing). */
export function maxRisk(...levels: (RiskLevel | undefined)[]): RiskLevel {
  let best: RiskLevel = 'none'
  for (const level of levels) {
    if (level !== undefined && RISK_ORDER.indexOf(level) > RISK_ORDER.indexOf(best)) best = level
  }
  return best
}

/**
 * Action types from least to most dangerous. A compound command shows its most dangerous
 * part's type: `privileged` beats `package_install` beats `file_write` beats `process` beats
 * `network` beats `unknown`; the read-only kinds come last.
 */
const ACTION_DANGER: readonly ActionType[] = [
  'system_info',
  'file_read',
  'package_check',
  'unknown',
  'network',
  'process',
  'file_write',
  'package_install',
  'privileged'
]

/** The most dangerous of the given action types (`unknown` when given nothing). */
export function mostDangerousAction(actions: readonly ActionType[]): ActionType {
  let best: ActionType | undefined
  for (const action of actions) {
    if (best === undefined || ACTION_DANGER.indexOf(action) > ACTION_DANGER.indexOf(best)) {
      best = action
    }
  }
  return best ?? 'unknown'
}
