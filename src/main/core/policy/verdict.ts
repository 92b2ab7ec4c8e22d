/**
 * What the shell policy says about a command, and the helpers every classifier builds its
 * verdicts with (see shell-policy for the rules).
 */
import type { ActionType, RiskLevel } from '../../../shared/events'

/** What the policy says about one simple command (one part). */
export interface PartVerdict {
  action: ActionType
  risk: RiskLevel
  /** Read-only with safe arguments: may run without a person. */
  safe: boolean
  /** Why it needs a person (empty when safe). */
  reasons: string[]
  /** The "Always allow" key for this part, or null when no rule may ever cover it. */
  key: string | null
  privileged: boolean
}

/** One part of a call as an "Always allow" rule sees it: its key and its words. */
export interface RulePart {
  key: string
  /** The part's words, shell-quoted where needed and joined by single spaces. */
  words: string
}

/** What the policy says about a whole command string (all its parts). */
export interface Summary {
  safe: boolean
  risk: RiskLevel
  action: ActionType
  privileged: boolean
  reasons: string[]
  /** Empty when any part may not be covered by a rule or the command is not plain. */
  ruleKeys: string[]
  /** Each part's key with its words (same emptiness as ruleKeys): what a narrowed rule matches. */
  ruleParts: RulePart[]
  /** Real paths outside the workspace the command names (empty without a workspace). */
  outside: string[]
}

export function safe(action: ActionType, risk: RiskLevel, key: string): PartVerdict {
  return { action, risk, safe: true, reasons: [], key, privileged: false }
}

export function ask(action: ActionType, risk: RiskLevel, reasons: string[], key: string | null): PartVerdict {
  return { action, risk, safe: false, reasons, key, privileged: false }
}

/** The "Always allow" key of a program's subcommand (`git status`), or the program alone. */
export function subKey(prog: string, sub: string | undefined): string {
  return sub === undefined ? prog : `${prog} ${sub}`
}

export const REASON: Record<ActionType, (what: string) => string> = {
  system_info: (w) => `\`${w}\` shows system information`,
  file_read: (w) => `\`${w}\` reads files`,
  package_check: (w) => `\`${w}\` looks up packages`,
  file_write: (w) => `\`${w}\` changes files`,
  network: (w) => `\`${w}\` uses the network`,
  process: (w) => `\`${w}\` controls running programs or services`,
  package_install: (w) => `\`${w}\` installs or changes software packages`,
  privileged: (w) => `\`${w}\` runs a command as the administrator (root)`,
  unknown: (w) => `\`${w}\` is not a known read-only command`
}

export const DEFAULT_RISK: Record<ActionType, RiskLevel> = {
  system_info: 'none',
  file_read: 'low',
  package_check: 'low',
  file_write: 'medium',
  network: 'medium',
  process: 'medium',
  package_install: 'high',
  privileged: 'high',
  unknown: 'medium'
}

/** A non-read-only verdict with the default risk and reason for its action type. */
export function asks(action: ActionType, what: string, key: string | null, risk?: RiskLevel): PartVerdict {
  return ask(action, risk ?? DEFAULT_RISK[action], [REASON[action](what)], key)
}

/** Own properties only, so `constructor` or `toString` never look like table entries. */
export function lookup<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined
}

export function unique<T>(items: T[]): T[] {
  return [...new Set(items)]
}
