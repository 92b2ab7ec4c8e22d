/** Where the model API key lives. The Electron app uses the OS keychain; tests use memory. */
export interface SecretStore {
  /** A short name for Settings ("OS keychain", "this session only", …). */
  readonly kind: string
  get(account: string): Promise<string | null>
  set(account: string, value: string): Promise<void>
  delete(account: string): Promise<void>
}

export const MODEL_API_KEY_ACCOUNT = 'model-api-key'

export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory'
  private readonly values = new Map<string, string>()

  async get(account: string): Promise<string | null> {
    return this.values.get(account) ?? null
  }

  async set(account: string, value: string): Promise<void> {
    this.values.set(account, value)
  }

  async delete(account: string): Promise<void> {
    this.values.delete(account)
  }
}
