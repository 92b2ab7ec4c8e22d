import { afterEach, describe, expect, it } from 'vitest'
import type { DuckApi } from '../../../../shared/api'
import type { AuditPage, AuditRecord } from '../../../../shared/dto'
import type { AuditQuery } from '../../../../shared/schemas'
import { useDuck } from '..'
import { setApi } from '../api'
import { loadAudit } from './library'

function record(id: string): AuditRecord {
  return { audit_id: id } as AuditRecord
}

/** An API whose audit pages answer when the test says, in any order. */
function controlledAudit() {
  const pending: { query: AuditQuery; answer: (page: AuditPage) => void }[] = []
  const api = {
    audit: {
      page: (query: AuditQuery) => new Promise<AuditPage>((answer) => pending.push({ query, answer }))
    }
  } as unknown as DuckApi
  return { api, pending }
}

afterEach(() => setApi(null))

describe('loadAudit', () => {
  it('shows the answer to the newest query even when an older one answers last', async () => {
    const { api, pending } = controlledAudit()
    setApi(api)
    const older = loadAudit({ q: 'git' })
    const newer = loadAudit({ q: 'git push' })
    pending[1]?.answer({ items: [record('newer')], next_cursor: 'n1' })
    expect(await newer).toBe('n1')
    pending[0]?.answer({ items: [record('older')], next_cursor: 'o1' })
    expect(await older).toBeUndefined()
    expect(useDuck.getState().audit.data.map((r) => r.audit_id)).toEqual(['newer'])
    expect(useDuck.getState().audit.status).toBe('ready')
  })

  it('appends the next older page to the rows shown', async () => {
    const { api, pending } = controlledAudit()
    setApi(api)
    const first = loadAudit({})
    pending[0]?.answer({ items: [record('a')], next_cursor: 'c1' })
    expect(await first).toBe('c1')
    const second = loadAudit({}, 'c1')
    expect(pending[1]?.query).toMatchObject({ before: 'c1' })
    pending[1]?.answer({ items: [record('b')], next_cursor: null })
    expect(await second).toBeNull()
    expect(useDuck.getState().audit.data.map((r) => r.audit_id)).toEqual(['a', 'b'])
  })
})
