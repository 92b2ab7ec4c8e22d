/**
 * A small, conservative scanner for sed scripts. It answers two questions: can the script
 * write files (`w`, `W`, the `w` flag of `s`) or run commands (`e`, the `e` flag of `s`), and
 * which files does it name (`r`, `R`, `w`, `W`)? Anything it does not understand is reported as
 * `unknown`, never as safe.
 *
 * GNU sed skips bracket expressions (`[/]`) when it looks for the end of a regular expression;
 * other seds may not. The script is scanned both ways and the more dangerous answer wins.
 */

export type SedScriptVerdict = 'safe' | 'write' | 'exec' | 'unknown'

export interface SedScriptScan {
  verdict: SedScriptVerdict
  /** Files named by `r` / `R` (read) and `w` / `W` / the `w` flag (written), as written. */
  files: string[]
}

/** Commands that take no argument (some take an optional number). */
const SIMPLE = new Set(['p', 'P', '=', 'l', 'L', 'q', 'Q', 'n', 'N', 'd', 'D', 'g', 'G', 'h', 'H', 'x', 'z', 'F'])

const DANGER: readonly SedScriptVerdict[] = ['safe', 'write', 'unknown', 'exec']

export function checkSedScript(script: string): SedScriptVerdict {
  return scanSedScript(script).verdict
}

/** Both readings of the script (with and without bracket expressions), combined. */
export function scanSedScript(script: string): SedScriptScan {
  const a = scan(script, true)
  const b = scan(script, false)
  const verdict = DANGER.indexOf(a.verdict) >= DANGER.indexOf(b.verdict) ? a.verdict : b.verdict
  return { verdict, files: [...new Set([...a.files, ...b.files])] }
}

function scan(s: string, brackets: boolean): SedScriptScan {
  let i = 0
  const files: string[] = []
  let writes = false
  const done = (verdict: SedScriptVerdict): SedScriptScan => ({ verdict, files })

  const skipBlanks = (): void => {
    while (s[i] === ' ' || s[i] === '\t') i++
  }
  const skipToEol = (): void => {
    while (i < s.length && s[i] !== '\n') i++
  }
  /** A file name: the rest of the line after blanks (`;` and `}` belong to it). */
  const readFileName = (): void => {
    skipBlanks()
    const start = i
    skipToEol()
    const name = s.slice(start, i)
    if (name !== '') files.push(name)
  }
  /** Text up to an unescaped newline (`a`, `i`, `c`). */
  const skipText = (): void => {
    while (i < s.length && s[i] !== '\n') {
      if (s[i] === '\\') i++
      i++
    }
  }
  /** After a command: only blanks, then the end, `;`, newline, `}` or a comment. */
  const atTerminator = (): boolean => {
    skipBlanks()
    const c = s[i]
    return c === undefined || c === ';' || c === '\n' || c === '}' || c === '#'
  }
  /** Skips a bracket expression starting at `[`; false when it is not closed. */
  const skipBracket = (): boolean => {
    i++
    if (s[i] === '^') i++
    if (s[i] === ']') i++
    while (i < s.length && s[i] !== ']') {
      const open = s[i + 1]
      if (s[i] === '[' && (open === ':' || open === '.' || open === '=')) {
        const close = s.indexOf(open + ']', i + 2)
        if (close < 0) return false
        i = close + 2
        continue
      }
      i++
    }
    if (i >= s.length) return false
    i++
    return true
  }
  /**
   * Reads up to the next unescaped `delim`; false when there is none. In a regular expression
   * (`regex`) a bracket expression may hide the delimiter.
   */
  const readDelimited = (delim: string, regex: boolean): boolean => {
    while (i < s.length) {
      const c = s[i] as string
      if (c === '\\') {
        i += 2
        continue
      }
      if (regex && brackets && c === '[') {
        if (!skipBracket()) return false
        continue
      }
      i++
      if (c === delim) return true
    }
    return false
  }
  const parseAddress = (): boolean => {
    const c = s[i]
    if (c === undefined) return true
    if (/[0-9]/.test(c)) {
      while (/[0-9~]/.test(s[i] ?? '')) i++
    } else if (c === '$') {
      i++
    } else if (c === '/' || c === '\\') {
      let delim = '/'
      if (c === '\\') {
        delim = s[i + 1] ?? ''
        if (!delim || delim === '\n') return false
        i++
      }
      i++
      if (!readDelimited(delim, true)) return false
      while (s[i] === 'I' || s[i] === 'M') i++
    }
    return true
  }

  while (i < s.length) {
    const c0 = s[i] as string
    if (c0 === ' ' || c0 === '\t' || c0 === '\n' || c0 === ';') {
      i++
      continue
    }
    if (!parseAddress()) return done('unknown')
    skipBlanks()
    if (s[i] === ',') {
      i++
      skipBlanks()
      if (s[i] === '+' || s[i] === '~') {
        i++
        while (/[0-9]/.test(s[i] ?? '')) i++
      } else if (!parseAddress()) {
        return done('unknown')
      }
      skipBlanks()
    }
    if (s[i] === '!') {
      i++
      skipBlanks()
    }
    const cmd = s[i]
    if (cmd === undefined) return done('unknown') // an address without a command
    i++
    if (cmd === '{' || cmd === '}') continue
    if (cmd === '#') {
      skipToEol()
      continue
    }
    if (cmd === ':' || cmd === 'b' || cmd === 't' || cmd === 'T' || cmd === 'v') {
      while (i < s.length && s[i] !== ';' && s[i] !== '\n') i++
      continue
    }
    if (cmd === 'a' || cmd === 'i' || cmd === 'c') {
      skipText() // appended text: output only
      continue
    }
    if (cmd === 'r' || cmd === 'R') {
      readFileName() // a file to read from: its contents go to the output
      continue
    }
    if (cmd === 'w' || cmd === 'W') {
      writes = true
      readFileName()
      continue
    }
    if (cmd === 'e') return done('exec')
    if (SIMPLE.has(cmd)) {
      skipBlanks()
      while (/[0-9]/.test(s[i] ?? '')) i++
      if (!atTerminator()) return done('unknown')
      continue
    }
    if (cmd === 's' || cmd === 'y') {
      const delim = s[i]
      if (delim === undefined || delim === '\n' || delim === '\\') return done('unknown')
      i++
      if (!readDelimited(delim, cmd === 's') || !readDelimited(delim, false)) return done('unknown')
      let written = false
      if (cmd === 's') {
        for (;;) {
          const f = s[i]
          if (f === 'e') return done('exec')
          if (f === 'w') {
            i++
            writes = true
            written = true
            readFileName()
            break
          }
          if (f !== undefined && /[gpiImM0-9]/.test(f)) {
            i++
            continue
          }
          break
        }
      }
      if (!written && !atTerminator()) return done('unknown')
      continue
    }
    return done('unknown')
  }
  return done(writes ? 'write' : 'safe')
}
