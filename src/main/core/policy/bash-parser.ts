/**
 * Parses a shell command with tree-sitter-bash and says whether it is made only of plain
 * words joined by `&&`, `||`, `;`, `|` and newlines (plus `[ … ]` tests and redirects to
 * `/dev/null` or between stdout and stderr). Anything the shell would rewrite before running
 * it (expansions, substitutions, other redirects, control flow, …) makes the result
 * `ok: false`, so the policy never has to guess what the shell will really run.
 *
 * The grammar is not the shell: before parsing, control characters other than tab and newline
 * and invisible or non-ASCII blanks are refused, and a plain result must match Duck's own
 * reading of the line with bash's rules (shell-lexer) word for word, so a byte the grammar
 * tokenises differently from bash (a CR, a `#` inside a word after a line continuation, …)
 * cannot hide a second command.
 *
 * Never imports `electron`: this runs in the core and in plain Node tests.
 */
import { createRequire } from 'node:module'
import { Language, Parser, type Node } from 'web-tree-sitter'
import { lexCommand, type LexedPart } from './shell-lexer'
import type { Char } from './shell-words'
import { hasBraceExpansion, hasGlob, unsupportedCharacter } from './shell-words'

export interface CommandPart {
  /** The words after quote removal, e.g. `['grep', '-n', 'a b', 'f.txt']`. */
  argv: string[]
  /** The part's source text, e.g. `grep -n "a b" f.txt`. */
  text: string
  /**
   * One flag per argv entry: true when the word holds an unquoted wildcard (`*`, `?`, `[…]`)
   * that the shell may replace with file names. argv keeps the literal word.
   */
  globs: boolean[]
}

export type ParsedCommand =
  | {
      ok: true
      parts: CommandPart[]
      /** parts.length - 1 connectors: `&&`, `||`, `;` (also for newlines) or `|`. */
      connectors: string[]
    }
  | { ok: false; reason: string }

/** What a redirect in the command does, for the policy's classification. */
export interface RedirectInfo {
  /** The redirect's source text, e.g. `> /etc/x`, `2>&1`, `<<EOF`. */
  text: string
  /** A file the redirect writes to (not set for /dev/null or fd duplication). */
  writes?: string
  /** A file the redirect reads from. */
  reads?: string
}

/** The full result: `parsed` plus best-effort facts for commands that are not plain. */
export interface CommandAnalysis {
  parsed: ParsedCommand
  /** Plain-English reasons why the command is not plain (empty when parsed.ok). */
  problems: string[]
  /**
   * Best effort: every simple command found anywhere in the tree, including inside
   * substitutions, subshells and control flow. Words that are not plain keep their source
   * text. Only meant for classifying a command that will need a person anyway.
   */
  commands: CommandPart[]
  redirects: RedirectInfo[]
}

// ---------------------------------------------------------------------------------------------
// Loading (once, lazily)

let parserPromise: Promise<Parser> | null = null

async function loadParser(): Promise<Parser> {
  const require = createRequire(import.meta.url)
  const runtimeWasm = require.resolve('web-tree-sitter/web-tree-sitter.wasm')
  const bashWasm = require.resolve('tree-sitter-bash/tree-sitter-bash.wasm')
  await Parser.init({
    locateFile: (file: string, dir: string) => (file === 'web-tree-sitter.wasm' ? runtimeWasm : dir + file)
  })
  const bash = await Language.load(bashWasm)
  const parser = new Parser()
  parser.setLanguage(bash)
  return parser
}

function getParser(): Promise<Parser> {
  if (!parserPromise) {
    parserPromise = loadParser().catch((err: unknown) => {
      parserPromise = null // allow a later retry
      throw err
    })
  }
  return parserPromise
}

// ---------------------------------------------------------------------------------------------
// Public API

/** Parses `command`; see {@link ParsedCommand}. */
export async function parseCommand(command: string): Promise<ParsedCommand> {
  return (await analyzeCommand(command)).parsed
}

/** Parses `command` and also gathers best-effort facts for the policy. */
export async function analyzeCommand(command: string): Promise<CommandAnalysis> {
  const parser = await getParser()
  const tree = parser.parse(command)
  if (!tree) {
    const reason = 'the command could not be parsed'
    return { parsed: { ok: false, reason }, problems: [reason], commands: [], redirects: [] }
  }
  try {
    const root = tree.rootNode
    const problems = new Problems()
    const parts: CommandPart[] = []
    const connectors: string[] = []
    const bad = unsupportedCharacter(command)
    if (bad !== null) {
      problems.add(
        `the command contains the control or invisible character ${bad}, which the shell reads differently from how it looks`
      )
    }
    if (root.hasError) {
      // One clear message; what tree-sitter recovered around the error is not worth listing.
      problems.add(describeSyntaxError(root))
    } else {
      walkProgram(root, parts, connectors, problems)
    }
    if (problems.list.length === 0 && parts.length === 0) problems.add('the command is empty')
    if (problems.list.length === 0) {
      // The second reading, with bash's own rules: both must see the same commands.
      const lexed = lexCommand(command)
      if (!lexed.ok) problems.add(`Duck cannot read the command the way bash does (${lexed.reason})`)
      else if (!sameReading(parts, connectors, lexed.parts, lexed.connectors)) {
        problems.add('the command reads differently to bash than it looks')
      }
    }

    const commands = collectCommands(root)
    const redirects = collectRedirects(root)

    const parsed: ParsedCommand =
      problems.list.length === 0 ? { ok: true, parts, connectors } : { ok: false, reason: problems.list.join('; ') }
    return { parsed, problems: problems.list, commands, redirects }
  } finally {
    tree.delete()
  }
}

function sameReading(
  parts: CommandPart[],
  connectors: string[],
  lexed: LexedPart[],
  lexedConnectors: string[]
): boolean {
  if (parts.length !== lexed.length || connectors.join(' ') !== lexedConnectors.join(' ')) return false
  return parts.every((part, i) => {
    const other = lexed[i] as LexedPart
    return (
      part.argv.length === other.argv.length &&
      part.argv.every((w, j) => w === other.argv[j]) &&
      part.globs.every((g, j) => g === other.globs[j])
    )
  })
}

// ---------------------------------------------------------------------------------------------
// Strict walk: only plain commands and the four connectors

class Problems {
  readonly list: string[] = []
  add(reason: string): void {
    if (!this.list.includes(reason)) this.list.push(reason)
  }
}

function walkProgram(root: Node, parts: CommandPart[], connectors: string[], problems: Problems): void {
  for (const child of root.children) {
    if (child.isNamed) {
      if (child.type === 'comment') continue
      const before = parts.length
      const subParts: CommandPart[] = []
      const subConnectors: string[] = []
      walkStatement(child, subParts, subConnectors, problems)
      if (subParts.length === 0) continue
      if (before > 0) connectors.push(';')
      parts.push(...subParts)
      connectors.push(...subConnectors)
    } else if (child.type === '&') {
      problems.add('the command runs something in the background (`&`)')
    } else if (child.type !== ';' && child.type !== '\n') {
      problems.add(`the command uses unexpected syntax \`${child.type}\``)
    }
  }
}

function walkStatement(node: Node, parts: CommandPart[], connectors: string[], problems: Problems): void {
  switch (node.type) {
    case 'command': {
      const part = plainCommand(node, problems)
      if (part) parts.push(part)
      return
    }
    case 'list':
    case 'pipeline': {
      let first = true
      for (const child of node.children) {
        if (child.isNamed) {
          if (child.type === 'comment') continue
          const subParts: CommandPart[] = []
          const subConnectors: string[] = []
          walkStatement(child, subParts, subConnectors, problems)
          if (!first && subParts.length === 0) connectors.pop()
          parts.push(...subParts)
          connectors.push(...subConnectors)
          first = false
        } else if (child.type === '&&' || child.type === '||' || child.type === '|') {
          connectors.push(child.type)
        } else if (child.type === '|&') {
          problems.add('the command pipes error output too (`|&`), which is a redirect')
        } else {
          problems.add(`the command uses unexpected syntax \`${child.type}\``)
        }
      }
      return
    }
    case 'redirected_statement': {
      const redirects = node.namedChildren.filter((c) => isRedirect(c))
      const body = node.namedChildren.filter((c) => !isRedirect(c))
      const only = body[0]
      if (
        body.length === 1 &&
        only !== undefined &&
        (only.type === 'command' || only.type === 'test_command') &&
        redirects.every(harmlessRedirect)
      ) {
        // A stream pointed at /dev/null or at the other output is no problem of its own.
        walkStatement(only, parts, connectors, problems)
        return
      }
      describeRedirects(node, problems)
      // Still look inside so every problem is reported.
      for (const child of body) walkStatement(child, [], [], problems)
      return
    }
    case 'subshell':
      problems.add('the command runs commands in a subshell `( … )`')
      return
    case 'compound_statement':
      problems.add('the command groups commands with `{ … }`')
      return
    case 'function_definition':
      problems.add('the command defines a shell function')
      return
    case 'if_statement':
    case 'for_statement':
    case 'c_style_for_statement':
    case 'while_statement':
    case 'case_statement':
      problems.add('the command uses control flow (`if`, `for`, `while` or `case`)')
      return
    case 'variable_assignment':
    case 'variable_assignments':
      problems.add('the command sets a shell variable (`NAME=value`)')
      return
    case 'declaration_command':
      problems.add('the command declares variables (`export`, `declare`, `local`, …)')
      return
    case 'unset_command':
      problems.add('the command unsets variables')
      return
    case 'negated_command':
      problems.add('the command negates a command with `!`')
      return
    case 'test_command': {
      // `[ … ]` is the `[` builtin with plain words: a part like any other. `[[ … ]]` and
      // `(( … ))` evaluate arithmetic, which can run substitutions hidden in array subscripts.
      const part = bracketTest(node, problems)
      if (part) parts.push(part)
      return
    }
    case 'ERROR':
      return // already reported by describeSyntaxError
    default:
      problems.add(`the command uses unsupported shell syntax (${node.type.replace(/_/g, ' ')})`)
  }
}

function plainCommand(node: Node, problems: Problems): CommandPart | null {
  const argv: string[] = []
  const globs: boolean[] = []
  let ok = true
  for (const child of node.children) {
    if (child.type === 'variable_assignment') {
      problems.add('the command sets an environment variable for the program (`NAME=value cmd`)')
      ok = false
      continue
    }
    if (isRedirect(child)) {
      if (harmlessRedirect(child)) continue
      describeRedirect(child, problems)
      ok = false
      continue
    }
    if (child.type === 'comment') continue
    const target = child.type === 'command_name' ? child.firstChild : child
    if (!target) {
      ok = false
      continue
    }
    const word = decodeWord(target)
    if ('problem' in word) {
      problems.add(word.problem)
      ok = false
      continue
    }
    argv.push(word.value)
    globs.push(word.glob)
  }
  if (!ok) return null
  if (argv.length === 0) {
    problems.add('the command has no program to run')
    return null
  }
  return { argv, text: node.text, globs }
}

/**
 * `[ … ]` (the `[` builtin, not `[[`): its words in order, when every one is plain. Operators
 * the grammar reads inside (`-f`, `=`, `!`, `-o`) are plain words to bash.
 */
function bracketTest(node: Node, problems: Problems): CommandPart | null {
  const problem = 'the command uses a shell test (`[[ … ]]` or `(( … ))`) or a `[ … ]` test Duck cannot read'
  const first = node.firstChild
  const last = node.lastChild
  if (first?.type !== '[' || last?.type !== ']') {
    problems.add(problem)
    return null
  }
  const argv: string[] = ['[']
  const globs: boolean[] = [false]
  const visit = (n: Node): boolean => {
    if (['word', 'string', 'raw_string', 'number', 'concatenation'].includes(n.type)) {
      const word = decodeWord(n)
      if ('problem' in word) {
        problems.add(word.problem)
        return false
      }
      argv.push(word.value)
      globs.push(word.glob)
      return true
    }
    if (n.type === 'binary_expression' || n.type === 'unary_expression') return n.children.every(visit)
    if (n.childCount === 0 && !n.isNamed && /^(-[a-zA-Z]+|!|=|==|!=)$/.test(n.type)) {
      argv.push(n.text)
      globs.push(false)
      return true
    }
    if (n.type === 'test_operator') {
      argv.push(n.text)
      globs.push(false)
      return true
    }
    problems.add(problem)
    return false
  }
  for (const child of node.children.slice(1, -1)) if (!visit(child)) return null
  argv.push(']')
  globs.push(false)
  return { argv, text: node.text, globs }
}

// ---------------------------------------------------------------------------------------------
// Words

type Decoded = { value: string; glob: boolean } | { problem: string }

/** Decodes one argument node into its literal value, or says why it is not plain. */
function decodeWord(node: Node): Decoded {
  const chars: Char[] = []
  const problem = collectChars(node, chars)
  if (problem) return { problem }
  const value = chars.map((ch) => ch.c).join('')
  if (hasBraceExpansion(chars)) {
    return { problem: `the command uses brace expansion (\`${node.text}\`)` }
  }
  return { value, glob: hasGlob(chars) }
}

function collectChars(node: Node, out: Char[]): string | null {
  switch (node.type) {
    case 'word':
      unescapeUnquoted(node.text, out)
      return null
    case 'number':
      for (const c of node.text) out.push({ c, quoted: false })
      return null
    case 'raw_string': {
      const inner = node.text.slice(1, -1)
      for (const c of inner) out.push({ c, quoted: true })
      return null
    }
    case 'string': {
      for (const child of node.children) {
        if (child.type === '"' || child.type === 'string_content') continue
        return describeExpansion(child)
      }
      unescapeDoubleQuoted(node.text.slice(1, -1), out)
      return null
    }
    case 'concatenation': {
      for (const child of node.children) {
        const problem = collectChars(child, out)
        if (problem) return problem
      }
      return null
    }
    default:
      return describeExpansion(node)
  }
}

function describeExpansion(node: Node): string {
  switch (node.type) {
    case 'simple_expansion':
    case 'expansion':
    case '$':
      return `the command uses variable expansion (\`${node.text}\`)`
    case 'command_substitution':
      return node.text.startsWith('`')
        ? 'the command uses command substitution with backticks (`` `…` ``)'
        : 'the command uses command substitution `$(…)`'
    case 'process_substitution':
      return 'the command uses process substitution `<(…)`'
    case 'arithmetic_expansion':
      return 'the command uses arithmetic expansion `$((…))`'
    case 'ansi_c_string':
      return "the command uses ANSI-C quoting (`$'…'`)"
    case 'translated_string':
      return 'the command uses a translated string (`$"…"`)'
    case 'brace_expression':
      return `the command uses brace expansion (\`${node.text}\`)`
    case 'ERROR':
      return 'the command could not be parsed'
    default:
      return `the command uses unsupported shell syntax (\`${node.text}\`)`
  }
}

/** Backslash removal outside quotes: `\x` is a literal `x`, `\<newline>` disappears. */
function unescapeUnquoted(text: string, out: Char[]): void {
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    if (c === '\\' && i + 1 < text.length) {
      const next = text[++i] as string
      if (next !== '\n') out.push({ c: next, quoted: true })
    } else {
      out.push({ c, quoted: false })
    }
  }
}

/** Inside double quotes, a backslash only escapes `$`, `` ` ``, `"`, `\` and newline. */
function unescapeDoubleQuoted(text: string, out: Char[]): void {
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    const next = text[i + 1]
    if (c === '\\' && next !== undefined && '$`"\\\n'.includes(next)) {
      i++
      if (next !== '\n') out.push({ c: next, quoted: true })
    } else {
      out.push({ c, quoted: true })
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Redirects

/**
 * A redirect that changes nothing outside the command: to or from `/dev/null` (`2>/dev/null`,
 * `&>/dev/null`, `</dev/null`), or stdout and stderr into each other (`2>&1`, `>&2`).
 */
function harmlessRedirect(node: Node): boolean {
  if (node.type !== 'file_redirect') return false
  const op = node.children.find((c) => !c.isNamed)?.type ?? ''
  const fds = node.namedChildren.filter((c) => c.type === 'file_descriptor')
  const dests = node.namedChildren.filter((c) => c.type !== 'file_descriptor')
  const dest = dests[0]
  if (dests.length !== 1 || dest === undefined || fds.length > 1) return false
  const fd = fds[0]?.text
  if (fd !== undefined && !/^[0-9]$/.test(fd)) return false
  const word = decodeWord(dest)
  if ('problem' in word || word.glob) return false
  if (op === '>&') return word.value === '1' || word.value === '2'
  if (op === '&>' || op === '&>>') return fd === undefined && word.value === '/dev/null'
  return (op === '>' || op === '>>' || op === '<') && word.value === '/dev/null'
}

function isRedirect(node: Node): boolean {
  return node.type === 'file_redirect' || node.type === 'heredoc_redirect' || node.type === 'herestring_redirect'
}

function describeRedirects(node: Node, problems: Problems): void {
  for (const child of node.namedChildren) if (isRedirect(child)) describeRedirect(child, problems)
}

function describeRedirect(node: Node, problems: Problems): void {
  const info = redirectInfo(node)
  if (node.type === 'heredoc_redirect') {
    problems.add('the command uses a here-document (`<<`)')
  } else if (node.type === 'herestring_redirect') {
    problems.add('the command uses a here-string (`<<<`)')
  } else if (info.writes !== undefined) {
    problems.add(`output is redirected to a file (\`${info.text}\`)`)
  } else if (info.reads !== undefined) {
    problems.add(`input is read from a file (\`${info.text}\`)`)
  } else if (!harmlessRedirect(node)) {
    problems.add(`the command uses a redirect (\`${info.text}\`)`)
  }
}

const WRITE_OPS = new Set(['>', '>>', '&>', '&>>', '>|', '<>'])

function redirectInfo(node: Node): RedirectInfo {
  const text = node.type === 'heredoc_redirect' ? firstLine(node.text) : node.text
  if (node.type !== 'file_redirect') return { text }
  const op = node.children.find((c) => !c.isNamed)?.type ?? ''
  const dest = node.namedChildren.filter((c) => c.type !== 'file_descriptor').at(-1)
  const target = dest ? dest.text : ''
  const isFd = /^(\d+|-)$/.test(target)
  const info: RedirectInfo = { text }
  const writes = WRITE_OPS.has(op) || (op === '>&' && !isFd)
  if (writes && target !== '/dev/null' && !isFd) info.writes = target
  if ((op === '<' || op === '<>') && target !== '/dev/null') info.reads = target
  return info
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text
}

function collectRedirects(root: Node): RedirectInfo[] {
  return root.descendantsOfType(['file_redirect', 'heredoc_redirect', 'herestring_redirect']).map(redirectInfo)
}

// ---------------------------------------------------------------------------------------------
// Best-effort command list and syntax errors

function collectCommands(root: Node): CommandPart[] {
  const out: CommandPart[] = []
  for (const node of root.descendantsOfType('command')) {
    const argv: string[] = []
    const globs: boolean[] = []
    for (const child of node.children) {
      if (child.type === 'variable_assignment' || isRedirect(child) || child.type === 'comment') continue
      const target = child.type === 'command_name' ? child.firstChild : child
      if (!target || target.isMissing) continue
      const word = decodeWord(target)
      if ('problem' in word) {
        argv.push(target.text)
        globs.push(false)
      } else {
        argv.push(word.value)
        globs.push(word.glob)
      }
    }
    if (argv.length > 0) out.push({ argv, text: node.text, globs })
  }
  return out
}

function describeSyntaxError(root: Node): string {
  const bad = findFirst(root, (n) => n.isError || n.isMissing)
  if (bad?.isMissing) {
    return bad.type && !/^[a-z_]+$/.test(bad.type)
      ? `the command is incomplete (missing \`${bad.type}\`)`
      : 'the command is incomplete'
  }
  const near = bad?.text.trim().slice(0, 40)
  return near ? `the command has a syntax error near \`${near}\`` : 'the command has a syntax error'
}

function findFirst(node: Node, pred: (n: Node) => boolean): Node | null {
  if (pred(node)) return node
  for (const child of node.children) {
    const hit = findFirst(child, pred)
    if (hit) return hit
  }
  return null
}
