/**
 * What the person can see and control of what Duck learned: list and search memories,
 * delete one, forget a workspace or everything, list the lessons.
 */
import { realpathSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import type { ExperienceRecord, MemoryResults } from '../../../shared/dto'
import type { Db } from '../store/database'
import * as experiences from '../store/experience-repo'
import * as memories from '../store/memory-repo'
import { searchLessons } from '../reflection/recall'
import { findMemories } from './recall'

export const DEFAULT_MEMORY_LIMIT = 50
export const DEFAULT_EXPERIENCE_LIMIT = 100

/**
 * A workspace path as tasks store it (the real path). A folder that no longer exists is
 * still a valid thing to list or forget, so it falls back to the absolute path.
 */
export function normaliseWorkspace(input: string): string {
  const trimmed = input.trim()
  const expanded = trimmed === '~' ? homedir() : trimmed.startsWith('~/') ? join(homedir(), trimmed.slice(2)) : trimmed
  const absolute = resolve(expanded)
  try {
    return realpathSync(absolute)
  } catch {
    return absolute
  }
}

export function listMemories(db: Db, query: { workspace?: string; q?: string; limit?: number }): MemoryResults {
  const workspace = query.workspace?.trim() ? normaliseWorkspace(query.workspace) : null
  const q = query.q?.trim() ? query.q : null
  return { results: findMemories(db, { workspace, q, limit: query.limit ?? DEFAULT_MEMORY_LIMIT }) }
}

export function deleteMemory(db: Db, memoryId: string): boolean {
  return memories.deleteMemory(db, memoryId)
}

/**
 * Forgets what was learned in one workspace (its memories and the lessons of its tasks), or
 * with no workspace everything: every memory and every lesson. Returns how many went.
 */
export function forget(db: Db, workspace: string | undefined): number {
  return db.transaction(() => {
    if (workspace === undefined) return memories.deleteAllMemories(db) + experiences.deleteAllExperiences(db)
    const path = normaliseWorkspace(workspace)
    return memories.deleteWorkspaceMemories(db, path) + experiences.deleteWorkspaceExperiences(db, path)
  })()
}

export function listExperiences(db: Db, query: { q?: string; limit?: number }): ExperienceRecord[] {
  const limit = query.limit ?? DEFAULT_EXPERIENCE_LIMIT
  const q = query.q?.trim()
  if (q) return searchLessons(db, q, limit)
  return experiences.listExperiences(db, limit)
}
