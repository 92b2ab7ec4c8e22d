/**
 * The model API key from the secret store: asked once, not on every task, and never stale —
 * a key saved or cleared in Settings is what the next task sends, and a failed read is not kept.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { MemorySecretStore } from '../../src/main/core/config/secrets'
import { MODELS, directive, startHarness, type Harness } from '../support/harness'

/** A memory store that counts its reads and can be told to fail the next ones. */
class CountingStore extends MemorySecretStore {
  reads = 0
  failNext = 0

  override async get(account: string): Promise<string | null> {
    this.reads++
    if (this.failNext > 0) {
      this.failNext--
      throw new Error('the keychain is locked')
    }
    return super.get(account)
  }
}

const store = new CountingStore()
let h: Harness
beforeAll(async () => {
  h = await startHarness({ secrets: store })
})
afterEach(() => h.fake.reset())
afterAll(async () => {
  await h.stop()
})

/** Runs one task and returns the Authorization header of each model request it made. */
async function keysSent(): Promise<string[]> {
  h.fake.reset()
  h.fake.script(MODELS.action, { content: directive([], 'none') })
  h.fake.script(MODELS.thinker, { content: 'Done.' })
  h.fake.script('*', { content: '{}' })
  const result = await h.stream('/v1/chat/stream', { message: 'hello', workspace: h.workspace() })
  expect(result.events.at(-1)?.data.status).toBe('completed')
  return h.fake.requests
    .filter((r) => r.path.startsWith('/v1/chat/completions'))
    .map((r) => String(r.headers.authorization))
}

async function saveKey(key: string): Promise<void> {
  const response = await h.api('/v1/settings', { method: 'PUT', body: JSON.stringify({ model_api_key: key }) })
  expect(response.status).toBe(200)
}

describe('the model API key', () => {
  it('is read from the store once, then sent on every task until it changes', async () => {
    await saveKey('sk-first')
    const before = store.reads
    const first = await keysSent()
    const second = await keysSent()
    expect(first.length).toBeGreaterThan(0)
    expect(new Set([...first, ...second])).toEqual(new Set(['Bearer sk-first']))
    expect(store.reads - before).toBeLessThanOrEqual(1)

    await saveKey('sk-second')
    expect(new Set(await keysSent())).toEqual(new Set(['Bearer sk-second']))

    await saveKey('')
    expect(new Set(await keysSent())).toEqual(new Set(['Bearer not-needed']))
    const settings = (await (await h.api('/v1/settings')).json()) as { model_api_key_set: boolean }
    expect(settings.model_api_key_set).toBe(false)
  })

  it('asks the store again after a failed read instead of keeping the failure', async () => {
    // The read right after saving (for the settings it answers with) fails…
    store.failNext = 1
    await saveKey('sk-kept')
    expect(store.failNext).toBe(0)
    // …and the next task asks again and sends the key.
    expect(new Set(await keysSent())).toEqual(new Set(['Bearer sk-kept']))
  })
})
