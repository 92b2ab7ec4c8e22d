/**
 * `<data dir>/mcp.json` (or DUCK_MCP_CONFIG): the `mcpServers` map Claude Desktop uses, plus
 * Duck's own fields. Each entry is validated on its own, so one bad entry never stops the
 * others; its error names the field.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { z } from 'zod'
import { KEYCHAIN_REF, type SecretValue } from './secrets'

export const SERVER_NAME = /^[a-z0-9-]{1,32}$/

/** Variables a server entry may not set: they change which programs and libraries run. */
export function refusedEnvName(name: string): string | null {
  const upper = name.toUpperCase()
  if (upper === 'PATH') return 'PATH (Duck finds programs with the login shell’s PATH)'
  if (upper.startsWith('LD_')) return `${name} (it changes which libraries every program loads)`
  if (upper.startsWith('DYLD_')) return `${name} (it changes which libraries every program loads)`
  if (upper === 'NODE_OPTIONS') return 'NODE_OPTIONS (it changes what every Node program runs)'
  return null
}

/**
 * An `env` or `headers` value: a string, or `{"keychain": "<entry>"}` to read it from the
 * keychain at start (see secrets.ts). The file never holds a keychain value itself.
 */
function secretValue(maxChars: number) {
  return z.unknown().transform((value, ctx): SecretValue => {
    if (typeof value === 'string') {
      if (value.length > maxChars) {
        ctx.addIssue({ code: 'custom', message: `is longer than ${maxChars.toLocaleString('en-US')} characters` })
      }
      return value
    }
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'keychain' in value) {
      const { keychain, ...rest } = value as Record<string, unknown>
      if ('value' in rest) {
        ctx.addIssue({
          code: 'custom',
          message:
            'holds a secret: the file keeps only {"keychain": "<entry>"}. Send the value through the API ' +
            '(PUT /v1/mcp/servers/<name>) and Duck stores it in the keychain'
        })
      } else if (Object.keys(rest).length > 0) {
        ctx.addIssue({ code: 'custom', message: `has an unknown field ${JSON.stringify(Object.keys(rest)[0])}` })
      } else if (typeof keychain !== 'string' || !KEYCHAIN_REF.test(keychain)) {
        ctx.addIssue({
          code: 'custom',
          message: 'names a keychain entry with 1–64 characters of A–Z, a–z, 0–9, ".", "_" and "-"'
        })
      }
      return { keychain: String(keychain) }
    }
    ctx.addIssue({
      code: 'custom',
      message: 'must be a string, or {"keychain": "<entry>"} to read it from the keychain'
    })
    return ''
  })
}

const EnvMap = z.record(z.string().min(1).max(200), secretValue(32_768)).superRefine((env, ctx) => {
  for (const name of Object.keys(env)) {
    const refused = refusedEnvName(name)
    if (refused) ctx.addIssue({ code: 'custom', path: [name], message: `may not be overridden: ${refused}` })
  }
})

export const McpServerEntrySchema = z
  .strictObject({
    /** Claude Desktop and others write it; Duck reads the transport from command / url. */
    type: z.enum(['stdio', 'http', 'streamable-http', 'streamableHttp']).optional(),
    command: z.string().trim().min(1, 'must not be empty').max(4096).optional(),
    args: z.array(z.string().max(32_768)).max(256).default([]),
    env: EnvMap.default({}),
    cwd: z.string().min(1).max(4096).optional(),
    url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
    headers: z.record(z.string().min(1).max(200), secretValue(16_384)).default({}),
    enabled: z.boolean().default(true),
    timeout_ms: z.number().int().min(100).max(600_000).default(30_000),
    disabled_tools: z.array(z.string().max(200)).max(1000).default([]),
    trusted: z.boolean().default(false),
    /** stdio: run under the command sandbox (default) or, when false, unconfined. */
    sandbox: z.boolean().default(true),
    /** stdio under the sandbox: whether it may use the network (default yes). */
    network: z.boolean().default(true),
    /** The folder the server works in: writable in its sandbox, declared as the client's root. */
    workspace: z.string().min(1).max(4096).optional()
  })
  .superRefine((entry, ctx) => {
    if (entry.command === undefined && entry.url === undefined) {
      ctx.addIssue({ code: 'custom', path: ['command'], message: 'is required (or url, for a Streamable HTTP server)' })
    }
    if (entry.command !== undefined && entry.url !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'cannot be combined with command: pick one transport' })
    }
  })

export type McpServerEntry = z.infer<typeof McpServerEntrySchema>

export interface ParsedConfig {
  /** Valid entries, by name. */
  servers: Map<string, McpServerEntry>
  /** Entries that did not validate, by name: the error sentence. */
  invalid: Map<string, string>
  /** Problems with the file as a whole (not JSON, no object): nothing in it is used. */
  fileError: string | null
  /** The raw file, so a write keeps what Duck does not know. */
  raw: Record<string, unknown>
}

function issueText(prefix: string, error: z.ZodError): string {
  const issue = error.issues[0]
  if (!issue) return `${prefix}: invalid`
  const path = issue.path.map(String)
  const where = [prefix, ...path].join('.')
  if (issue.code === 'unrecognized_keys') return `${where}: unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`
  return `${where} ${issue.message}`
}

/** Validates a whole `{mcpServers: {...}}` value; never throws. */
export function parseConfig(value: unknown): ParsedConfig {
  const result: ParsedConfig = { servers: new Map(), invalid: new Map(), fileError: null, raw: {} }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    result.fileError = 'the file must hold a JSON object like {"mcpServers": {…}}'
    return result
  }
  result.raw = value as Record<string, unknown>
  const map = result.raw.mcpServers ?? {}
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    result.fileError = 'mcpServers must be an object that maps server names to entries'
    return result
  }
  for (const [name, entry] of Object.entries(map as Record<string, unknown>)) {
    if (!SERVER_NAME.test(name)) {
      result.invalid.set(
        name.slice(0, 64),
        `mcpServers.${name.slice(0, 64)}: a server name is 1–32 characters of a–z, 0–9 and "-"`
      )
      continue
    }
    const parsed = McpServerEntrySchema.safeParse(entry)
    if (parsed.success) result.servers.set(name, parsed.data)
    else result.invalid.set(name, issueText(`mcpServers.${name}`, parsed.error))
  }
  return result
}

/** Reads the file: a missing file is an empty configuration. */
export function readConfigFile(path: string): ParsedConfig {
  if (!existsSync(path)) return parseConfig({ mcpServers: {} })
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const parsed = parseConfig({})
    parsed.fileError = `${path} could not be read: ${error instanceof Error ? error.message : String(error)}`
    return parsed
  }
  try {
    const parsed = parseConfig(text.trim() === '' ? {} : (JSON.parse(text) as unknown))
    if (parsed.fileError) parsed.fileError = `${path}: ${parsed.fileError}`
    return parsed
  } catch (error) {
    const parsed = parseConfig({})
    parsed.fileError = `${path} is not valid JSON (${error instanceof Error ? error.message : String(error)})`
    return parsed
  }
}

/** Writes the file in one step (0600: env values may be secrets). */
export function writeConfigFile(path: string, value: Record<string, unknown>): void {
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 })
  renameSync(tmp, path)
}

/**
 * The servers of a `claude_desktop_config.json` (or any `{mcpServers}` file), reduced to the
 * fields Duck knows. Names Duck cannot use are lower-cased and cleaned where possible.
 */
export function importableServers(value: unknown): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {}
  const map = (value as { mcpServers?: unknown } | null)?.mcpServers
  if (typeof map !== 'object' || map === null) return out
  const known = Object.keys(McpServerEntrySchema.shape)
  for (const [rawName, entry] of Object.entries(map as Record<string, unknown>)) {
    if (typeof entry !== 'object' || entry === null) continue
    const name = rawName
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 32)
    if (!SERVER_NAME.test(name)) continue
    const kept: Record<string, unknown> = {}
    for (const [key, v] of Object.entries(entry as Record<string, unknown>)) if (known.includes(key)) kept[key] = v
    out[name] = kept
  }
  return out
}
