/**
 * Context providers: what a task's prompts get from what Duck learned. A provider that fails
 * logs and gives nothing; it never fails the task.
 */
import type { Db } from '../store/database'
import { memoryReference, recallMemories } from './recall'

export interface ContextInput {
  workspace: string
  request: string
  taskId: string
}
export type ContextProvider = (input: ContextInput) => Promise<string[]>

export interface LearningSettings {
  memoryEnabled: boolean
  reflectionEnabled: boolean
}

/** Wraps a synchronous block builder as a provider that never throws. */
export function guardedProvider(what: string, build: (input: ContextInput) => string | null): ContextProvider {
  return (input) => {
    try {
      const block = build(input)
      return Promise.resolve(block === null ? [] : [block])
    } catch (error) {
      console.warn(`[duck] could not retrieve ${what} for task ${input.taskId}:`, error)
      return Promise.resolve([])
    }
  }
}

/** This workspace's (and global) memories relevant to the request; nothing when memory is off. */
export function memoryContext(db: Db, settings: () => LearningSettings): ContextProvider {
  return guardedProvider('memories', ({ workspace, request }) =>
    settings().memoryEnabled ? memoryReference(recallMemories(db, workspace, request)) : null
  )
}
