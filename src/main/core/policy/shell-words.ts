/**
 * What bash's words are made of, shared by the tree-sitter reading (bash-parser) and Duck's own
 * reading of the same command (shell-lexer): characters with their quoting, wildcard and brace
 * expansion checks, and the bytes neither reading may meet.
 */

export interface Char {
  c: string
  /** Quoted or backslash-escaped: the shell takes it literally. */
  quoted: boolean
}

export function hasGlob(chars: readonly Char[]): boolean {
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as Char
    if (ch.quoted) continue
    if (ch.c === '*' || ch.c === '?') return true
    if (ch.c === '[' && chars.slice(i + 1).some((x) => !x.quoted && x.c === ']')) return true
  }
  return false
}

/** `{a,b}` or `{1..3}` with unquoted braces (a lone `{}` stays literal in bash). */
export function hasBraceExpansion(chars: readonly Char[]): boolean {
  for (let i = 0; i < chars.length; i++) {
    const open = chars[i] as Char
    if (open.quoted || open.c !== '{') continue
    const rest = chars.slice(i + 1)
    const close = rest.findIndex((x) => !x.quoted && x.c === '}')
    if (close < 0) continue
    const inner = rest
      .slice(0, close)
      .map((x) => x.c)
      .join('')
    if (inner.includes(',') || inner.includes('..')) return true
  }
  return false
}

/**
 * Invisible and special-looking characters that look like something else. They are never read
 * the same way by every party: tree-sitter-bash takes CR, vertical tab and form feed for blanks
 * and a backslash before CR-LF for a line continuation, while bash takes them for word
 * characters; Unicode spaces look like blanks to a person and are word characters to bash;
 * bidirectional controls reorder what the approval card shows.
 */
const INVISIBLE_EXTRA = new Set([0x034f, 0x115f, 0x1160, 0x17b4, 0x17b5, 0x3164, 0xffa0])

/** The first character no reading may meet (anything but printable text, tab and newline), or null. */
export function unsupportedCharacter(command: string): string | null {
  for (const ch of command) {
    const cp = ch.codePointAt(0) as number
    if (cp === 0x09 || cp === 0x0a) continue
    if (cp >= 0x20 && cp < 0x7f) continue
    const bad =
      cp < 0x20 ||
      cp === 0x7f ||
      /[\p{C}\p{Z}]/u.test(ch) ||
      INVISIBLE_EXTRA.has(cp) ||
      (cp >= 0x180b && cp <= 0x180f) ||
      (cp >= 0xfe00 && cp <= 0xfe0f) ||
      (cp >= 0xe0000 && cp <= 0xe0fff)
    if (bad) return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`
  }
  return null
}
