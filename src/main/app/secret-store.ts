/**
 * Where the model API key lives in the app, chosen once at start:
 *   1. the OS keychain through keytar, when a keychain service answers;
 *   2. else Electron's safeStorage, when it really encrypts (never its plain-text backend);
 *   3. else memory for this session only — the person is told (Settings shows the kind through
 *      `window.duckDesktop.secretStore`, and the log says why).
 * `DUCK_SECRET_STORE=memory` (the e2e fixture) picks memory straight away.
 */
import { MemorySecretStore, type SecretStore } from '../core/config/secrets'
import type { Unavailable } from '../core/config/keytar-store'
import type { SecretStoreInfo, SecretStoreKind } from '../../shared/ipc'
import { SafeStorageSecretStore, safeStorageProblem, type SafeStorageLike } from './safe-storage-store'

export interface SecretStoreChoice {
  store: SecretStore
  info: SecretStoreInfo
  /** Why this one, in words for the log. */
  reason: string
}

export interface SecretStoreDeps {
  env: Record<string, string | undefined>
  platform: NodeJS.Platform
  openKeychain(): Promise<SecretStore | Unavailable>
  /** Electron's safeStorage (after app ready), or null where there is none. */
  safeStorage: SafeStorageLike | null
  /** The encrypted file safeStorage secrets go to. */
  safeStorageFile: string
}

/** Gives a store the kind the app reports, without changing what it does. */
function labelled(store: SecretStore, kind: SecretStoreKind): SecretStore {
  return {
    kind,
    get: (account) => store.get(account),
    set: (account, value) => store.set(account, value),
    delete: (account) => store.delete(account)
  }
}

function choice(store: SecretStore, kind: SecretStoreKind, reason: string): SecretStoreChoice {
  return {
    store: labelled(store, kind),
    info: { kind, persistent: kind === 'keychain' || kind === 'safe-storage' },
    reason
  }
}

export async function chooseSecretStore(deps: SecretStoreDeps): Promise<SecretStoreChoice> {
  const wanted = deps.env.DUCK_SECRET_STORE?.trim().toLowerCase()
  if (wanted === 'memory')
    return choice(new MemorySecretStore(), 'memory', 'DUCK_SECRET_STORE=memory: secrets are kept in memory only')

  const keychain = await deps.openKeychain()
  if (!('unavailable' in keychain)) return choice(keychain, 'keychain', 'the OS keychain answered')

  const problem = deps.safeStorage
    ? safeStorageProblem(deps.safeStorage, deps.platform)
    : 'safeStorage is not available'
  if (deps.safeStorage && !problem) {
    return choice(
      new SafeStorageSecretStore(deps.safeStorage, deps.safeStorageFile),
      'safe-storage',
      `${keychain.unavailable}; using Electron safeStorage instead`
    )
  }
  return choice(
    new MemorySecretStore(),
    'session',
    `${keychain.unavailable}, and ${problem}: the model API key is kept for this session only`
  )
}
