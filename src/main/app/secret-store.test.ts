import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { MemorySecretStore } from '../core/config/secrets'
import { chooseSecretStore, type SecretStoreDeps } from './secret-store'
import { SafeStorageSecretStore, safeStorageProblem, type SafeStorageLike } from './safe-storage-store'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'duck-secrets-'))
  dirs.push(dir)
  return join(dir, 'secrets.json')
}

/** A reversible stand-in for OS encryption. */
function fakeSafeStorage(backend = 'gnome_libsecret', available = true): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (text) => Buffer.from(`enc:${[...text].reverse().join('')}`),
    decryptString: (data) => [...data.toString().slice(4)].reverse().join('')
  }
}

function deps(overrides: Partial<SecretStoreDeps>): SecretStoreDeps {
  return {
    env: {},
    platform: 'linux',
    openKeychain: async () => ({ unavailable: 'no keychain service answered: nobody home' }),
    safeStorage: fakeSafeStorage(),
    safeStorageFile: tempFile(),
    ...overrides
  }
}

describe('chooseSecretStore', () => {
  it('takes the OS keychain when it answers', async () => {
    const keychain = new MemorySecretStore()
    const choice = await chooseSecretStore(deps({ openKeychain: async () => keychain }))
    expect(choice.info).toEqual({ kind: 'keychain', persistent: true })
    expect(choice.store.kind).toBe('keychain')
    await choice.store.set('model-api-key', 'sk-1')
    expect(await keychain.get('model-api-key')).toBe('sk-1')
  })

  it('falls back to safeStorage when no keychain answers and safeStorage really encrypts', async () => {
    const choice = await chooseSecretStore(deps({}))
    expect(choice.info).toEqual({ kind: 'safe-storage', persistent: true })
    expect(choice.reason).toMatch(/nobody home; using Electron safeStorage/)
  })

  it('never uses safeStorage plain-text backend: memory for this session, and says why', async () => {
    for (const safeStorage of [fakeSafeStorage('basic_text'), fakeSafeStorage('gnome_libsecret', false), null]) {
      const choice = await chooseSecretStore(deps({ safeStorage }))
      expect(choice.info).toEqual({ kind: 'session', persistent: false })
      expect(choice.reason).toMatch(/kept for this session only/)
      await choice.store.set('model-api-key', 'sk-1')
      expect(await choice.store.get('model-api-key')).toBe('sk-1')
    }
  })

  it('uses memory straight away under DUCK_SECRET_STORE=memory (the e2e fixture)', async () => {
    let asked = false
    const choice = await chooseSecretStore(
      deps({
        env: { DUCK_SECRET_STORE: 'memory' },
        openKeychain: async () => {
          asked = true
          return new MemorySecretStore()
        }
      })
    )
    expect(choice.info).toEqual({ kind: 'memory', persistent: false })
    expect(asked).toBe(false)
  })
})

describe('SafeStorageSecretStore', () => {
  it('keeps only ciphertext on disk, readable by its owner only', async () => {
    const file = tempFile()
    const store = new SafeStorageSecretStore(fakeSafeStorage(), file)
    expect(await store.get('model-api-key')).toBeNull()
    await store.set('model-api-key', 'sk-secret-value')
    await store.set('other', 'x')
    expect(await store.get('model-api-key')).toBe('sk-secret-value')
    expect(readFileSync(file, 'utf8')).not.toContain('sk-secret-value')
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600)
    await store.delete('model-api-key')
    expect(await store.get('model-api-key')).toBeNull()
    expect(await new SafeStorageSecretStore(fakeSafeStorage(), file).get('other')).toBe('x')
  })

  it('names why safeStorage may not be used', () => {
    expect(safeStorageProblem(fakeSafeStorage(), 'linux')).toBeNull()
    expect(safeStorageProblem(fakeSafeStorage('basic_text'), 'linux')).toMatch(/basic_text/)
    expect(safeStorageProblem(fakeSafeStorage('kwallet5', false), 'linux')).toMatch(/cannot encrypt/)
    const mac = { ...fakeSafeStorage(), getSelectedStorageBackend: undefined }
    expect(safeStorageProblem(mac, 'darwin')).toBeNull()
  })
})
