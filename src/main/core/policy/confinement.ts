/**
 * Workspace confinement for shell commands: where the files a command names really are.
 *
 * Each part's operands (see operands) are resolved with `confinePath`: `~` expanded, symlinks
 * followed, a missing path judged by its parent. Relative operands are judged against the
 * workspace root and against every folder an earlier `cd` / `pushd` in the command may have
 * gone to (a path that escapes from any of them counts). Wildcards are expanded the way the
 * shell would (more generously, never less), so a symlink matched by `*` is judged by where
 * it leads. Parts that walk folders following symlinks (`grep -R`, `rg -L`, `find -L`, …) have
 * the folders they walk searched for a link that leads out. `git` in a workspace that is only
 * part of a larger repository reads that repository, which lies outside.
 *
 * Without a workspace only process information under `/proc` (other programs' environment
 * variables, API keys among them) is looked for.
 */
import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import type { PartOperands } from './operands'
import { partOperands } from './operands'
import { inspectRepositories } from './git-repository'
import { confinePath, expandHome } from './paths'
import { toolchainProblems } from './workspace-config'

export interface ConfinementPart {
  argv: string[]
  globs: boolean[]
  /** The part only reads (its reasons say "reads" rather than "uses"). */
  reads: boolean
  /**
   * The part would run without a person as far as its words go (default true): only then are
   * the slower checks made (project files that pick the program, wildcards that expand into
   * options).
   */
  safe?: boolean
}

export interface PartConfinement {
  /** Real paths outside the workspace the part would use. */
  outside: string[]
  /** Why the part must ask because of where its files are (empty when they are fine). */
  reasons: string[]
}

/** How many wildcard matches, and folder entries behind `grep -R` & co, Duck looks at. */
const GLOB_LIMIT = 5_000
const WALK_LIMIT = 20_000
/** How many outside paths a reason names before it says "and N more". */
const NAMED = 3

/** `/proc` itself and the folders of processes: environment variables, command lines, memory. */
const PROC_PROCESS = /^\/proc\/?$|^\/proc\/(\d+|self|thread-self|[^/]*[*?[][^/]*)(\/|$)/

interface Context {
  workspace: string | undefined
  /** The real workspace (workspace mode only). */
  root: string
  /** Folders an earlier `cd` may have gone to (real paths; lexical without a workspace). */
  bases: string[]
  walkBudget: number
  repoAbove?: Promise<string | null>
}

interface Judged {
  inside: string[]
  outside: string[]
  proc: string[]
  /** Words whose target Duck cannot resolve (`~user/x`, too many matches), with why. */
  unresolved: string[]
}

/** Judges every part of a plain command; the result has one entry per part. */
export async function confineParts(
  parts: readonly ConfinementPart[],
  workspace: string | undefined
): Promise<PartConfinement[]> {
  const root = workspace === undefined ? '/' : (await confinePath(workspace, '.')).resolved
  const ctx: Context = { workspace, root, bases: [], walkBudget: WALK_LIMIT }
  const results: PartConfinement[] = []
  for (const part of parts) results.push(await confinePart(ctx, part))
  return results
}

/** Real paths outside the workspace among `words` (redirect targets of a command that asks anyway). */
export async function outsidePaths(words: readonly string[], workspace: string | undefined): Promise<string[]> {
  if (workspace === undefined) return []
  const ctx: Context = { workspace, root: (await confinePath(workspace, '.')).resolved, bases: [], walkBudget: 0 }
  const out: string[] = []
  for (const word of words) out.push(...(await judgeWord(ctx, word, false)).outside)
  return [...new Set(out)]
}

async function confinePart(ctx: Context, part: ConfinementPart): Promise<PartConfinement> {
  const prog = path.basename(part.argv[0] ?? '')
  const ops: PartOperands = partOperands(part.argv, part.globs)
  const outside: string[] = []
  const reasons: string[] = []
  const inside: string[] = []
  const proc: string[] = []
  const unresolved: string[] = []

  const isCd = ops.cd !== undefined
  if (ops.cd === null) {
    reasons.push(`\`${part.argv.join(' ')}\` goes to a folder Duck cannot check`)
  }
  const cdTargets: string[] = []
  for (const op of ops.paths) {
    const judged = isCd ? await judgeCd(ctx, op.word) : await judgeWord(ctx, op.word, op.glob)
    inside.push(...judged.inside)
    outside.push(...judged.outside)
    proc.push(...judged.proc)
    unresolved.push(...judged.unresolved)
    if (isCd) cdTargets.push(...judged.inside, ...judged.outside)
  }

  if (ctx.workspace !== undefined && prog === 'git' && usesRepository(part.argv.slice(1))) {
    // The repository git finds from each folder it may run in (`cd`, `-C`), as git finds it.
    const starts = await gitStartFolders(ctx, part.argv.slice(1))
    const finding = await inspectRepositories(ctx.root, starts)
    outside.push(...finding.outside)
    reasons.push(...finding.reasons)
    if (!finding.found) {
      ctx.repoAbove ??= findRepositoryAbove(ctx.root)
      const repo = await ctx.repoAbove
      if (repo !== null) {
        outside.push(repo)
        reasons.push(`\`git\` uses the repository at \`${repo}\`, outside the workspace`)
      }
    }
    for (const name of ['GIT_DIR', 'GIT_WORK_TREE'] as const) {
      const value = process.env[name]
      if (value) {
        const judged = await confinePath(ctx.workspace, value)
        if (!judged.inside) outside.push(judged.resolved)
      }
    }
  }

  if (ctx.workspace !== undefined && part.safe !== false) {
    // Project files that make a version or list command run a program the project names.
    reasons.push(...(await toolchainProblems(prog, [ctx.root, ...ctx.bases], ctx.root)))
    // Wildcards are expanded first, then judged: a match that starts with `-` would reach the
    // program as an option Duck never saw.
    const optionLike = await optionLikeMatch(ctx, part.argv, part.globs)
    if (optionLike !== null) {
      reasons.push(
        `the wildcard \`${optionLike.word}\` expands to \`${optionLike.name}\`, which \`${prog}\` would take for an option`
      )
    }
  }

  if (ctx.workspace !== undefined && ops.follows !== undefined) {
    const roots = [...inside]
    if (ops.paths.length === 0 || prog === 'find') roots.push(ctx.root, ...ctx.bases)
    const escape = await escapingLink(ctx, ctx.workspace, roots)
    if (escape === 'too-many') {
      reasons.push(`\`${ops.follows}\` follows symbolic links through more files than Duck can check`)
    } else if (escape !== null) {
      outside.push(escape.target)
      reasons.push(
        `\`${ops.follows}\` follows the symbolic link \`${escape.link}\` to \`${escape.target}\`, outside the workspace`
      )
    }
  }

  const uniqueOutside = [...new Set(outside)]
  const verb = isCd ? 'goes to' : part.reads ? 'reads' : 'uses'
  const pathReasons = uniqueOutside.filter((p) => !reasons.some((r) => r.includes(`\`${p}\``)))
  if (pathReasons.length > 0) {
    const named = pathReasons.slice(0, NAMED).map((p) => `\`${p}\``)
    const more = pathReasons.length > NAMED ? ` and ${pathReasons.length - NAMED} more` : ''
    reasons.push(`\`${prog}\` ${verb} ${named.join(', ')}${more}, outside the workspace`)
  }
  for (const why of new Set(unresolved)) reasons.push(`\`${prog}\` ${verb} ${why}`)
  for (const p of new Set(proc)) {
    if (!uniqueOutside.includes(p)) {
      reasons.push(
        `\`${prog}\` ${verb} \`${p}\`, where running programs' environment variables (API keys and other secrets) can be read`
      )
    }
  }

  if (isCd) ctx.bases.push(...cdTargets.filter((t) => !ctx.bases.includes(t)))
  return { outside: uniqueOutside, reasons }
}

// ---------------------------------------------------------------------------------------------
// Words

function emptyJudged(): Judged {
  return { inside: [], outside: [], proc: [], unresolved: [] }
}

/** `~user`, `~+`, `~-`: tilde prefixes the shell expands that Duck does not. */
function otherTilde(word: string): boolean {
  return word.startsWith('~') && word !== '~' && !word.startsWith('~/')
}

async function judgeWord(ctx: Context, word: string, glob: boolean): Promise<Judged> {
  const out = emptyJudged()
  if (ctx.workspace === undefined) {
    // No workspace: only a lexical look for process information under /proc.
    const expanded = expandHome(word)
    const bases = ['/', ...ctx.bases]
    const candidates = path.isAbsolute(expanded) ? [expanded] : bases.map((b) => path.resolve(b, expanded))
    for (const c of candidates) if (PROC_PROCESS.test(c) || c.endsWith('/environ')) out.proc.push(c)
    return out
  }
  if (otherTilde(word)) {
    out.unresolved.push(`\`${word}\`, which may be outside the workspace`)
    return out
  }
  let targets: string[] | null = null
  if (glob) {
    const matches = await expandGlob(ctx, word)
    if (matches === null) {
      out.unresolved.push(`\`${word}\`, which matches more files than Duck can check`)
      return out
    }
    if (matches.length > 0) targets = matches
  }
  targets ??= literalTargets(ctx, word)
  await judgeTargets(ctx.workspace, targets, out)
  return out
}

/** The word as the program would see it from each folder the command may be in. */
function literalTargets(ctx: Context, word: string): string[] {
  if (path.isAbsolute(expandHome(word))) return [word]
  return [word, ...ctx.bases.map((b) => joinRaw(b, word))]
}

async function judgeTargets(workspace: string, targets: string[], out: Judged): Promise<void> {
  for (const target of targets) {
    const { resolved, inside } = await confinePath(workspace, target)
    ;(inside ? out.inside : out.outside).push(resolved)
    if (PROC_PROCESS.test(resolved)) out.proc.push(resolved)
  }
}

/** A `cd` target, also looked up in `CDPATH` the way the shell does. */
async function judgeCd(ctx: Context, word: string): Promise<Judged> {
  if (ctx.workspace === undefined) {
    const out = emptyJudged()
    const expanded = expandHome(word)
    const bases = ['/', ...ctx.bases]
    const targets = path.isAbsolute(expanded) ? [expanded] : bases.map((b) => path.resolve(b, expanded))
    out.inside.push(...targets) // lexical folders, for the /proc look of later parts
    for (const t of targets) if (PROC_PROCESS.test(t)) out.proc.push(t)
    return out
  }
  const out = await judgeWord(ctx, word, false)
  const cdpath = process.env.CDPATH
  if (cdpath && !path.isAbsolute(word) && !/^\.\.?(\/|$)/.test(word) && !word.startsWith('~')) {
    const extra: string[] = []
    for (const entry of cdpath.split(':')) {
      if (entry === '' || entry === '.') continue
      for (const base of [ctx.root, ...ctx.bases]) {
        const candidate = path.resolve(base, expandHome(entry), word)
        if (await isDirectory(candidate)) extra.push(candidate)
      }
    }
    await judgeTargets(ctx.workspace, extra, out)
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Wildcards

function hasGlobChars(component: string): boolean {
  return /[*?[]/.test(component)
}

/**
 * A component pattern as a regular expression that matches at least what the shell's would:
 * every bracket expression matches any one character.
 */
function globRegex(pattern: string): RegExp {
  let re = '^'
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string
    if (c === '*') re += '.*'
    else if (c === '?') re += '.'
    else if (c === '[') {
      let j = i + 1
      if (pattern[j] === '!' || pattern[j] === '^') j++
      if (pattern[j] === ']') j++
      while (j < pattern.length && pattern[j] !== ']') j++
      if (j < pattern.length) {
        re += '.'
        i = j
      } else {
        re += '\\['
      }
    } else re += c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')
  }
  return new RegExp(re + '$', 's')
}

/**
 * A wildcard of `argv` (before `--`) whose expansion, from any folder the command may be in,
 * starts with `-`. Only the first component can: `src/*` always expands to `src/…`.
 */
async function optionLikeMatch(
  ctx: Context,
  argv: readonly string[],
  globs: readonly boolean[]
): Promise<{ word: string; name: string } | null> {
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i] as string
    if (word === '--') return null
    if (!globs[i]) continue
    const first = word.split('/')[0] as string
    if (first === '' || first.startsWith('~') || !hasGlobChars(first)) continue
    if (first.startsWith('-')) return { word, name: first }
    const re = globRegex(first)
    for (const dir of new Set([ctx.root, ...ctx.bases])) {
      let names: string[]
      try {
        names = await readdir(dir)
      } catch {
        continue
      }
      const name = names.find((n) => n.startsWith('-') && re.test(n))
      if (name !== undefined) return { word, name }
    }
  }
  return null
}

/** What the shell could expand `word` to, from every folder the command may be in; null: too many. */
async function expandGlob(ctx: Context, word: string): Promise<string[] | null> {
  const expanded = expandHome(word)
  const absolute = path.isAbsolute(expanded)
  let candidates = absolute ? ['/'] : [...new Set([ctx.root, ...ctx.bases])]
  const components = expanded.split('/').filter((c) => c !== '')
  let globbed = false
  for (const component of components) {
    if (!hasGlobChars(component)) {
      candidates = candidates.map((c) => joinRaw(c, component))
      continue
    }
    globbed = true
    const re = globRegex(component)
    // A leading `*` or `?` never matches a dot file; a leading `.` or `[` may match `.` and `..`.
    const dots = component.startsWith('.') || component.startsWith('[')
    const next: string[] = []
    for (const dir of candidates) {
      let names: string[]
      try {
        names = await readdir(dir)
      } catch {
        continue
      }
      if (dots) names.push('.', '..')
      for (const name of names) {
        if (name.startsWith('.') && !dots) continue
        if (re.test(name)) next.push(joinRaw(dir, name))
      }
      if (next.length > GLOB_LIMIT) return null
    }
    candidates = next
  }
  return globbed ? candidates : []
}

/** `dir/name` without normalising `..` (a symlink's `..` is its target's parent). */
function joinRaw(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`
}

// ---------------------------------------------------------------------------------------------
// git and symlink walks

/** The real folders git may start in: each folder the part may run in, then its `-C` folders. */
async function gitStartFolders(ctx: Context, args: string[]): Promise<string[]> {
  let dirs = [...new Set([ctx.root, ...ctx.bases])]
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (!arg.startsWith('-')) break
    if (arg === '-C' && args[i + 1] !== undefined) {
      const target = args[++i] as string
      const next: string[] = []
      for (const dir of dirs) {
        const expanded = expandHome(target)
        next.push((await confinePath(ctx.root, path.isAbsolute(expanded) ? expanded : joinRaw(dir, target))).resolved)
      }
      dirs = next
    } else if (/^(-c|--config-env|--git-dir|--work-tree|--namespace|--super-prefix)$/.test(arg)) {
      i++
    }
  }
  return dirs
}

/** git subcommands that do not use the repository the working folder is in. */
const GIT_NO_REPO = new Set(['clone', 'init', 'version', 'help'])

function usesRepository(args: string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (/^(-C|-c|--git-dir|--work-tree|--namespace|--super-prefix|--config-env)$/.test(arg)) {
      i++
      continue
    }
    if (arg === '--version' || arg === '--help' || arg === '-h') return false
    if (!arg.startsWith('-')) return !GIT_NO_REPO.has(arg)
  }
  return false
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p)
    return true
  } catch {
    return false
  }
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory()
  } catch {
    return false
  }
}

/** The `.git` of a repository the workspace lies in, when it is above the workspace. */
async function findRepositoryAbove(root: string): Promise<string | null> {
  if (await exists(path.join(root, '.git'))) return null
  let dir = root
  for (;;) {
    const parent = path.dirname(dir)
    if (parent === dir) return null
    dir = parent
    const git = path.join(dir, '.git')
    if (await exists(git)) return git
  }
}

/** A symlink under `roots` (followed through linked folders) that leads out of the workspace. */
async function escapingLink(
  ctx: Context,
  workspace: string,
  roots: string[]
): Promise<{ link: string; target: string } | 'too-many' | null> {
  const queue: string[] = []
  const seen = new Set<string>()
  for (const root of roots) {
    if (!seen.has(root) && (await isDirectory(root))) {
      seen.add(root)
      queue.push(root)
    }
  }
  while (queue.length > 0) {
    const dir = queue.shift() as string
    let entries
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch {
      continue
    }
    for (const entry of entries) {
      if (--ctx.walkBudget < 0) return 'too-many'
      const full = joinRaw(dir, entry.name)
      if (entry.isSymbolicLink()) {
        const { resolved, inside } = await confinePath(workspace, full)
        if (!inside) return { link: full, target: resolved }
        if (!seen.has(resolved) && (await isDirectory(resolved))) {
          seen.add(resolved)
          queue.push(resolved)
        }
      } else if (entry.isDirectory() && !seen.has(full)) {
        seen.add(full)
        queue.push(full)
      }
    }
  }
  return null
}
