/**
 * Pure helpers for "Always allow" rules. A rule is a tool plus one key (its pattern); a call is
 * covered when every one of its rule keys is covered by a rule of the same tool.
 */
import { homedir } from 'node:os'
import path from 'node:path'
import type { Assessment } from '../tools/types'

/** The shell tool: its keys are program names (plus subcommand), compared exactly. */
export const SHELL_TOOL = 'shell_exec_safe'

/**
 * Whether a rule's key covers a call's key. Shell keys must be equal. Path keys (absolute
 * paths, for the file tools) are covered by an equal rule key or by a rule key that is a
 * directory above them, separator-aware: `/ws` covers `/ws/a` but not `/ws2`.
 */
export function ruleCovers(ruleKey: string, key: string, tool: string): boolean {
  if (ruleKey === '' || key === '') return false
  if (ruleKey === key) return true
  if (tool === SHELL_TOOL) return false
  if (!path.isAbsolute(ruleKey) || !path.isAbsolute(key)) return false
  const prefix = ruleKey.endsWith(path.sep) ? ruleKey : ruleKey + path.sep
  return key.startsWith(prefix)
}

/**
 * True when the call may skip the person: not privileged, has rule keys, and every key is
 * covered by some rule of this tool.
 */
export function callCovered(
  assessment: Assessment,
  rules: readonly { tool: string; pattern: string }[],
  tool: string
): boolean {
  if (assessment.privileged || assessment.rule_keys.length === 0) return false
  const own = rules.filter((r) => r.tool === tool)
  return assessment.rule_keys.every((key) => own.some((r) => ruleCovers(r.pattern, key, tool)))
}

/** `/home/me/x` → `~/x` (and the home directory itself → `~`). */
export function tildify(p: string, home: string = homedir()): string {
  if (!home) return p
  if (p === home) return '~'
  const prefix = home.endsWith(path.sep) ? home : home + path.sep
  return p.startsWith(prefix) ? '~' + path.sep + p.slice(prefix.length) : p
}

/**
 * A short text for the rule "Always allow" would create, e.g.
 * "Always allow `apt list` in ~/projects/site" or, for a path tool,
 * "Always allow `file_read` on `~/notes` and everything in it, in ~/projects/site".
 * Null when there are no keys (no rule may be created).
 */
export function describeRule(tool: string, keys: readonly string[], workspace: string): string | null {
  const unique = [...new Set(keys)]
  if (unique.length === 0) return null
  const where = tildify(workspace)
  if (tool === SHELL_TOOL) return `Always allow ${list(unique.map((k) => `\`${k}\``))} in ${where}`
  const paths = list(unique.map((k) => `\`${tildify(k)}\``))
  return `Always allow \`${tool}\` on ${paths} and everything in ${unique.length > 1 ? 'them' : 'it'}, in ${where}`
}

function list(items: string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`
}
