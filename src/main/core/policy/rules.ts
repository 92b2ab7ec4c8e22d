/**
 * Pure helpers for "Always allow" rules. A rule is a tool plus one key (its pattern); a call is
 * covered when every one of its rule keys is covered by a rule of the same tool. A shell rule can
 * be narrowed to arguments: then it also carries a pattern over the part's words (`*` matches
 * any run of characters, everything else is literal), e.g. `npm run build` or `npm test -- *`.
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

/** The longest argument pattern a rule may carry. */
export const MAX_ARGS_PATTERN = 500

/**
 * A word as the shell would need it written: plain, or single-quoted. `glob` says whether the
 * word's wildcards are the shell's (unquoted); a quoted `*` is written quoted.
 */
export function quoteWord(word: string, glob = false): string {
  const plain = glob ? /^[A-Za-z0-9_@%+=:,./*?[\]{}^~-]+$/ : /^[A-Za-z0-9_@%+=:,./{}^~-]+$/
  if (word !== '' && plain.test(word)) return word
  return `'${word.replace(/'/g, `'\\''`)}'`
}

/** A part's words as a rule shows and matches them. */
export function joinWords(argv: readonly string[], globs?: readonly boolean[]): string {
  return argv.map((word, i) => quoteWord(word, globs?.[i] === true)).join(' ')
}

/** The pattern that matches exactly these words: `*` and `\` escaped. */
export function exactPattern(words: string): string {
  return words.replace(/[\\*]/g, '\\$&')
}

/** A pattern as literal pieces between its unescaped `*`s. */
function patternPieces(pattern: string): string[] {
  const pieces: string[] = ['']
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string
    if (ch === '\\' && i + 1 < pattern.length) {
      pieces[pieces.length - 1] += pattern[++i] as string
    } else if (ch === '*') {
      pieces.push('')
    } else {
      pieces[pieces.length - 1] += ch
    }
  }
  return pieces
}

/**
 * Whether an argument pattern matches a part's words: `*` matches any run of characters, `\*`
 * a star and `\\` a backslash; everything else is literal.
 */
export function argsMatch(pattern: string, words: string): boolean {
  const pieces = patternPieces(pattern)
  if (pieces.length === 1) return pieces[0] === words
  const first = pieces[0] as string
  const last = pieces[pieces.length - 1] as string
  if (words.length < first.length + last.length || !words.startsWith(first) || !words.endsWith(last)) return false
  let at = first.length
  const end = words.length - last.length
  for (const piece of pieces.slice(1, -1)) {
    const found = words.indexOf(piece, at)
    if (found < 0 || found + piece.length > end) return false
    at = found + piece.length
  }
  return true
}

/** What a rule is made of, as far as coverage goes. `args` null or '': any arguments. */
export interface RuleLike {
  tool: string
  pattern: string
  args?: string | null
}

/**
 * True when the call may skip the person: not privileged, has rule keys, and every key is
 * covered by some rule of this tool. A rule narrowed to arguments covers a part only when its
 * pattern matches that part's words; a call without words for its parts is never covered by
 * one.
 */
export function callCovered(assessment: Assessment, rules: readonly RuleLike[], tool: string): boolean {
  if (assessment.privileged || assessment.rule_keys.length === 0) return false
  const own = rules.filter((r) => r.tool === tool)
  const covers = (r: RuleLike, key: string, words: string | undefined): boolean =>
    ruleCovers(r.pattern, key, tool) && (!r.args || (words !== undefined && argsMatch(r.args, words)))
  const parts = assessment.rule_parts
  if (parts !== undefined && parts.length > 0) {
    return parts.every((part) => own.some((r) => covers(r, part.key, part.words)))
  }
  return assessment.rule_keys.every((key) => own.some((r) => covers(r, key, undefined)))
}

/**
 * Checks an argument pattern the person chose for a narrowed rule: a bounded single line that
 * still matches the call it was made from. Returns why not, or null.
 */
export function argsPatternProblem(pattern: string, words: string): string | null {
  if (pattern.trim() === '') return 'args: must not be empty.'
  if (pattern.length > MAX_ARGS_PATTERN) return `args: must be at most ${MAX_ARGS_PATTERN} characters.`
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(pattern)) return 'args: must be one line without control characters.'
  if (!argsMatch(pattern, words)) return `args: \`${pattern}\` does not match this call (\`${words}\`).`
  return null
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

/**
 * The rule "Always allow, only with these arguments" would create, e.g.
 * "Always allow `npm run build` with exactly these arguments, in ~/projects/site". Null when the
 * call cannot be narrowed (not a shell call, or no words).
 */
export function describeNarrowRule(
  tool: string,
  parts: readonly { words: string }[] | undefined,
  workspace: string
): string | null {
  if (tool !== SHELL_TOOL || !parts || parts.length === 0) return null
  const words = [...new Set(parts.map((p) => p.words))]
  const these = words.length > 1 ? 'these commands' : 'this command'
  return `Always allow ${list(words.map((w) => `\`${w}\``))} — ${these} exactly, with no other arguments — in ${tildify(workspace)}`
}

function list(items: string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`
}
