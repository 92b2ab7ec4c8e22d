/**
 * Duck's own reading of a command line, written from bash's rules (bash 5, `bash -c`, not
 * interactive: no aliases, no history expansion), for the small subset the policy can let run
 * without a person: words with quotes and backslashes, comments, `&&`, `||`, `;`, `|`,
 * newlines and redirects to `/dev/null` or between stdout and stderr. Anything else is
 * refused, never guessed at.
 *
 * bash-parser reads every command with tree-sitter-bash too and the two readings must agree
 * word for word: a grammar that tokenises some byte differently from the shell that runs the
 * command (a CR taken for a blank, a `#` taken for a comment in the middle of a word, a
 * backslash-CR-LF taken for a line continuation) can no longer hide a second command.
 *
 * The rules followed here (bash manual, "Shell Syntax"):
 * - Blanks are space and tab only; newline ends a command; `|&;()<>` are metacharacters.
 * - `\` outside quotes quotes the next character; `\<newline>` is removed, also inside a word
 *   and inside double quotes (a line continuation); a trailing lone `\` is refused.
 * - `'…'` is literal; inside `"…"` a backslash quotes only `$`, `` ` ``, `"`, `\` and newline.
 * - `#` starts a comment only where a word could start (not after `a`, `a\ ` or `''`).
 * - `$` and `` ` `` anywhere (expansions, substitutions, `$'…'`) are refused, as are `(`, `)`,
 *   `&` alone, `;;`, `|&`, here-documents and reserved words or assignments where a command
 *   starts.
 */
import type { Char } from './shell-words'
import { hasBraceExpansion, hasGlob } from './shell-words'

export interface LexedPart {
  argv: string[]
  globs: boolean[]
}

export type Lexed = { ok: true; parts: LexedPart[]; connectors: string[] } | { ok: false; reason: string }

/** Words that are reserved where a command starts (bash's `RESERVED_WORD` list, plus `[[`). */
const RESERVED = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'case',
  'esac',
  'for',
  'select',
  'while',
  'until',
  'do',
  'done',
  'in',
  'function',
  'time',
  'coproc',
  '{',
  '}',
  '!',
  '[[',
  ']]'
])

class Refused extends Error {}

function refuse(reason: string): never {
  throw new Refused(reason)
}

interface Command {
  words: Char[][]
  redirects: number
}

/** Reads `src` the way bash would, or says why Duck will not. */
export function lexCommand(src: string): Lexed {
  try {
    return { ok: true, ...new Lexer(src).run() }
  } catch (e) {
    if (e instanceof Refused) return { ok: false, reason: e.message }
    throw e
  }
}

class Lexer {
  private i = 0
  private readonly parts: LexedPart[] = []
  private readonly connectors: string[] = []
  /** The connector after the last finished part, waiting for the next part. */
  private pending: string | null = null
  private cmd: Command = { words: [], redirects: 0 }
  /** The word being read; null between words. */
  private word: Char[] | null = null

  constructor(private readonly s: string) {}

  run(): { parts: LexedPart[]; connectors: string[] } {
    const s = this.s
    while (this.i < s.length) {
      const c = s[this.i] as string
      if (c === ' ' || c === '\t') {
        this.endWord()
        this.i++
      } else if (c === '\n') {
        this.endWord()
        this.i++
        this.endCommand('\n')
      } else if (c === '\\') {
        const next = s[this.i + 1]
        if (next === undefined) refuse('the command ends with a lone backslash')
        this.i += 2
        if (next === '\n') continue // a line continuation: nothing, not even a word break
        this.push(next, true)
      } else if (c === "'") {
        const end = s.indexOf("'", this.i + 1)
        if (end < 0) refuse('the command has an unterminated quote')
        this.start()
        for (const ch of s.slice(this.i + 1, end)) this.push(ch, true)
        this.i = end + 1
      } else if (c === '"') {
        this.doubleQuoted()
      } else if (c === '$' || c === '`') {
        refuse('the command uses an expansion or substitution')
      } else if (c === '#' && this.word === null) {
        while (this.i < s.length && s[this.i] !== '\n') this.i++
      } else if (c === ';') {
        this.endWord()
        if (s[this.i + 1] === ';' || s[this.i + 1] === '&') refuse('the command uses `case` syntax')
        this.i++
        this.endCommand(';')
      } else if (c === '&') {
        if (s[this.i + 1] === '&') {
          this.endWord()
          this.i += 2
          this.endCommand('&&')
        } else if (s[this.i + 1] === '>') {
          this.endWord()
          this.redirect(null)
        } else {
          refuse('the command runs something in the background (`&`)')
        }
      } else if (c === '|') {
        this.endWord()
        if (s[this.i + 1] === '|') {
          this.i += 2
          this.endCommand('||')
        } else if (s[this.i + 1] === '&') {
          refuse('the command pipes error output too (`|&`)')
        } else {
          this.i++
          this.endCommand('|')
        }
      } else if (c === '(' || c === ')') {
        refuse('the command uses parentheses')
      } else if (c === '<' || c === '>') {
        this.redirect(this.takeFd())
      } else {
        this.push(c, false)
        this.i++
      }
    }
    this.endWord()
    this.endCommand(null)
    if (this.pending !== null && this.pending !== ';' && this.pending !== '\n') {
      refuse('the command is incomplete')
    }
    return { parts: this.parts, connectors: this.connectors }
  }

  private start(): void {
    this.word ??= []
  }

  private push(c: string, quoted: boolean): void {
    this.start()
    ;(this.word as Char[]).push({ c, quoted })
  }

  private endWord(): void {
    if (this.word !== null) this.cmd.words.push(this.word)
    this.word = null
  }

  private doubleQuoted(): void {
    const s = this.s
    this.start()
    let j = this.i + 1
    for (;;) {
      const c = s[j]
      if (c === undefined) refuse('the command has an unterminated quote')
      if (c === '"') break
      if (c === '$' || c === '`') refuse('the command uses an expansion or substitution')
      if (c === '\\') {
        const next = s[j + 1]
        if (next !== undefined && '$`"\\\n'.includes(next)) {
          if (next !== '\n') this.push(next, true)
          j += 2
          continue
        }
      }
      this.push(c, true)
      j++
    }
    this.i = j + 1
  }

  /** The digits just read, when they are all the word so far (`2` in `2>`): the redirect's fd. */
  private takeFd(): string | null {
    const w = this.word
    if (w === null) return null
    if (w.length > 0 && w.every((ch) => !ch.quoted && /[0-9]/.test(ch.c))) {
      this.word = null
      return w.map((ch) => ch.c).join('')
    }
    // `a>x`, `{var}>x` (which assigns a variable), `'2'>x`: not a form Duck lets through.
    return refuse('a redirect is joined to a word')
  }

  /** Harmless redirects only: to or from `/dev/null`, or stdout and stderr into each other. */
  private redirect(fd: string | null): void {
    const s = this.s
    let op = ''
    if (s.startsWith('&>>', this.i)) op = '&>>'
    else if (s.startsWith('&>', this.i)) op = '&>'
    else if (s.startsWith('>>', this.i)) op = '>>'
    else if (s.startsWith('>&', this.i)) op = '>&'
    else if (s.startsWith('>|', this.i) || s.startsWith('>(', this.i)) refuse('the command uses an unusual redirect')
    else if (s.startsWith('>', this.i)) op = '>'
    else if (s.startsWith('<', this.i) && !/^<[<&>(]/.test(s.slice(this.i, this.i + 2))) op = '<'
    else refuse('the command uses an unusual redirect')
    if (op.startsWith('&') && fd !== null) refuse('the command uses an unusual redirect')
    if (fd !== null && fd.length > 1) refuse('the command redirects an unusual file descriptor')
    this.i += op.length
    while (s[this.i] === ' ' || s[this.i] === '\t') this.i++
    const target = this.targetWord()
    const ok = op === '>&' ? target === '1' || target === '2' : target === '/dev/null'
    if (!ok) refuse('the command redirects to or from a file')
    this.cmd.redirects++
  }

  /** The word after a redirect operator: plain characters and quotes only. */
  private targetWord(): string {
    const s = this.s
    let out = ''
    let any = false
    while (this.i < s.length) {
      const c = s[this.i] as string
      if (' \t\n;&|()<>'.includes(c)) break
      if (c === "'") {
        const end = s.indexOf("'", this.i + 1)
        if (end < 0) refuse('the command has an unterminated quote')
        out += s.slice(this.i + 1, end)
        this.i = end + 1
      } else if (c === '"') {
        const end = s.indexOf('"', this.i + 1)
        if (end < 0) refuse('the command has an unterminated quote')
        const inner = s.slice(this.i + 1, end)
        if (/[$`\\]/.test(inner)) refuse('the redirect target is not plain')
        out += inner
        this.i = end + 1
      } else if (/[$`\\*?[{~]/.test(c)) {
        refuse('the redirect target is not plain')
      } else {
        out += c
        this.i++
      }
      any = true
    }
    if (!any) refuse('a redirect has no target')
    return out
  }

  /** Ends the current command at `connector` (null: the end of the input). */
  private endCommand(connector: string | null): void {
    const cmd = this.cmd
    this.cmd = { words: [], redirects: 0 }
    if (cmd.words.length === 0) {
      if (cmd.redirects > 0) refuse('a redirect has no program')
      // A blank line, or the newline after `&&`, `||`, `|` (which may continue on the next line).
      if (connector === '\n' || connector === null) return
      // `; ls`, `ls; ;`, `ls && ; pwd`: bash syntax errors.
      refuse('the command has an empty part')
    }
    const first = cmd.words[0] as Char[]
    const firstText = first.map((ch) => ch.c).join('')
    if (first.every((ch) => !ch.quoted) && RESERVED.has(firstText)) {
      refuse(`the command uses the shell keyword \`${firstText}\``)
    }
    for (const w of cmd.words) {
      if (hasBraceExpansion(w)) refuse('the command uses brace expansion')
    }
    if (isAssignment(first)) refuse('the command sets a shell variable')
    if (this.pending !== null) this.connectors.push(this.pending === '\n' ? ';' : this.pending)
    this.parts.push({
      argv: cmd.words.map((w) => w.map((ch) => ch.c).join('')),
      globs: cmd.words.map((w) => hasGlob(w))
    })
    this.pending = connector
  }
}

/** `NAME=…`, `NAME+=…`, `NAME[…]=…` with the name and `=` unquoted: bash assigns, not runs. */
function isAssignment(word: readonly Char[]): boolean {
  let j = 0
  const plain = (k: number): string | null => {
    const ch = word[k]
    return ch && !ch.quoted ? ch.c : null
  }
  const first = plain(0)
  if (first === null || !/[A-Za-z_]/.test(first)) return false
  j = 1
  while (plain(j) !== null && /[A-Za-z0-9_]/.test(plain(j) as string)) j++
  if (plain(j) === '[') return true // an array element: refuse whatever follows
  if (plain(j) === '+') j++
  return plain(j) === '='
}
