/**
 * Which repository a read-only git command will use, found the way git finds it, and whether
 * that repository's own files could make git run a program or read outside the workspace.
 *
 * A workspace may hold files Duck did not write (a downloaded project with its `.git/config`,
 * an embedded bare repository, a `.git` file pointing elsewhere). Read-only git subcommands
 * run programs named there: `core.fsmonitor` (status, diff, ls-files), `diff.external` and
 * `diff.<driver>.command` (diff), `diff.<driver>.textconv` (diff, log -p, show, blame),
 * `filter.<driver>.clean` / `smudge` / `process` (status, diff, show). Commands the policy lets
 * run also get forced settings (see run-environment: `core.fsmonitor=false`,
 * `core.hooksPath=/dev/null`, `core.pager=cat`, no system or global configuration, …); what a
 * forced setting cannot undo is looked for here, and makes the command ask:
 * - a `.git` file (a worktree or submodule) or `commondir` that leads outside the workspace,
 *   or alternates (`objects/info/alternates`) that do;
 * - a bare repository (a folder with `HEAD`, `objects/` and `refs/`) git would use because no
 *   `.git` comes first;
 * - configuration (the repository's `config`, `config.worktree`, its submodules' configs)
 *   that includes other files, moves the work tree (`core.worktree`), defines diff drivers,
 *   textconv or filters, names an external diff, or sets `core.fsmonitor` to a program, or
 *   that Duck cannot read.
 */
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import { isInside } from './paths'

export interface RepositoryFinding {
  /** A repository inside the workspace was found for every folder (none: look above). */
  found: boolean
  reasons: string[]
  /** Real paths outside the workspace the repository leads to. */
  outside: string[]
}

/** How many submodule configurations Duck reads before it gives up (and asks). */
const MODULES_LIMIT = 64
const CONFIG_LIMIT = 1_000_000

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile()
  } catch {
    return false
  }
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory()
  } catch {
    return false
  }
}

async function real(p: string): Promise<string> {
  try {
    return await realpath(p)
  } catch {
    return path.resolve(p)
  }
}

/** git's test for a git directory: `HEAD`, `objects/` and `refs/`. */
async function isGitDirectory(dir: string): Promise<boolean> {
  return (
    (await isFile(path.join(dir, 'HEAD'))) &&
    (await isDir(path.join(dir, 'objects'))) &&
    (await isDir(path.join(dir, 'refs')))
  )
}

/**
 * Looks for the repository git would use from each folder in `dirs` (real paths inside the
 * real workspace `root`), walking up to the workspace root, and judges what it finds.
 */
export async function inspectRepositories(root: string, dirs: readonly string[]): Promise<RepositoryFinding> {
  const finding: RepositoryFinding = { found: true, reasons: [], outside: [] }
  const seen = new Set<string>()
  for (const start of new Set(dirs)) {
    if (!isInside(root, start)) continue
    const gitDir = await discover(root, start, finding)
    if (gitDir === undefined) {
      finding.found = false
      continue
    }
    if (gitDir === null || seen.has(gitDir)) continue
    seen.add(gitDir)
    await judgeGitDir(root, gitDir, finding)
  }
  return finding
}

/**
 * The git directory used from `start`: its real path, null when the search found something
 * that asks (the reason is added), undefined when there is none inside the workspace.
 */
async function discover(root: string, start: string, finding: RepositoryFinding): Promise<string | null | undefined> {
  let dir = start
  for (;;) {
    const dotGit = path.join(dir, '.git')
    let entry
    try {
      entry = await lstat(dotGit)
    } catch {
      entry = undefined
    }
    if (entry !== undefined) {
      if (entry.isFile()) return gitFile(root, dotGit, finding)
      const target = await real(dotGit)
      if (!isInside(root, target)) {
        finding.reasons.push(`\`${dotGit}\` leads to \`${target}\`, outside the workspace`)
        finding.outside.push(target)
        return null
      }
      if (await isGitDirectory(target)) return target
    } else if (await isGitDirectory(dir)) {
      finding.reasons.push(
        `\`${dir}\` is a bare git repository inside the workspace; its own configuration could make git run programs`
      )
      return null
    }
    if (dir === root) return undefined
    const parent = path.dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

/** A `.git` file (`gitdir: <path>`): a worktree or a submodule whose repository is elsewhere. */
async function gitFile(root: string, file: string, finding: RepositoryFinding): Promise<string | null> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    finding.reasons.push(`Duck cannot read the git file \`${file}\``)
    return null
  }
  const m = /^gitdir: (.+?)\r?\n?$/.exec(text)
  if (!m) {
    finding.reasons.push(`\`${file}\` is not a git file Duck can read`)
    return null
  }
  const target = await real(path.resolve(path.dirname(file), m[1] as string))
  if (!isInside(root, target)) {
    finding.reasons.push(`\`${file}\` points git at \`${target}\`, outside the workspace`)
    finding.outside.push(target)
    return null
  }
  return target
}

async function judgeGitDir(root: string, gitDir: string, finding: RepositoryFinding): Promise<void> {
  let common = gitDir
  const commondirFile = path.join(gitDir, 'commondir')
  if (await isFile(commondirFile)) {
    const line = (await readFile(commondirFile, 'utf8')).trim()
    common = await real(path.resolve(gitDir, line))
    if (!isInside(root, common)) {
      finding.reasons.push(`the repository at \`${gitDir}\` shares \`${common}\`, outside the workspace`)
      finding.outside.push(common)
      return
    }
  }
  const alternates = path.join(common, 'objects', 'info', 'alternates')
  if (await isFile(alternates)) {
    for (const line of (await readFile(alternates, 'utf8')).split('\n')) {
      const entry = line.trim()
      if (entry === '' || entry.startsWith('#')) continue
      const target = await real(path.resolve(path.join(common, 'objects'), entry))
      if (!isInside(root, target)) {
        finding.reasons.push(
          `the repository at \`${common}\` borrows objects from \`${target}\`, outside the workspace`
        )
        finding.outside.push(target)
      }
    }
  }
  const configs = [path.join(common, 'config'), path.join(gitDir, 'config'), path.join(gitDir, 'config.worktree')]
  const modules = path.join(common, 'modules')
  if (await isDir(modules)) {
    const found = await moduleConfigs(modules)
    if (found === null) {
      finding.reasons.push(`the repository at \`${common}\` has more submodules than Duck checks`)
      return
    }
    configs.push(...found)
  }
  for (const file of new Set(configs)) {
    if (!(await isFile(file))) continue
    const hazard = await configHazard(file)
    if (hazard !== null) finding.reasons.push(hazard)
  }
}

/** The `config` files of submodule repositories under `.git/modules`, or null: too many. */
async function moduleConfigs(dir: string): Promise<string[] | null> {
  const out: string[] = []
  const queue = [dir]
  let visited = 0
  while (queue.length > 0) {
    const current = queue.shift() as string
    if (++visited > MODULES_LIMIT) return null
    let entries
    try {
      entries = await readdir(current, { withFileTypes: true })
    } catch {
      continue
    }
    if (entries.some((e) => e.name === 'config' && e.isFile())) out.push(path.join(current, 'config'))
    for (const e of entries) {
      if (e.isDirectory() && !['objects', 'refs', 'logs', 'hooks', 'info'].includes(e.name)) {
        queue.push(path.join(current, e.name))
      }
    }
  }
  return out
}

/** Keys read-only git commands act on that no forced setting undoes: `section.name` forms. */
const HAZARD_KEYS = new Set(['diff.external', 'core.worktree'])
/** Sections whose every key is a hazard: other files, filters. */
const HAZARD_SECTIONS = new Set(['include', 'includeif', 'filter'])
/** `section.<sub>.name` keys that name programs read-only commands run. */
const HAZARD_SUB_KEYS = new Set(['diff.command', 'diff.textconv'])
const BOOLEAN = /^(true|false|yes|no|on|off|1|0|)$/i

/** Why a git configuration file makes read-only git commands ask, or null. */
export async function configHazard(file: string): Promise<string | null> {
  let text: string
  try {
    const buffer = await readFile(file)
    if (buffer.length > CONFIG_LIMIT) return `the git configuration \`${file}\` is larger than Duck reads`
    text = buffer.toString('utf8')
  } catch {
    return `Duck cannot read the git configuration \`${file}\``
  }
  const entries = parseGitConfig(text)
  if (entries === null) return `Duck cannot read the git configuration \`${file}\``
  for (const e of entries) {
    const key = e.subsection === null ? `${e.section}.${e.name}` : `${e.section}.${e.subsection}.${e.name}`
    const hazard =
      HAZARD_SECTIONS.has(e.section) ||
      HAZARD_KEYS.has(`${e.section}.${e.name}`) ||
      (e.subsection !== null && HAZARD_SUB_KEYS.has(`${e.section}.${e.name}`)) ||
      (e.section === 'core' && e.name === 'fsmonitor' && !BOOLEAN.test(e.value.trim()))
    if (hazard)
      return `the git configuration \`${file}\` sets \`${key}\`, which can make git run programs or read other files`
  }
  return null
}

export interface ConfigEntry {
  /** Lower case. */
  section: string
  /** As written (`[diff "x"]`), lower case for the old `[diff.x]` form, null when none. */
  subsection: string | null
  /** Lower case. */
  name: string
  /** The value as written (quotes and escapes kept), `''` for a bare boolean key. */
  value: string
}

/**
 * git's configuration syntax (`config.c`): `[section]`, `[section "sub"]`, `[section.sub]`,
 * `name = value` with quotes, escapes and backslash line continuations, `#` / `;` comments, a
 * key after a section header on the same line. Null when the text is not something git reads
 * the same way (git refuses such files too).
 */
export function parseGitConfig(text: string): ConfigEntry[] | null {
  const out: ConfigEntry[] = []
  let i = 0
  let section: string | null = null
  let subsection: string | null = null
  const s = text.startsWith('\ufeff') ? text.slice(1) : text
  const skipToEol = (): void => {
    while (i < s.length && s[i] !== '\n') i++
  }
  while (i < s.length) {
    const c = s[i] as string
    if (c === '\n' || c === ' ' || c === '\t' || c === '\r') {
      i++
      continue
    }
    if (c === '#' || c === ';') {
      skipToEol()
      continue
    }
    if (c === '[') {
      i++
      const start = i
      while (i < s.length && /[A-Za-z0-9.-]/.test(s[i] as string)) i++
      const name = s.slice(start, i)
      if (name === '') return null
      if (s[i] === ']') {
        i++
        const dot = name.indexOf('.')
        section = (dot >= 0 ? name.slice(0, dot) : name).toLowerCase()
        subsection = dot >= 0 ? name.slice(dot + 1).toLowerCase() : null
        continue
      }
      if (s[i] !== ' ' && s[i] !== '\t') return null
      while (s[i] === ' ' || s[i] === '\t') i++
      if (s[i] !== '"') return null
      i++
      let sub = ''
      for (;;) {
        const d = s[i]
        if (d === undefined || d === '\n') return null
        if (d === '"') break
        if (d === '\\') {
          const next = s[i + 1]
          if (next === undefined || next === '\n') return null
          sub += next
          i += 2
          continue
        }
        sub += d
        i++
      }
      i++
      if (s[i] !== ']') return null
      i++
      if (name.includes('.')) return null
      section = name.toLowerCase()
      subsection = sub
      continue
    }
    if (!/[A-Za-z]/.test(c)) return null
    if (section === null) return null
    const start = i
    while (i < s.length && /[A-Za-z0-9-]/.test(s[i] as string)) i++
    const name = s.slice(start, i).toLowerCase()
    while (s[i] === ' ' || s[i] === '\t') i++
    let value = ''
    if (s[i] === '=') {
      i++
      while (s[i] === ' ' || s[i] === '\t') i++
      let quoted = false
      for (;;) {
        const d = s[i]
        if (d === undefined) break
        if (d === '\n') {
          if (quoted) return null
          break
        }
        if (d === '\\') {
          const next = s[i + 1]
          if (next === undefined) return null
          if (next === '\n' || (next === '\r' && s[i + 2] === '\n')) {
            i += next === '\n' ? 2 : 3
            continue
          }
          if (!'ntb"\\'.includes(next)) return null
          value += d + next
          i += 2
          continue
        }
        if (d === '"') quoted = !quoted
        else if ((d === '#' || d === ';') && !quoted) {
          skipToEol()
          break
        }
        value += d
        i++
      }
    } else if (s[i] !== undefined && s[i] !== '\n' && s[i] !== '\r' && s[i] !== '#' && s[i] !== ';') {
      return null
    }
    out.push({ section, subsection, name, value })
  }
  return out
}
