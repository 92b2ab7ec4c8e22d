/**
 * The skills Duck knows: markdown files in the built-in folder and the user's folder (later
 * folders win on a name clash, so a user file replaces a built-in skill of the same name).
 * A bad file is skipped with a warning naming the file and the line; it never stops Duck.
 * The folders are re-read when a file in them changes, so new skills apply without a restart.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { SkillInfo } from '../../../shared/dto'
import { parseSkill, SkillFormatError, type SkillDefinition } from './front-matter'

export interface Skill extends SkillDefinition {
  source: 'builtin' | 'user'
  file: string
}

export interface SkillFolder {
  dir: string
  source: 'builtin' | 'user'
}

const MAX_FILE_BYTES = 64 * 1024

/** The folder holding package.json, found by walking up from this module (src/… or out/main/…). */
export function findAppRoot(from: string = import.meta.url): string | null {
  let dir = dirname(from.startsWith('file:') ? fileURLToPath(from) : from)
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir
    const parent = dirname(dir)
    if (parent === dir) return null
    dir = parent
  }
}

/**
 * Skill folders, lowest precedence first: the first holds the built-in skills, the others are
 * the user's. Default: `<app root>/resources/skills`, then `<userDataDir>/skills`.
 */
export function skillFolders(userDataDir: string, dirs?: string[]): SkillFolder[] {
  if (dirs) return dirs.map((dir, i) => ({ dir, source: i === 0 ? 'builtin' : 'user' }))
  const root = findAppRoot()
  return [
    ...(root ? [{ dir: join(root, 'resources', 'skills'), source: 'builtin' as const }] : []),
    { dir: join(userDataDir, 'skills'), source: 'user' }
  ]
}

export class SkillCatalog {
  private signature = ''
  private skills: Skill[] = []

  constructor(
    private readonly folders: SkillFolder[],
    private readonly warn: (message: string) => void = (message) => console.warn(`[duck] ${message}`)
  ) {}

  /** Every usable skill, by name. */
  list(): Skill[] {
    const files = this.folders.map((folder) => ({ folder, files: markdownFiles(folder.dir) }))
    const signature = JSON.stringify(files.map((f) => f.files.map((file) => [file.path, file.mtimeMs, file.size])))
    if (signature !== this.signature) {
      this.signature = signature
      this.skills = this.load(files)
    }
    return this.skills
  }

  /** What the API lists. */
  info(): SkillInfo[] {
    return this.list().map((s) => ({ name: s.name, description: s.description, source: s.source }))
  }

  private load(folders: { folder: SkillFolder; files: FileStat[] }[]): Skill[] {
    const byName = new Map<string, Skill>()
    for (const { folder, files } of folders) {
      const here = new Set<string>()
      for (const file of files) {
        if (file.size > MAX_FILE_BYTES) {
          this.warn(`skipped skill file ${file.path}: it is larger than ${MAX_FILE_BYTES / 1024} KiB.`)
          continue
        }
        let definition: SkillDefinition
        try {
          definition = parseSkill(readFileSync(file.path, 'utf8'))
        } catch (error) {
          const reason = error instanceof SkillFormatError ? error.message : `it could not be read (${String(error)})`
          this.warn(`skipped skill file ${file.path}: ${reason}`)
          continue
        }
        if (here.has(definition.name)) {
          this.warn(
            `skipped skill file ${file.path}: another file in ${folder.dir} already defines "${definition.name}".`
          )
          continue
        }
        here.add(definition.name)
        byName.set(definition.name, { ...definition, source: folder.source, file: file.path })
      }
    }
    return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name))
  }
}

interface FileStat {
  path: string
  mtimeMs: number
  size: number
}

/** The folder's `*.md` files in name order; none when the folder does not exist. */
function markdownFiles(dir: string): FileStat[] {
  let names: string[]
  try {
    names = readdirSync(dir)
      .filter((name) => name.toLowerCase().endsWith('.md'))
      .sort()
  } catch {
    return []
  }
  const files: FileStat[] = []
  for (const name of names) {
    try {
      const path = join(dir, name)
      const stat = statSync(path)
      if (stat.isFile()) files.push({ path, mtimeMs: stat.mtimeMs, size: stat.size })
    } catch {
      // Vanished between listing and stat: ignore.
    }
  }
  return files
}
