/**
 * Secrets of MCP servers in the keychain. An `env` (or `headers`) value in `mcp.json` may be
 * `{"keychain": "<entry>"}` instead of a string: the value then lives in the secret store under
 * the account `mcp:<entry>` and is read each time the server starts. Through the API an entry
 * may send `{"keychain": "<entry>", "value": "…"}`: Duck stores the value there and writes only
 * the reference to the file. Values read this way (and plain values of variables whose name
 * says they are secret) are scrubbed from everything Duck shows or records about the server —
 * its stderr tail, errors, logs, tool results and the audit.
 */
import { openKeytarStore, type Unavailable } from '../config/keytar-store'
import { MemorySecretStore, type SecretStore } from '../config/secrets'

/** Names of keychain entries: short, and safe in an account name and a message. */
export const KEYCHAIN_REF = /^[A-Za-z0-9._-]{1,64}$/
/** Every MCP secret's account starts so: a server entry can never name the model API key's. */
export const MCP_SECRET_PREFIX = 'mcp:'

export interface KeychainRef {
  keychain: string
}
/** An `env` or `headers` value: the value itself, or where in the keychain it is. */
export type SecretValue = string | KeychainRef

export function secretAccount(ref: string): string {
  return `${MCP_SECRET_PREFIX}${ref}`
}

export function isKeychainRef(value: unknown): value is KeychainRef {
  return typeof value === 'object' && value !== null && typeof (value as { keychain?: unknown }).keychain === 'string'
}

/** Variable and header names whose plain values are treated as secrets too. */
export const SECRET_NAME = /pass(word)?|secret|token|api[-_]?key|auth|credential|private[-_]?key|cookie/i

/** The fields of an entry whose values may come from the keychain. */
export const SECRET_FIELDS = ['env', 'headers'] as const

/**
 * Takes the `{"keychain", "value"}` pairs out of entries sent through the API: the entries keep
 * `{"keychain"}` only, and the values to store are returned by keychain entry. Anything else is
 * left for validation to judge.
 */
export function extractSecretValues(servers: Record<string, unknown>): {
  servers: Record<string, unknown>
  values: Map<string, string>
  problem: string | null
} {
  const values = new Map<string, string>()
  const out: Record<string, unknown> = {}
  let problem: string | null = null
  for (const [name, entry] of Object.entries(servers)) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      out[name] = entry
      continue
    }
    const copy: Record<string, unknown> = { ...(entry as Record<string, unknown>) }
    for (const field of SECRET_FIELDS) {
      const map = copy[field]
      if (typeof map !== 'object' || map === null || Array.isArray(map)) continue
      const kept: Record<string, unknown> = {}
      for (const [key, value] of Object.entries(map as Record<string, unknown>)) {
        if (!isKeychainRef(value) || !('value' in value)) {
          kept[key] = value
          continue
        }
        const { value: secret, ...rest } = value as KeychainRef & { value: unknown }
        const where = `mcpServers.${name}.${field}.${key}`
        if (typeof secret !== 'string' || secret === '') {
          problem ??= `${where}.value must be the secret as a non-empty string`
        } else if (KEYCHAIN_REF.test(rest.keychain)) {
          const earlier = values.get(rest.keychain)
          if (earlier !== undefined && earlier !== secret) {
            problem ??= `${where}: the keychain entry "${rest.keychain}" is given two different values`
          }
          values.set(rest.keychain, secret)
        }
        kept[key] = rest
      }
      copy[field] = kept
    }
    out[name] = copy
  }
  return { servers: out, values, problem }
}

/** The keychain entries the entries refer to. */
export function referencedEntries(servers: Record<string, unknown>): Set<string> {
  const refs = new Set<string>()
  for (const entry of Object.values(servers)) {
    if (typeof entry !== 'object' || entry === null) continue
    for (const field of SECRET_FIELDS) {
      const map = (entry as Record<string, unknown>)[field]
      if (typeof map !== 'object' || map === null) continue
      for (const value of Object.values(map as Record<string, unknown>))
        if (isKeychainRef(value)) refs.add(value.keychain)
    }
  }
  return refs
}

/** A server cannot start as configured because a secret it needs is not to be had. */
export class SecretUnavailableError extends Error {}

/**
 * The values of `map` as the server gets them: keychain references read from `store`.
 * `where` names the field in messages (`env`, `headers`). Never puts a value in a message.
 */
export async function resolveSecretMap(
  map: Record<string, SecretValue>,
  where: string,
  server: string,
  store: () => Promise<SecretStore | Unavailable>
): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(map)) {
    if (typeof value === 'string') {
      if (SECRET_NAME.test(name)) rememberSecret(value)
      out[name] = value
      continue
    }
    const opened = await store()
    if ('unavailable' in opened) {
      throw new SecretUnavailableError(
        `${where}.${name} is to come from the keychain entry "${value.keychain}", but no keychain is available (${opened.unavailable})`
      )
    }
    let secret: string | null
    try {
      secret = await opened.get(secretAccount(value.keychain))
    } catch (error) {
      throw new SecretUnavailableError(
        `${where}.${name} is to come from the keychain entry "${value.keychain}", which could not be read (${
          error instanceof Error ? error.message.split('\n')[0] : String(error)
        })`
      )
    }
    if (secret === null) {
      throw new SecretUnavailableError(
        `${where}.${name} is to come from the keychain entry "${value.keychain}", which is not there: send the entry again with ` +
          `{"keychain": "${value.keychain}", "value": "…"} as ${where}.${name} (PUT /v1/mcp/servers/${server}) and Duck stores it`
      )
    }
    rememberSecret(secret)
    out[name] = secret
  }
  return out
}

/**
 * The store MCP secrets live in when the manager is given none: memory with
 * `DUCK_SECRET_STORE=memory`, else the OS keychain (keytar) when one answers.
 */
export function defaultSecretStore(): () => Promise<SecretStore | Unavailable> {
  let opened: SecretStore | null = null
  return async () => {
    if (opened) return opened
    if (process.env.DUCK_SECRET_STORE?.trim().toLowerCase() === 'memory') {
      opened = new MemorySecretStore()
      return opened
    }
    const keychain = await openKeytarStore()
    // Only a store that answered is kept: a keychain unlocked later is found at the next try.
    if (!('unavailable' in keychain)) opened = keychain
    return keychain
  }
}

/** Secrets shorter than this are not scrubbed (they would blank out ordinary words). */
const MIN_SCRUBBED = 4
const MAX_KNOWN = 1000
const known = new Set<string>()
let ordered: string[] = []

/** A value Duck handed to a server as a secret: from now on it is scrubbed from what Duck shows. */
export function rememberSecret(value: string): void {
  if (value.length < MIN_SCRUBBED || known.has(value)) return
  // As written, and as it reads inside JSON (a result that prints its environment as JSON).
  for (const form of new Set([value, JSON.stringify(value).slice(1, -1)])) known.add(form)
  while (known.size > MAX_KNOWN) known.delete(known.values().next().value as string)
  // Longest first, so a secret that contains another is replaced whole.
  ordered = [...known].sort((a, b) => b.length - a.length)
}

/** `text` with every known secret replaced by `[secret]`. */
export function scrubSecrets(text: string): string {
  if (ordered.length === 0 || text === '') return text
  let out = text
  for (const secret of ordered) if (out.includes(secret)) out = out.split(secret).join('[secret]')
  return out
}
