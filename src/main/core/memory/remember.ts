/**
 * Storing a memory without storing it twice: the same sentence (normalised) or a near copy
 * (very high word overlap) in the same place reinforces the existing memory instead.
 */
import { randomUUID } from 'node:crypto'
import type { Db } from '../store/database'
import * as repo from '../store/memory-repo'
import {
  GLOBAL_SCOPE_KEY,
  ftsAnyOf,
  jaccard,
  keywords,
  normaliseText,
  oneLine,
  stemSet,
  workspaceScopeKey
} from './text'

export const MEMORY_TEXT_MAX = 1000
/** Word overlap (Jaccard over stems) from which two memories count as the same. */
export const NEAR_DUPLICATE = 0.8

export interface RememberInput {
  text: string
  memoryType: string
  importance: number
  /** The task's workspace, or null for a global memory. */
  workspace: string | null
  taskId: string | null
  metadata: Record<string, unknown>
}

export class MemoryInputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MemoryInputError'
  }
}

/** Stores or merges a memory, atomically. */
export function remember(db: Db, input: RememberInput): { memoryId: string; merged: boolean } {
  const text = oneLine(input.text, MEMORY_TEXT_MAX)
  const norm = normaliseText(text)
  if (norm === '') throw new MemoryInputError('The memory has no words to store.')
  const importance = Math.min(1, Math.max(0, Number.isFinite(input.importance) ? input.importance : 0.5))
  const scopeKey = input.workspace === null ? GLOBAL_SCOPE_KEY : workspaceScopeKey(input.workspace)
  return db.transaction(() => {
    const same = repo.findByNorm(db, input.workspace, norm) ?? nearCopy(db, text, input.workspace, scopeKey)
    if (same) {
      repo.reinforce(db, same.id, importance)
      return { memoryId: same.memory_id, merged: true }
    }
    const memoryId = `mem_${randomUUID()}`
    repo.insertMemory(db, {
      memoryId,
      text,
      norm,
      memoryType: oneLine(input.memoryType, 100) || 'fact',
      importance,
      workspace: input.workspace,
      scopeKey,
      taskId: input.taskId,
      metadata: input.metadata
    })
    return { memoryId, merged: false }
  })()
}

function nearCopy(db: Db, text: string, workspace: string | null, scopeKey: string): repo.MemoryRow | undefined {
  const match = ftsAnyOf(keywords(text, 24))
  if (match === null) return undefined
  const stems = stemSet(text)
  const candidates = repo.searchMemories(db, { match, scopeKeys: [scopeKey], workspace, limit: 8, julianNow: 0 })
  return candidates.find((c) => c.workspace === workspace && jaccard(stems, stemSet(c.text)) >= NEAR_DUPLICATE)
}
