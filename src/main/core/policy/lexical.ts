/**
 * Bytes and sequences that bash and the tree-sitter grammar read differently, found before
 * the command is parsed at all. The grammar treats CR, vertical tab and form feed as blanks
 * and takes a `#` after an escaped blank or a continued line as a comment; bash treats those
 * bytes as word characters and that `#` as part of a word. An allowed first command could
 * then hide a second one the policy never saw. Such a command asks, with the reason.
 *
 * This is the first of two guards: whatever passes is also read a second time with bash's
 * own rules (shell-lexer), and the two readings must agree word for word (bash-parser).
 */

import { unsupportedCharacter } from './shell-words'

/** Control characters other than tab and newline (C0, DEL, C1). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/
/** Blanks that are not ASCII space or tab. */
const UNICODE_BLANK = /[\u00a0\u1680\u180e\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]/

function describeChar(char: string): string {
  const names: Record<string, string> = { '\r': 'carriage return', '\v': 'vertical tab', '\f': 'form feed' }
  const code = char.codePointAt(0) ?? 0
  return names[char] ?? `U+${code.toString(16).toUpperCase().padStart(4, '0')}`
}

/** Why the shell could read this command differently from the policy, or null. */
export function lexicalProblem(command: string): string | null {
  const control = CONTROL.exec(command)
  if (control) return `the command holds a control character (${describeChar(control[0])}) the shell reads differently`
  const blank = UNICODE_BLANK.exec(command)
  if (blank) return `the command holds a non-ASCII blank (${describeChar(blank[0])}) the shell reads as part of a word`
  // Other invisible characters (format controls such as bidirectional overrides, joiners,
  // variation selectors, private-use and unassigned code points) change what a person sees.
  const invisible = unsupportedCharacter(command)
  if (invisible) return `the command holds an invisible character (${invisible}) that hides what the shell reads`
  // A scan with bash's quoting: single quotes take everything literally; a backslash escapes the
  // next character outside them (and in double quotes, before a few).
  let single = false
  let double = false
  for (let i = 0; i < command.length; i++) {
    const char = command[i] as string
    if (single) {
      if (char === "'") single = false
      continue
    }
    if (char === '\\') {
      const next = command[i + 1]
      if (next === '\n') return 'the command continues a line with a backslash, which Duck does not read across'
      if (!double && (next === ' ' || next === '\t') && command[i + 2] === '#') {
        return 'a "#" follows an escaped blank: the shell reads it as part of a word, not as a comment'
      }
      i += 1
      continue
    }
    if (char === "'" && !double) single = true
    else if (char === '"') double = !double
  }
  return null
}
