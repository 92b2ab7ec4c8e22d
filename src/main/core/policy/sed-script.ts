/**
 * A small, conservative scanner for sed scripts. It only has to answer one question: can the
 * script write files (`w`, `W`, the `w` flag of `s`) or run commands (`e`, the `e` flag of
 * `s`)? Anything it does not understand is reported as `unknown`, never as safe.
 */

export type SedScriptVerdict = 'safe' | 'write' | 'exec' | 'unknown'

/** Commands that take no argument (some take an optional number). */
const SIMPLE = new Set(['p', 'P', '=', 'l', 'L', 'q', 'Q', 'n', 'N', 'd', 'D', 'g', 'G', 'h', 'H', 'x', 'z', 'F'])

export function checkSedScript(script: string): SedScriptVerdict {
  const s = script
  let i = 0

  const skipBlanks = (): void => {
    while (s[i] === ' ' || s[i] === '\t') i++
  }
  const skipToEol = (): void => {
    while (i < s.length && s[i] !== '\n') i++
  }
  /** Text up to an unescaped newline (`a`, `i`, `c`, `r`, …). */
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
  /** Reads up to the next unescaped `delim`; false when there is none. */
  const readDelimited = (delim: string): boolean => {
    while (i < s.length) {
      const c = s[i] as string
      if (c === '\\') {
        i += 2
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
      if (!readDelimited(delim)) return false
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
    if (!parseAddress()) return 'unknown'
    skipBlanks()
    if (s[i] === ',') {
      i++
      skipBlanks()
      if (s[i] === '+' || s[i] === '~') {
        i++
        while (/[0-9]/.test(s[i] ?? '')) i++
      } else if (!parseAddress()) {
        return 'unknown'
      }
      skipBlanks()
    }
    if (s[i] === '!') {
      i++
      skipBlanks()
    }
    const cmd = s[i]
    if (cmd === undefined) return 'unknown' // an address without a command
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
    if (cmd === 'a' || cmd === 'i' || cmd === 'c' || cmd === 'r' || cmd === 'R') {
      skipText() // appended text or a file name to read from: output only
      continue
    }
    if (cmd === 'w' || cmd === 'W') return 'write'
    if (cmd === 'e') return 'exec'
    if (SIMPLE.has(cmd)) {
      skipBlanks()
      while (/[0-9]/.test(s[i] ?? '')) i++
      if (!atTerminator()) return 'unknown'
      continue
    }
    if (cmd === 's' || cmd === 'y') {
      const delim = s[i]
      if (delim === undefined || delim === '\n' || delim === '\\') return 'unknown'
      i++
      if (!readDelimited(delim) || !readDelimited(delim)) return 'unknown'
      if (cmd === 's') {
        for (;;) {
          const f = s[i]
          if (f === 'w') return 'write'
          if (f === 'e') return 'exec'
          if (f !== undefined && /[gpiImM0-9]/.test(f)) {
            i++
            continue
          }
          break
        }
      }
      if (!atTerminator()) return 'unknown'
      continue
    }
    return 'unknown'
  }
  return 'safe'
}
