import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { KeytarSecretStore, openKeytarStore, type KeytarLike } from './keytar-store'

function fakeKeytar(overrides: Partial<KeytarLike> = {}): KeytarLike & { entries: Map<string, string> } {
  const entries = new Map<string, string>()
  const key = (service: string, account: string): string => `${service}\u0000${account}`
  return {
    entries,
    getPassword: async (service, account) => entries.get(key(service, account)) ?? null,
    setPassword: async (service, account, password) => void entries.set(key(service, account), password),
    deletePassword: async (service, account) => entries.delete(key(service, account)),
    findCredentials: async () => [],
    ...overrides
  }
}

describe('KeytarSecretStore', () => {
  it('keeps secrets under its service name', async () => {
    const keytar = fakeKeytar()
    const store = new KeytarSecretStore(keytar, 'Duck-test')
    expect(store.kind).toBe('keychain')
    await store.set('model-api-key', 'sk-123')
    expect(keytar.entries.get('Duck-test\u0000model-api-key')).toBe('sk-123')
    expect(await store.get('model-api-key')).toBe('sk-123')
    await store.delete('model-api-key')
    expect(await store.get('model-api-key')).toBeNull()
  })

  it('is unavailable, with the reason, when keytar does not load', async () => {
    const result = await openKeytarStore({
      load: async () => ({ unavailable: 'keytar could not be loaded: no binary' })
    })
    expect(result).toEqual({ unavailable: 'keytar could not be loaded: no binary' })
  })

  it('is unavailable when no keychain service answers the probe', async () => {
    const keytar = fakeKeytar({
      findCredentials: async () => {
        throw new Error('The name org.freedesktop.secrets was not provided by any .service files\nmore')
      }
    })
    const result = await openKeytarStore({ load: async () => keytar })
    expect(result).toEqual({
      unavailable:
        'no keychain service answered: The name org.freedesktop.secrets was not provided by any .service files'
    })
  })

  it('is unavailable when the keychain service never answers', async () => {
    const keytar = fakeKeytar({ findCredentials: () => new Promise(() => undefined) })
    const result = await openKeytarStore({ load: async () => keytar, timeoutMs: 50 })
    expect(result).toEqual({
      unavailable: 'no keychain service answered: the keychain service did not answer within 50 ms'
    })
  })
})

// The real keychain: runs wherever a D-Bus session with a Secret Service exists (CI wraps
// `npm test` in dbus-run-session with an unlocked gnome-keyring; see .ci/run).
const bus = process.env.DBUS_SESSION_BUS_ADDRESS
const platformKeychain = process.platform === 'darwin' || process.platform === 'win32'

describe('KeytarSecretStore against the OS keychain', () => {
  it('round-trips set, get and delete through keytar', async (ctx) => {
    if (!bus && !platformKeychain) {
      ctx.skip(
        'no DBUS_SESSION_BUS_ADDRESS, so no Secret Service: run under `dbus-run-session` with an unlocked gnome-keyring (as .ci/run does)'
      )
    }
    const service = `duck-test-${randomUUID()}`
    const opened = await openKeytarStore({ service, timeoutMs: 10_000 })
    if ('unavailable' in opened)
      throw new Error(`a D-Bus session is set but the keychain is unavailable: ${opened.unavailable}`)
    const secret = `canary-${randomUUID()}`
    try {
      expect(await opened.get('model-api-key')).toBeNull()
      await opened.set('model-api-key', secret)
      expect(await opened.get('model-api-key')).toBe(secret)
      await opened.set('model-api-key', `${secret}-2`)
      expect(await opened.get('model-api-key')).toBe(`${secret}-2`)
      await opened.delete('model-api-key')
      expect(await opened.get('model-api-key')).toBeNull()
    } finally {
      await opened.delete('model-api-key').catch(() => undefined)
    }
  })
})
