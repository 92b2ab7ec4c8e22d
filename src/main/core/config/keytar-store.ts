/**
 * The model API key in the OS keychain (macOS Keychain, Windows Credential Manager, the Secret
 * Service on Linux) through keytar. keytar is loaded with a dynamic import and probed once, so a
 * machine without a keychain service (a bare Linux box, CI without gnome-keyring) gets a clear
 * "unavailable" instead of a crash, and the app falls back (src/main/app/secret-store.ts).
 */
import type { SecretStore } from './secrets'

export const KEYCHAIN_SERVICE = 'Duck'

/** The part of keytar Duck uses. */
export interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>
  setPassword(service: string, account: string, password: string): Promise<void>
  deletePassword(service: string, account: string): Promise<boolean>
  findCredentials(service: string): Promise<{ account: string; password: string }[]>
}

export class KeytarSecretStore implements SecretStore {
  readonly kind = 'keychain'

  constructor(
    private readonly keytar: KeytarLike,
    readonly service: string = KEYCHAIN_SERVICE
  ) {}

  get(account: string): Promise<string | null> {
    return this.keytar.getPassword(this.service, account)
  }

  set(account: string, value: string): Promise<void> {
    return this.keytar.setPassword(this.service, account, value)
  }

  async delete(account: string): Promise<void> {
    await this.keytar.deletePassword(this.service, account)
  }
}

export type Unavailable = { unavailable: string }

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown error'
}

/** keytar's functions, or why it cannot be loaded (native module missing or built for another ABI). */
export async function loadKeytar(): Promise<KeytarLike | Unavailable> {
  try {
    const mod = (await import('keytar')) as Partial<KeytarLike> & { default?: Partial<KeytarLike> }
    // keytar is CommonJS: Node's ESM loader puts the whole API on `default` and only some
    // functions on the namespace, while bundlers may hoist them all.
    const api = typeof mod.default?.findCredentials === 'function' ? mod.default : mod
    if (!api || typeof api.getPassword !== 'function' || typeof api.findCredentials !== 'function') {
      return { unavailable: 'keytar did not load as expected' }
    }
    return api as KeytarLike
  } catch (error) {
    return { unavailable: `keytar could not be loaded: ${firstLine(error)}` }
  }
}

export interface OpenKeytarOptions {
  service?: string
  /** How long the probe may take (a Secret Service that never answers). */
  timeoutMs?: number
  load?: () => Promise<KeytarLike | Unavailable>
}

/**
 * A keychain store that answered a probe, or why there is none. The probe lists this service's
 * entries, which needs a running, reachable keychain service but changes nothing.
 */
export async function openKeytarStore(options: OpenKeytarOptions = {}): Promise<KeytarSecretStore | Unavailable> {
  const loaded = await (options.load ?? loadKeytar)()
  if ('unavailable' in loaded) return loaded
  const service = options.service ?? KEYCHAIN_SERVICE
  const timeoutMs = options.timeoutMs ?? 3000
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    await Promise.race([
      loaded.findCredentials(service),
      new Promise((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the keychain service did not answer within ${timeoutMs} ms`)),
          timeoutMs
        )
      })
    ])
  } catch (error) {
    return { unavailable: `no keychain service answered: ${firstLine(error)}` }
  } finally {
    if (timer) clearTimeout(timer)
  }
  return new KeytarSecretStore(loaded, service)
}
