/**
 * The fallback where no keychain service answers: secrets encrypted with Electron's safeStorage
 * (DPAPI, Keychain, or libsecret/kwallet on Linux) in `<userData>/secrets.json` (0600).
 * Only used when safeStorage really encrypts: never with its plain-text backend.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { SecretStore } from '../core/config/secrets'

/** The part of Electron's safeStorage used here. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean
  /** Linux only in Electron; absent elsewhere. */
  getSelectedStorageBackend?(): string
  encryptString(plainText: string): Buffer
  decryptString(encrypted: Buffer): string
}

/** Why safeStorage may not keep secrets here, or null when it may. */
export function safeStorageProblem(safeStorage: SafeStorageLike, platform: NodeJS.Platform): string | null {
  if (!safeStorage.isEncryptionAvailable()) return 'safeStorage cannot encrypt on this system'
  if (platform === 'linux' && typeof safeStorage.getSelectedStorageBackend === 'function') {
    const backend = safeStorage.getSelectedStorageBackend()
    if (backend === 'basic_text' || backend === 'unknown')
      return `safeStorage would use its ${backend} backend, which is not encryption`
  }
  return null
}

interface SecretsFile {
  version: 1
  entries: Record<string, string>
}

export class SafeStorageSecretStore implements SecretStore {
  readonly kind = 'safe-storage'

  constructor(
    private readonly safeStorage: SafeStorageLike,
    private readonly file: string
  ) {}

  private read(): SecretsFile {
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<SecretsFile>
      if (parsed.version === 1 && parsed.entries && typeof parsed.entries === 'object')
        return { version: 1, entries: parsed.entries }
    } catch {
      // missing or unreadable: no secrets yet
    }
    return { version: 1, entries: {} }
  }

  private write(data: SecretsFile): void {
    mkdirSync(dirname(this.file), { recursive: true })
    const temp = `${this.file}.tmp`
    writeFileSync(temp, JSON.stringify(data), { mode: 0o600 })
    renameSync(temp, this.file)
  }

  async get(account: string): Promise<string | null> {
    const value = this.read().entries[account]
    if (value === undefined) return null
    return this.safeStorage.decryptString(Buffer.from(value, 'base64'))
  }

  async set(account: string, value: string): Promise<void> {
    const data = this.read()
    data.entries[account] = this.safeStorage.encryptString(value).toString('base64')
    this.write(data)
  }

  async delete(account: string): Promise<void> {
    const data = this.read()
    if (!(account in data.entries)) return
    delete data.entries[account]
    this.write(data)
  }
}
