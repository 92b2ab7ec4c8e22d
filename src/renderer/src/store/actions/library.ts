/** Loaders for the Audit, Memory, Skills and Settings views (each keeps its rows in the store). */
import { DuckApiError } from '../../../../shared/api'
import type { AuditQuery, ForgetMemory, MemoryQuery } from '../../../../shared/schemas'
import { errorMessage } from '../../lib/format'
import { duck, hasApi } from '../api'
import { useDuck, type LibrarySlice } from '..'

type Key = keyof LibrarySlice

/** A missing route (a Duck server without that part yet) is explained, not thrown. */
function describe(error: unknown, what: string): string {
  if (error instanceof DuckApiError && error.status === 404 && /No route/.test(error.message)) {
    return `This Duck server does not offer ${what} yet (no route). Update Duck, then try again.`
  }
  if (error instanceof DuckApiError && error.status === 404) return `This Duck server does not offer ${what} (404).`
  return errorMessage(error)
}

/** Loads a view's rows into the store; an answer that `current` says was superseded is dropped. */
async function load<K extends Key>(
  key: K,
  what: string,
  fetcher: () => Promise<LibrarySlice[K]['data']>,
  current: () => boolean = () => true
): Promise<void> {
  if (!hasApi()) return
  useDuck.setState((s) => ({ [key]: { ...s[key], status: 'loading', error: null } }) as Partial<LibrarySlice>)
  try {
    const data = await fetcher()
    if (!current()) return
    useDuck.setState({ [key]: { data, status: 'ready', error: null } } as Partial<LibrarySlice>)
  } catch (error) {
    if (!current()) return
    useDuck.setState(
      (s) => ({ [key]: { ...s[key], status: 'error', error: describe(error, what) } }) as Partial<LibrarySlice>
    )
  }
}

/** Rows per page of the audit; older pages load on demand (the server filters every row). */
export const AUDIT_PAGE = 500

let auditRequest = 0

/**
 * The newest page of the audit that matches `query` (filtered and searched by the server over
 * every row); `before` appends the next older page. Resolves to the cursor of the page after it,
 * or to undefined when a later call superseded this one (its rows are then not shown: an older,
 * slower answer never replaces a newer one).
 */
export async function loadAudit(query: AuditQuery = {}, before?: string): Promise<string | null | undefined> {
  const mine = ++auditRequest
  const current = (): boolean => mine === auditRequest
  let next: string | null = null
  const older = before ? useDuck.getState().audit.data : []
  await load(
    'audit',
    'the command audit',
    async () => {
      const page = await duck().audit.page({ ...query, limit: AUDIT_PAGE, ...(before ? { before } : {}) })
      next = page.next_cursor
      return [...older, ...page.items]
    },
    current
  )
  return current() ? next : undefined
}

export function loadMemories(query: MemoryQuery): Promise<void> {
  return load('memories', 'memory', async () => (await duck().memory.list({ ...query, limit: 200 })).results)
}

export function loadLessons(q?: string): Promise<void> {
  return load('lessons', 'lessons', () => duck().memory.experience({ ...(q ? { q } : {}), limit: 100 }))
}

export function loadSkills(): Promise<void> {
  return load('skills', 'skills', () => duck().skills.list())
}

export function loadRules(): Promise<void> {
  return load('rules', 'approval rules', () => duck().approvals.rules())
}

export async function deleteMemory(memoryId: string): Promise<string | null> {
  try {
    await duck().memory.delete(memoryId)
    useDuck.setState((s) => ({
      memories: { ...s.memories, data: s.memories.data.filter((m) => m.memory_id !== memoryId) }
    }))
    return null
  } catch (error) {
    return describe(error, 'memory')
  }
}

export async function forgetMemories(request: ForgetMemory): Promise<string | null> {
  try {
    await duck().memory.forget(request)
    return null
  } catch (error) {
    return describe(error, 'memory')
  }
}

export async function deleteRule(ruleId: string): Promise<string | null> {
  try {
    await duck().approvals.deleteRule(ruleId)
    useDuck.setState((s) => ({ rules: { ...s.rules, data: s.rules.data.filter((r) => r.rule_id !== ruleId) } }))
    return null
  } catch (error) {
    return errorMessage(error)
  }
}
