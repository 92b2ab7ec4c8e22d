/**
 * jq programs, read with jq's own tokens (strings with `\(…)` interpolation, `.field`, `$var`,
 * `@format`, comments) and judged by an allow-list: every function a program calls must be a
 * pure builtin on the list below or one the program defines itself. What is not on the list —
 * the environment (`env`, `$ENV`), where jq runs from (`input_filename`, `$__loc__`,
 * `get_search_list`, `get_jq_origin`, `get_prog_origin`), modules (`import`, `include`,
 * `modulemeta`, `mod::fn`) and anything jq adds later — makes the program ask. Spelling tricks
 * (`env` as `"\(env)"`, `$__loc__`, `{(env): 1}`) are tokens like any other here.
 *
 * `input` and `inputs` read the next inputs from the files on the command line, which are
 * judged as operands like any reader's, so they stay allowed.
 */

/** Builtins that only compute on their input (jq 1.5 to 1.7). */
const PURE = new Set(
  `
  length utf8bytelength not keys keys_unsorted values has in inside contains map map_values path
  del getpath setpath delpaths paths leaf_paths pick to_entries from_entries with_entries select
  empty error arrays objects iterables booleans numbers normals finites strings nulls scalars
  add any all flatten range floor ceil round trunc sqrt pow log log2 log10 exp exp2 exp10 fabs
  significand frexp ldexp modf nearbyint rint drem gamma lgamma tgamma lgamma_r sin cos tan asin
  acos atan sinh cosh tanh asinh acosh atanh cbrt atan2 fmin fmax fmod hypot abs toarray
  tostring tonumber type infinite nan isinfinite isnan isnormal isvalid sort sort_by group_by
  min max min_by max_by unique unique_by reverse indices index rindex startswith endswith
  combinations ltrimstr rtrimstr trim ltrim rtrim explode implode split splits join
  ascii_downcase ascii_upcase ascii recurse recurse_down transpose bsearch first last nth until
  while repeat limit isempty tojson fromjson todate fromdate date now mktime gmtime localtime
  strftime strflocaltime strptime todateiso8601 fromdateiso8601 dateadd datesub test match
  capture scan sub gsub tostream fromstream truncate_stream walk IN INDEX GROUP_BY UNIQUE_BY
  ANY ALL input inputs input_line_number debug stderr halt halt_error builtins have_decnum
  have_literal_numbers
  `
    .split(/\s+/)
    .filter(Boolean)
)

const KEYWORDS = new Set([
  'def',
  'if',
  'then',
  'elif',
  'else',
  'end',
  'as',
  'reduce',
  'foreach',
  'try',
  'catch',
  'label',
  'break',
  'and',
  'or',
  'true',
  'false',
  'null',
  '__loc__'
])

const FORMATS = new Set(['text', 'json', 'html', 'uri', 'csv', 'tsv', 'sh', 'base64', 'base64d', 'base32', 'base32d'])

type Token =
  | { kind: 'ident'; text: string }
  | { kind: 'var'; text: string }
  | { kind: 'format'; text: string }
  | { kind: 'punct'; text: string }
  | { kind: 'field' }
  | { kind: 'literal' }

class Refused extends Error {}

/** Why a jq program may not run without a person, or null when it only computes. */
export function jqProgramProblem(program: string): string | null {
  let tokens: Token[]
  try {
    tokens = tokenize(program)
  } catch (e) {
    if (e instanceof Refused) return e.message
    throw e
  }
  // Names the program defines itself (`def f:`, `def f(g; $x):`) and their parameters.
  const defined = new Set<string>()
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token
    if (t.kind !== 'ident' || t.text !== 'def') continue
    const name = tokens[i + 1]
    if (name?.kind === 'ident') defined.add(name.text)
    if (tokens[i + 2]?.kind === 'punct' && (tokens[i + 2] as { text: string }).text === '(') {
      for (let j = i + 3; j < tokens.length; j++) {
        const p = tokens[j] as Token
        if (p.kind === 'punct' && p.text === ')') break
        if (p.kind === 'ident') defined.add(p.text)
      }
    }
  }
  const stack: string[] = []
  let prev: Token | undefined
  for (const t of tokens) {
    if (t.kind === 'punct') {
      if (t.text === '(' || t.text === '[' || t.text === '{') stack.push(t.text)
      else if (t.text === ')' || t.text === ']' || t.text === '}') stack.pop()
    } else if (t.kind === 'var') {
      if (t.text === 'ENV') return 'the jq program reads environment variables (`$ENV`)'
      if (t.text.startsWith('__')) return `the jq program uses \`$${t.text}\`, which tells where jq runs from`
    } else if (t.kind === 'format') {
      if (!FORMATS.has(t.text)) return `Duck does not know the jq format \`@${t.text}\``
    } else if (t.kind === 'ident') {
      // An object key (`{name, age}`, `{a: 1}`) names a field, not a function.
      const key = stack.at(-1) === '{' && prev?.kind === 'punct' && (prev.text === '{' || prev.text === ',')
      if (!key && !KEYWORDS.has(t.text) && !PURE.has(t.text) && !defined.has(t.text)) {
        if (t.text === 'env') return 'the jq program reads environment variables (`env`)'
        if (t.text === 'import' || t.text === 'include' || t.text === 'modulemeta') {
          return `the jq program loads modules or data from files (\`${t.text}\`)`
        }
        return `Duck does not know the jq function \`${t.text}\``
      }
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

  /** A string literal starting at `"`; interpolations are tokenised in place. */
  const string = (): void => {
    i++
    for (;;) {
      const c = s[i]
      if (c === undefined) refuse('the jq program has an unterminated string')
      if (c === '"') {
        i++
        out.push({ kind: 'literal' })
        return
      }
      if (c === '\\') {
        const next = s[i + 1]
        if (next === '(') {
          i += 2
          out.push({ kind: 'punct', text: '(' })
          code(')')
          out.push({ kind: 'punct', text: ')' })
          continue
        }
        if (next === undefined) refuse('the jq program has an unterminated string')
        i += 2
        continue
      }
      i++
    }
  }

  /** Code up to the closing `until` (a `)` ending an interpolation) or the end. */
  const code = (until: string | null): void => {
    let depth = 0
    while (i < s.length) {
      const c = s[i] as string
      if (/\s/.test(c)) {
        i++
      } else if (c === '#') {
        // jq 1.7.1 lets a backslash continue a comment; older versions do not. The next line is
        // read as code either way, which can only find more to judge.
        while (i < s.length && s[i] !== '\n') i++
      } else if (c === '"') {
        string()
      } else if (c === '$') {
        const m = /^\$(__loc__|[A-Za-z_][A-Za-z0-9_]*)/.exec(s.slice(i))
        if (!m) refuse('the jq program uses `$` in a way Duck cannot read')
        const name = (m as RegExpExecArray)[1] as string
        if (s.startsWith('::', i + 1 + name.length)) refuse('the jq program uses a module (`$mod::name`)')
        out.push({ kind: 'var', text: name })
        i += 1 + name.length
      } else if (c === '@') {
        const m = /^@([A-Za-z0-9_]+)/.exec(s.slice(i))
        if (!m) refuse('the jq program uses `@` in a way Duck cannot read')
        out.push({ kind: 'format', text: (m as RegExpExecArray)[1] as string })
        i += (m as RegExpExecArray)[0].length
      } else if (c === '.') {
        if (s[i + 1] === '.') {
          out.push({ kind: 'punct', text: '..' })
          i += 2
        } else if (/[A-Za-z_]/.test(s[i + 1] ?? '')) {
          const m = /^\.[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i)) as RegExpExecArray
          i += m[0].length
          out.push({ kind: 'field' })
        } else if (s[i + 1] === '"') {
          i++
          out.push({ kind: 'field' })
          string()
        } else if (/[0-9]/.test(s[i + 1] ?? '')) {
          const m = /^\.[0-9]+([eE][-+]?[0-9]+)?/.exec(s.slice(i)) as RegExpExecArray
          i += m[0].length
          out.push({ kind: 'literal' })
        } else {
          out.push({ kind: 'punct', text: '.' })
          i++
        }
      } else if (/[0-9]/.test(c)) {
        const m = /^[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?/.exec(s.slice(i)) as RegExpExecArray
        i += m[0].length
        out.push({ kind: 'literal' })
      } else if (/[A-Za-z_]/.test(c)) {
        const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i)) as RegExpExecArray
        i += m[0].length
        if (s.startsWith('::', i)) refuse(`the jq program uses a module (\`${m[0]}::…\`)`)
        out.push({ kind: 'ident', text: m[0] })
      } else {
        const op = ['?//=', '?//', '//=', '|=', '+=', '-=', '*=', '/=', '%=', '==', '!=', '<=', '>=', '//'].find((o) =>
          s.startsWith(o, i)
        )
        if (op !== undefined) {
          out.push({ kind: 'punct', text: op })
          i += op.length
          continue
        }
        if (!'|,+-*/%=<>()[]{}:;?'.includes(c)) refuse(`the jq program uses \`${c}\`, which Duck cannot read`)
        if (c === '(') depth++
        if (c === ')') {
          if (depth === 0 && until === ')') {
            i++
            return
          }
          depth--
        }
        out.push({ kind: 'punct', text: c })
        i++
      }
    }
    if (until !== null) refuse('the jq program has an unterminated string interpolation')
  }

  code(null)
  return out
}

/** jq's options that only shape input and output, and how many values each takes. */
const JQ_OPTIONS: Record<string, number> = {
  '--null-input': 0,
  '--raw-input': 0,
  '--slurp': 0,
  '--compact-output': 0,
  '--raw-output': 0,
  '--raw-output0': 0,
  '--join-output': 0,
  '--ascii-output': 0,
  '--sort-keys': 0,
  '--color-output': 0,
  '--monochrome-output': 0,
  '--tab': 0,
  '--indent': 1,
  '--unbuffered': 0,
  '--stream': 0,
  '--stream-errors': 0,
  '--seq': 0,
  '--exit-status': 0,
  '--arg': 2,
  '--argjson': 2,
  '--slurpfile': 2,
  '--rawfile': 2,
  '--args': 0,
  '--jsonargs': 0,
  '--help': 0,
  '--version': 0,
  '--build-configuration': 0
}
/** Short flags jq accepts, alone or clustered (`-nr`). */
const JQ_SHORT = 'nrjasSCMceRhV0'

export interface JqArgs {
  /** The program (the first operand), when there is one. */
  program: string | undefined
  /** Operands after the program: input files (or arguments after `--args`). */
  files: string[]
  /** An option that is not on the list (`-f`, `-L`, `--from-file`, anything unknown). */
  refused: string | null
}

/** Reads jq's command line the way jq does: options anywhere, `--` ends them. */
export function parseJqArgs(args: string[]): JqArgs {
  const out: JqArgs = { program: undefined, files: [], refused: null }
  let done = false
  const operand = (word: string): void => {
    if (out.program === undefined) out.program = word
    else out.files.push(word)
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (done || arg === '-' || !arg.startsWith('-')) {
      operand(arg)
    } else if (arg === '--') {
      done = true
    } else if (arg.startsWith('--')) {
      const count = JQ_OPTIONS[arg]
      if (count === undefined || !Object.hasOwn(JQ_OPTIONS, arg)) out.refused ??= arg
      else i += count
    } else if ([...arg.slice(1)].some((c) => !JQ_SHORT.includes(c))) {
      out.refused ??= arg
    }
  }
  return out
}
