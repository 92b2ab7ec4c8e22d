/**
 * A small, conservative reader for sed scripts, written from GNU sed's grammar (and no looser
 * than BSD sed's). It answers two questions: can the script write files (`w`, `W`, the `w`
 * flag of `s`) or run commands (`e`, the `e` flag of `s`), and which files does it name (`r`,
 * `R`, `w`, `W`)? Only an allow-list of commands is read; anything else (an unknown command,
 * extra text after a command, a label with unusual characters) is `unknown`, never safe.
 *
 * Where sed's readings differ, the strictest one is taken:
 * - GNU sed ends a label (`:a`, `b a`, `t a`, `T a`) at whitespace, `;` or `}` and then reads
 *   the rest of the line as the next command (`:a e id` and `t x e id` run `id`); BSD sed ends
 *   it at a newline. A label here is letters, digits, `_`, `.` and `-` only, and only blanks
 *   and then the end, `;`, a newline (or `}` after `b`, `t`, `T`) may follow it.
 * - A comment ends at the newline, even after a backslash (`p # x \` + newline + `e id` runs
 *   `id`).
 * - `a`, `i`, `c` text runs to the end of the line (a backslash continues it); `r`, `R`, `w`,
 *   `W` and the `w` flag take the rest of the line as the file name, `;` and `}` included.
 * - Several `-e` scripts are one script joined with newlines (callers join them).
 * - GNU sed skips bracket expressions (`[/]`) when it looks for the end of a regular
 *   expression; other seds may not. The script is read both ways and the more dangerous answer
 *   wins.
 * - `v` (which takes a version the way labels are taken) is not read at all.
 */

export type SedScriptVerdict = 'safe' | 'write' | 'exec' | 'unknown'

export interface SedScriptScan {
  verdict: SedScriptVerdict
  /** Files named by `r` / `R` (read) and `w` / `W` / the `w` flag (written), as written. */
  files: string[]
  /** The script starts with `#n` on a line of its own: sed runs as with `-n`. */
  quiet: boolean
}

/** Commands that take no argument. */
const SIMPLE = new Set(['p', 'P', '=', 'n', 'N', 'd', 'D', 'g', 'G', 'h', 'H', 'x', 'z', 'F'])
/** Commands that take an optional number (`l 5`, `q 1`). */
const NUMBERED = new Set(['l', 'L', 'q', 'Q'])
/** What a label may be made of: the same label in every sed. */
const LABEL = /[A-Za-z0-9_.-]/

const DANGER: readonly SedScriptVerdict[] = ['safe', 'write', 'unknown', 'exec']

export function checkSedScript(script: string): SedScriptVerdict {
  return scanSedScript(script).verdict
}

/** Both readings of the script (with and without bracket expressions), combined. */
export function scanSedScript(script: string): SedScriptScan {
  const a = scan(script, true)
  const b = scan(script, false)
  const verdict = DANGER.indexOf(a.verdict) >= DANGER.indexOf(b.verdict) ? a.verdict : b.verdict
  const quiet = script === '#n' || script.startsWith('#n\n')
  return { verdict, files: [...new Set([...a.files, ...b.files])], quiet }
}

class Unknown extends Error {}
class Exec extends Error {}

function scan(s: string, brackets: boolean): { verdict: SedScriptVerdict; files: string[] } {
  const files: string[] = []
  let writes = false
  let i = 0
  let depth = 0

  const unknown = (): never => {
    throw new Unknown()
  }
  const skipBlanks = (): void => {
    while (s[i] === ' ' || s[i] === '\t') i++
  }
  /** A file name: the rest of the line after blanks (`;` and `}` belong to it). */
  const readFileName = (): void => {
    skipBlanks()
    const start = i
    while (i < s.length && s[i] !== '\n') i++
    const name = s.slice(start, i)
    if (name === '') unknown()
    files.push(name)
  }
  /** `a`, `i`, `c` text: up to a newline that is not escaped. */
  const skipText = (): void => {
    while (i < s.length && s[i] !== '\n') {
      if (s[i] === '\\') i++
      i++
    }
  }
  /** After a command: only blanks, then the end, `;`, a newline, `}` or a comment. */
  const endOfCommand = (): void => {
    skipBlanks()
    const c = s[i]
    if (c !== undefined && c !== ';' && c !== '\n' && c !== '}' && c !== '#') unknown()
  }
  /** A label (possibly empty for `b`, `t`, `T`) and what may follow it. */
  const readLabel = (required: boolean, braceEnds: boolean): void => {
    skipBlanks()
    const start = i
    while (i < s.length && LABEL.test(s[i] as string)) i++
    if (required && i === start) unknown()
    skipBlanks()
    const c = s[i]
    if (c === undefined || c === ';' || c === '\n' || (braceEnds && c === '}')) return
    unknown()
  }
  /** Skips a bracket expression starting at `[`; unknown when it is not closed on the line. */
  const skipBracket = (): void => {
    i++
    if (s[i] === '^') i++
    if (s[i] === ']') i++
    while (i < s.length && s[i] !== ']') {
      if (s[i] === '\n') unknown()
      const open = s[i + 1]
      if (s[i] === '[' && (open === ':' || open === '.' || open === '=')) {
        const close = s.indexOf(open + ']', i + 2)
        if (close < 0) unknown()
        i = close + 2
        continue
      }
      i++
    }
    if (i >= s.length) unknown()
    i++
  }
  /**
   * Reads up to the next unescaped `delim`. In a regular expression (`regex`) a bracket
   * expression may hide the delimiter. An unescaped newline is refused (sed refuses it too).
   */
  const readDelimited = (delim: string, regex: boolean): void => {
    while (i < s.length) {
      const c = s[i] as string
      if (c === '\\') {
        if (i + 1 >= s.length) unknown()
        i += 2
        continue
      }
      if (c === '\n') unknown()
      if (regex && brackets && c === '[') {
        skipBracket()
        continue
      }
      i++
      if (c === delim) return
    }
    unknown()
  }
  /** One address, if there is one. */
  const address = (): boolean => {
    const c = s[i]
    if (c === undefined) return false
    if (/[0-9]/.test(c)) {
      while (/[0-9]/.test(s[i] ?? '')) i++
      if (s[i] === '~') {
        i++
        while (/[0-9]/.test(s[i] ?? '')) i++
      }
      return true
    }
    if (c === '$') {
      i++
      return true
    }
    if (c === '/' || c === '\\') {
      let delim = '/'
      if (c === '\\') {
        delim = s[i + 1] ?? ''
        if (delim === '' || delim === '\n' || delim === '\\') unknown()
        i++
      }
      i++
      readDelimited(delim, true)
      while (s[i] === 'I' || s[i] === 'M') i++
      return true
    }
    return false
  }

  try {
    while (i < s.length) {
      const c0 = s[i] as string
      if (c0 === ' ' || c0 === '\t' || c0 === '\n' || c0 === ';') {
        i++
        continue
      }
      if (c0 === '#') {
        while (i < s.length && s[i] !== '\n') i++
        continue
      }
      const addressed = address()
      if (addressed) {
        skipBlanks()
        if (s[i] === ',') {
          i++
          skipBlanks()
          if (s[i] === '+' || s[i] === '~') {
            i++
            if (!/[0-9]/.test(s[i] ?? '')) unknown()
            while (/[0-9]/.test(s[i] ?? '')) i++
          } else if (!address()) {
            unknown()
          }
          skipBlanks()
        }
      }
      if (s[i] === '!') {
        i++
        skipBlanks()
      }
      const cmd = s[i]
      if (cmd === undefined) unknown() // an address without a command
      i++
      switch (cmd) {
        case '{':
          depth++
          continue
        case '}':
          if (addressed || depth === 0) unknown()
          depth--
          endOfCommand()
          continue
        case ':':
          if (addressed) unknown()
          readLabel(true, false)
          continue
        case 'b':
        case 't':
        case 'T':
          readLabel(false, true)
          continue
        case 'a':
        case 'i':
        case 'c':
          skipText() // text for the output only
          continue
        case 'r':
        case 'R':
          readFileName() // a file to read from: its contents go to the output
          continue
        case 'w':
        case 'W':
          writes = true
          readFileName()
          continue
        case 'e':
          throw new Exec()
        case 's':
        case 'y': {
          const delim = s[i]
          if (delim === undefined || delim === '\n' || delim === '\\' || delim === ' ') unknown()
          i++
          readDelimited(delim as string, cmd === 's')
          readDelimited(delim as string, false)
          if (cmd === 's') {
            for (;;) {
              const f = s[i]
              if (f === 'e') throw new Exec()
              if (f === 'w') {
                i++
                writes = true
                readFileName()
                break
              }
              if (f !== undefined && /[gpiImM0-9]/.test(f)) {
                i++
                continue
              }
              endOfCommand()
              break
            }
          } else {
            endOfCommand()
          }
          continue
        }
        default:
          if (SIMPLE.has(cmd as string)) {
            endOfCommand()
            continue
          }
          if (NUMBERED.has(cmd as string)) {
            skipBlanks()
            while (/[0-9]/.test(s[i] ?? '')) i++
            endOfCommand()
            continue
          }
          unknown()
      }
    }
    if (depth !== 0) unknown()
  } catch (e) {
    if (e instanceof Exec) return { verdict: 'exec', files }
    if (e instanceof Unknown) return { verdict: 'unknown', files }
    throw e
  }
  return { verdict: writes ? 'write' : 'safe', files }
}
