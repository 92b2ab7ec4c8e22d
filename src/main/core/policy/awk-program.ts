/**
 * Print-only awk programs: read with awk's tokens (strings, regular expressions, comments,
 * line continuations) and judged by an allow-list, the same for POSIX awk, gawk, mawk and BWK
 * awk. A program may run without a person when it only reads its input files and prints to
 * standard output:
 * - no `system()`, `close()`, `fflush()`, `getline` (from files, commands or input), no `|`
 *   (pipes to or from commands, gawk's `|&` coprocesses);
 * - no output redirection: a `>` or `>>` that belongs to a `print` / `printf` statement (not
 *   inside its parentheses) is refused, a `>` elsewhere is a comparison;
 * - no `ENVIRON`, `PROCINFO`, `SYMTAB`, `FUNCTAB` (the environment, the process), no `ARGV` /
 *   `ARGC` (which change the files awk opens);
 * - no `@` (gawk's `@include`, `@load`, `@namespace` and indirect calls), no `::`;
 * - every function called is a pure builtin on the list or defined in the program.
 * Where awks could split a `/` differently (a regular expression or a division), the `/` is
 * refused unless the token before it settles it the same way for all of them.
 */

/** Builtin functions that only compute. */
const PURE_FUNCTIONS = new Set([
  'length',
  'substr',
  'index',
  'split',
  'sub',
  'gsub',
  'match',
  'sprintf',
  'sin',
  'cos',
  'atan2',
  'exp',
  'log',
  'sqrt',
  'int',
  'rand',
  'srand',
  'tolower',
  'toupper',
  // gawk
  'gensub',
  'strtonum',
  'asort',
  'asorti',
  'patsplit',
  'and',
  'or',
  'xor',
  'lshift',
  'rshift',
  'compl',
  'systime',
  'strftime',
  'mktime',
  'typeof',
  'isarray'
])

const KEYWORDS = new Set([
  'BEGIN',
  'END',
  'BEGINFILE',
  'ENDFILE',
  'if',
  'else',
  'while',
  'for',
  'do',
  'break',
  'continue',
  'next',
  'nextfile',
  'exit',
  'return',
  'delete',
  'in',
  'function',
  'func',
  'print',
  'printf'
])

/** Names that reach outside the program's input and output. */
const REFUSED: Record<string, string> = {
  system: 'runs a shell command (`system`)',
  getline: 'reads from a file or a command (`getline`)',
  close: 'closes files or commands it opened (`close`)',
  fflush: 'flushes files or commands (`fflush`)',
  ENVIRON: 'reads environment variables (`ENVIRON`)',
  PROCINFO: 'reads information about the awk process (`PROCINFO`)',
  SYMTAB: 'reaches every variable by name (`SYMTAB`)',
  FUNCTAB: 'reaches every function by name (`FUNCTAB`)',
  ARGV: 'changes the files awk reads (`ARGV`)',
  ARGC: 'changes the files awk reads (`ARGC`)'
}

type Kind = 'ident' | 'number' | 'string' | 'regex' | 'op' | 'newline'

interface Token {
  kind: Kind
  text: string
  /** For identifiers: a `(` follows at once (a function call). */
  call?: boolean
}

class Refused extends Error {}

/** Tokens after which a `/` starts a regular expression in every awk (an operand is expected). */
const BEFORE_REGEX = new Set([
  '{',
  '}',
  ';',
  '(',
  ',',
  '[',
  '!',
  '~',
  '!~',
  '&&',
  '||',
  '?',
  ':',
  '=',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '^=',
  '**=',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '+',
  '-',
  '*',
  '%',
  '^',
  '**'
])
const REGEX_KEYWORDS = new Set(['print', 'printf', 'return', 'do', 'else', 'in'])

const OPERATORS = [
  '**=',
  '&&',
  '||',
  '!~',
  '==',
  '!=',
  '<=',
  '>=',
  '>>',
  '++',
  '--',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '^=',
  '**',
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ';',
  ',',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '!',
  '>',
  '<',
  '~',
  '?',
  ':',
  '=',
  '$'
]

/** Why an awk program may not run without a person, or null when it only prints. */
export function awkProgramProblem(program: string): string | null {
  let tokens: Token[]
  try {
    tokens = tokenize(program)
  } catch (e) {
    if (e instanceof Refused) return e.message
    throw e
  }
  const defined = new Set<string>()
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token
    if (t.kind === 'ident' && (t.text === 'function' || t.text === 'func')) {
      const name = tokens[i + 1]
      if (name?.kind === 'ident') defined.add(name.text)
    }
  }
  let depth = 0
  /** The bracket depth a `print` started at, while its statement lasts. */
  let printAt: number | null = null
  let prev: Token | undefined
  for (const t of tokens) {
    if (t.kind === 'ident') {
      const refused = REFUSED[t.text]
      if (refused !== undefined && Object.hasOwn(REFUSED, t.text)) return `the awk program ${refused}`
      if (t.text === 'print' || t.text === 'printf') printAt = depth
      else if (t.call && !PURE_FUNCTIONS.has(t.text) && !defined.has(t.text) && !KEYWORDS.has(t.text)) {
        return `Duck does not know the awk function \`${t.text}\``
      }
    } else if (t.kind === 'op') {
      if (t.text === '(' || t.text === '[') depth++
      else if (t.text === ')' || t.text === ']') {
        depth--
        if (printAt !== null && depth < printAt) printAt = null
      } else if (t.text === ';' || t.text === '{') {
        if (printAt !== null && depth <= printAt) printAt = null
      } else if (t.text === '}') {
        if (printAt !== null && depth <= printAt) printAt = null
      } else if ((t.text === '>' || t.text === '>>') && printAt !== null && depth === printAt) {
        return 'the awk program writes its output to a file (`print > file`)'
      }
    } else if (t.kind === 'newline') {
      // A newline ends a print statement unless the statement goes on (after `,`, `&&`, …).
      const ended = prev !== undefined && ['ident', 'number', 'string', 'regex'].includes(prev.kind)
      const closed = prev?.kind === 'op' && (prev.text === ')' || prev.text === ']')
      if (printAt !== null && depth <= printAt && (ended || closed || prev?.kind === 'newline')) printAt = null
    }
    prev = t
  }
  return null
}

function tokenize(s: string): Token[] {
  const out: Token[] = []
  let i = 0
  const refuse = (why: string): never => {
    throw new Refused(why)
  }
  const last = (): Token | undefined => out.at(-1)
  /** Whether a `/` here starts a regular expression; refused where awks may disagree. */
  const regexHere = (): boolean => {
    const t = last()
    if (t === undefined || t.kind === 'newline') return true
    if (t.kind === 'op') {
      if (BEFORE_REGEX.has(t.text)) return true
      if (t.text === ')' || t.text === ']') return false
      return refuse('the awk program has a `/` Duck cannot tell a division from a regular expression by')
    }
    if (t.kind === 'ident') {
      if (REGEX_KEYWORDS.has(t.text)) return true
      if (KEYWORDS.has(t.text) || PURE_FUNCTIONS.has(t.text)) {
        return refuse('the awk program has a `/` Duck cannot tell a division from a regular expression by')
      }
      return false
    }
    return false // after a number, a string or a regular expression: a division
  }

  while (i < s.length) {
    const c = s[i] as string
    if (c === ' ' || c === '\t') {
      i++
    } else if (c === '\n') {
      out.push({ kind: 'newline', text: '\n' })
      i++
    } else if (c === '\\') {
      if (s[i + 1] !== '\n') refuse('the awk program has a backslash outside a string')
      i += 2 // a line continuation
    } else if (c === '#') {
      while (i < s.length && s[i] !== '\n') i++
    } else if (c === '"') {
      let j = i + 1
      for (;;) {
        const d = s[j]
        if (d === undefined || d === '\n') refuse('the awk program has an unterminated string')
        if (d === '"') break
        j += d === '\\' ? 2 : 1
      }
      out.push({ kind: 'string', text: s.slice(i, j + 1) })
      i = j + 1
    } else if (c === '/' && regexHere()) {
      let j = i + 1
      for (;;) {
        const d = s[j]
        if (d === undefined || d === '\n') refuse('the awk program has an unterminated regular expression')
        if (d === '/') break
        if (d === '\\') {
          j += 2
          continue
        }
        if (d === '[') {
          // A bracket expression: awks differ on whether a `/` inside ends the expression.
          let k = j + 1
          if (s[k] === '^') k++
          if (s[k] === ']') k++
          while (k < s.length && s[k] !== ']' && s[k] !== '\n') {
            if (s[k] === '/') refuse('the awk program has a `/` inside brackets in a regular expression')
            k++
          }
          j = k
          continue
        }
        j++
      }
      out.push({ kind: 'regex', text: s.slice(i, j + 1) })
      i = j + 1
    } else if (/[0-9.]/.test(c) && /[0-9]/.test(c === '.' ? (s[i + 1] ?? '') : c)) {
      const m = /^(0[xX][0-9a-fA-F]+|[0-9]*\.?[0-9]*([eE][-+]?[0-9]+)?)/.exec(s.slice(i)) as RegExpExecArray
      out.push({ kind: 'number', text: m[0] })
      i += m[0].length
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i)) as RegExpExecArray
      i += m[0].length
      if (s.startsWith('::', i)) refuse('the awk program uses a gawk namespace (`::`)')
      out.push({ kind: 'ident', text: m[0], call: s[i] === '(' })
    } else if (c === '|') {
      if (s[i + 1] === '|') {
        out.push({ kind: 'op', text: '||' })
        i += 2
      } else {
        refuse('the awk program pipes to or from a command (`|`)')
      }
    } else if (c === '@') {
      refuse('the awk program uses gawk directives or indirect calls (`@`)')
    } else {
      const op = OPERATORS.find((o) => s.startsWith(o, i))
      if (op === undefined) refuse(`the awk program uses \`${c}\`, which Duck cannot read`)
      out.push({ kind: 'op', text: op as string })
      i += (op as string).length
    }
  }
  return out
}

export interface AwkArgs {
  program: string | undefined
  /** Operands after the program: files and `name=value` assignments. */
  operands: string[]
  /** `-v name=value` assignments. */
  assignments: string[]
  /** Why the options are not ones Duck allows (`-f`, long options, `-W`, …). */
  refused: string | null
}

/**
 * awk's command line: `-F fs` and `-v name=value` (attached or not), `--`, then the program
 * and its operands (options end at the first operand, as in every awk).
 */
export function parseAwkArgs(args: string[]): AwkArgs {
  const out: AwkArgs = { program: undefined, operands: [], assignments: [], refused: null }
  let i = 0
  for (; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === '--') {
      i++
      break
    }
    if (!arg.startsWith('-') || arg === '-') break
    const letter = arg[1] as string
    if (letter !== 'F' && letter !== 'v') {
      out.refused ??= arg
      continue
    }
    const value = arg.length > 2 ? arg.slice(2) : args[++i]
    if (value === undefined) out.refused ??= arg
    else if (letter === 'v') out.assignments.push(value)
  }
  out.program = args[i]
  out.operands = args.slice(i + 1)
  return out
}

/** Why the awk call may not run without a person, or null when it only prints. */
export function awkProblem(args: string[]): string | null {
  const parsed = parseAwkArgs(args)
  if (parsed.refused !== null) {
    return /^-f|^--(file|exec|include|load|source)|^-[eEil]/.test(parsed.refused)
      ? `\`awk ${parsed.refused}\` loads awk code Duck cannot check`
      : `Duck does not know the awk option \`${parsed.refused}\``
  }
  if (parsed.program === undefined) return 'awk has no program to check'
  for (const assignment of [...parsed.assignments, ...parsed.operands]) {
    const name = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(assignment)?.[1]
    if (name !== undefined && Object.hasOwn(REFUSED, name)) return `the awk call sets \`${name}\``
  }
  for (const assignment of parsed.assignments) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(assignment)) return `\`awk -v ${assignment}\` is not an assignment`
  }
  return awkProgramProblem(parsed.program)
}
