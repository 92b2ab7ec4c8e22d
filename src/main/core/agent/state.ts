import type { RiskLevel } from '../../../shared/events'
import type { ReasoningMode } from '../../../shared/schemas'
import type { Observation } from './prompts'

export interface PlannedAction {
  tool: string
  args: Record<string, unknown>
  reason: string
}

/** What a task must remember between its streams (approval, password, restart). */
export interface TaskState {
  assistantMessageId: string
  observations: Observation[]
  /** Planning calls made so far. */
  rounds: number
  /** The current directive's risk label (it can raise a call's risk, never lower it). */
  plannerRisk: RiskLevel
  /** The current directive's actions still to run after the paused one. */
  queue: PlannedAction[]
  /** The call waiting for a person. */
  paused: { approvalId: string; callId: string; action: PlannedAction } | null
}

export interface TaskOptions {
  reasoning: ReasoningMode
  debug: boolean
}

const RANK: Record<RiskLevel, number> = { none: 0, low: 1, medium: 2, high: 3 }

export function maxRisk(a: RiskLevel, b: RiskLevel): RiskLevel {
  return RANK[a] >= RANK[b] ? a : b
}

export function riskAtLeast(risk: RiskLevel, floor: RiskLevel): boolean {
  return RANK[risk] >= RANK[floor]
}
