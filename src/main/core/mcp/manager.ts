/**
 * Every configured MCP server: loads `mcp.json`, starts the confirmed and enabled ones in
 * parallel without blocking start-up, lends their tools to the planner's catalog, and changes
 * the file when the person edits a server, confirms it or turns a tool on or off.
 */
import { readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { mkdirSync } from 'node:fs'
import { DuckApiError } from '../../../shared/api'
import type { McpServerStatus, McpServersInfo, McpToolStatus } from '../../../shared/mcp'
import type { Unavailable } from '../config/keytar-store'
import type { SecretStore } from '../config/secrets'
import type { Sandbox } from '../sandbox/sandbox'
import * as approvalsRepo from '../store/approvals-repo'
import type { Db } from '../store/database'
import type { Tool } from '../tools/types'
import {
  importableServers,
  parseConfig,
  readConfigFile,
  SERVER_NAME,
  writeConfigFile,
  type McpServerEntry,
  type ParsedConfig
} from './config'
import * as confirmations from './confirmations-repo'
import { McpConnection } from './connection'
import { describeLaunch, fingerprint, isLoopbackUrl, loginShellPath, mergePath, type Launch } from './launch'
import { defaultSecretStore, extractSecretValues, referencedEntries, secretAccount } from './secrets'
import { makeMcpTool, mcpRuleKey, mcpToolName } from './tool'

/** More tools than this and the catalog starts to crowd the planner's context. */
export const MANY_TOOLS = 25

export interface McpManagerOptions {
  db: Db
  configPath: string
  sandbox: Sandbox
  /**
   * Where `{"keychain": "<entry>"}` values of `env` and `headers` live (accounts `mcp:<entry>`).
   * Default: memory with `DUCK_SECRET_STORE=memory`, else the OS keychain when one answers. A
   * function is asked each time a secret is stored or read (it may say none is available).
   */
  secrets?: SecretStore | (() => Promise<SecretStore | Unavailable>)
  /** Read the login shell's PATH once (default true; tests turn it off). */
  loginShellPath?: boolean
  restartBaseMs?: number
  restartMaxMs?: number
}

interface Server {
  name: string
  entry: McpServerEntry
  launch: Launch
  fingerprint: string
  connection: McpConnection
}

/** The part of an entry that decides what runs: a change there means a new process (and confirmation). */
function launchPart(entry: McpServerEntry): string {
  const { disabled_tools: _tools, trusted: _trusted, timeout_ms: _timeout, enabled: _enabled, ...rest } = entry
  return JSON.stringify(rest)
}

export class McpManager {
  private config: ParsedConfig = parseConfig({ mcpServers: {} })
  private readonly servers = new Map<string, Server>()
  private path = process.env.PATH ?? ''
  private readonly ready: Promise<void>
  private closed = false
  private toolCache = new Map<string, Tool>()
  private readonly secrets: () => Promise<SecretStore | Unavailable>

  constructor(private readonly options: McpManagerOptions) {
    const given = options.secrets
    this.secrets = typeof given === 'function' ? given : given ? () => Promise.resolve(given) : defaultSecretStore()
    this.ready = this.init()
  }

  private async init(): Promise<void> {
    const login = this.options.loginShellPath === false ? null : await loginShellPath()
    this.path = mergePath(process.env.PATH, login)
    this.reload()
  }

  /** Resolves once the configuration is loaded (servers keep starting in the background). */
  whenLoaded(): Promise<void> {
    return this.ready
  }

  get configPath(): string {
    return this.options.configPath
  }

  /** Reads the file again and brings the running servers in line with it. */
  private reload(): void {
    if (this.closed) return
    this.config = readConfigFile(this.options.configPath)
    const confirmed = confirmations.confirmedFingerprints(this.options.db)
    const wanted = this.config.fileError ? new Map<string, McpServerEntry>() : this.config.servers
    for (const [name, server] of this.servers) {
      const entry = wanted.get(name)
      if (entry && launchPart(entry) === launchPart(server.entry)) {
        // Tools on or off, trust, timeout, enabled: no change to what runs, so no restart.
        server.entry = entry
        server.connection.options.entry = entry
        continue
      }
      void server.connection.stop()
      this.servers.delete(name)
    }
    for (const [name, entry] of wanted) {
      let server = this.servers.get(name)
      if (!server) {
        const launch = describeLaunch(entry, this.path, process.cwd())
        const connection = new McpConnection({
          name,
          entry,
          launch,
          path: this.path,
          secrets: this.secrets,
          sandbox: launch.transport === 'stdio' && entry.sandbox ? this.options.sandbox : null,
          ...(this.options.restartBaseMs !== undefined ? { restartBaseMs: this.options.restartBaseMs } : {}),
          ...(this.options.restartMaxMs !== undefined ? { restartMaxMs: this.options.restartMaxMs } : {})
        })
        server = { name, entry, launch, fingerprint: fingerprint(launch), connection }
        this.servers.set(name, server)
      }
      const runnable = entry.enabled && confirmed.get(name) === server.fingerprint
      if (runnable && server.connection.state === 'stopped') void server.connection.start()
      if (!runnable && server.connection.state !== 'stopped') void server.connection.stop()
    }
    this.toolCache.clear()
  }

  /** The tools of ready servers that are on: the planner's catalog. */
  tools(): Tool[] {
    return this.allTools()
      .filter((t) => this.servers.get(t.server)?.connection.state === 'ready')
      .map((t) => t.tool)
  }

  /**
   * A tool that is on, whatever its server's state (a call to a server that is down then says
   * so, instead of naming an unknown tool).
   */
  find(name: string): Tool | undefined {
    return this.allTools().find((t) => t.tool.name === name)?.tool
  }

  private allTools(): { server: string; tool: Tool }[] {
    const out: { server: string; tool: Tool }[] = []
    for (const server of this.servers.values()) {
      const { connection, entry } = server
      for (const def of connection.tools.values()) {
        if (entry.disabled_tools.includes(def.name)) continue
        const key = `${server.name}\u0000${server.fingerprint}\u0000${def.hash}`
        let tool = this.toolCache.get(key)
        if (!tool) {
          tool = makeMcpTool({ connection, def, fingerprint: server.fingerprint }) as unknown as Tool
          this.toolCache.set(key, tool)
        }
        out.push({ server: server.name, tool })
      }
    }
    return out
  }

  /** Server instructions, bounded, for the planner's reference material (framed as data). */
  instructions(): { server: string; text: string }[] {
    const out: { server: string; text: string }[] = []
    for (const server of this.servers.values()) {
      const text = server.connection.instructions
      if (server.connection.state === 'ready' && text) out.push({ server: server.name, text: text.slice(0, 2000) })
    }
    return out
  }

  async status(): Promise<McpServersInfo> {
    await this.ready
    const confirmed = confirmations.confirmedFingerprints(this.options.db)
    const rules = approvalsRepo.listRules(this.options.db)
    const servers: McpServerStatus[] = []
    let enabledTools = 0
    for (const [name, message] of this.config.invalid) {
      servers.push({
        name,
        enabled: false,
        trusted: false,
        state: 'error',
        needs_confirmation: false,
        fingerprint: null,
        launch: null,
        last_error: message,
        stderr_tail: [],
        notices: [],
        warnings: [],
        connect_ms: null,
        tools: []
      })
    }
    for (const server of this.servers.values()) {
      const { connection, entry, launch } = server
      const tools: McpToolStatus[] = [...connection.tools.values()].map((def) => {
        const fullName = mcpToolName(server.name, def.name)
        const current = mcpRuleKey(server.fingerprint, def.hash)
        const own = rules.filter((r) => r.tool === fullName)
        const enabled = !entry.disabled_tools.includes(def.name)
        if (enabled) enabledTools++
        return {
          name: def.name,
          full_name: fullName,
          description: def.description.slice(0, 500),
          enabled,
          annotations: def.annotations,
          definition_hash: def.hash,
          rules_suspended: own.length > 0 && own.every((r) => r.pattern !== current)
        }
      })
      const needsConfirmation = confirmed.get(server.name) !== server.fingerprint
      const warnings: string[] = []
      if (launch.transport === 'http' && launch.url && !isLoopbackUrl(launch.url)) {
        warnings.push(
          `This server is not on this computer (${new URL(launch.url).host}): what its tools are sent leaves it.`
        )
      }
      if (launch.transport === 'stdio' && !entry.sandbox) {
        warnings.push('It runs without the command sandbox: it can do anything your account can.')
      }
      if (entry.trusted)
        warnings.push('Trusted: its tools that say they are read-only and closed-world run without asking.')
      servers.push({
        name: server.name,
        enabled: entry.enabled,
        trusted: entry.trusted,
        state: connection.state,
        needs_confirmation: needsConfirmation,
        fingerprint: server.fingerprint,
        launch: {
          transport: launch.transport,
          command: launch.command,
          program: launch.program,
          args: launch.args,
          cwd: launch.cwd,
          env_names: launch.env_names,
          url: launch.url,
          header_names: launch.header_names,
          sandboxed: launch.transport === 'stdio' && entry.sandbox,
          workspace: launch.transport === 'stdio' ? connection.workspace() : null
        },
        last_error:
          connection.lastError ??
          (needsConfirmation
            ? 'Not started: confirm its command first (new or changed since you last confirmed it).'
            : !entry.enabled
              ? 'Turned off.'
              : (launch.problem ?? null)),
        stderr_tail: connection.stderr.tail(20),
        notices: [...connection.notices],
        warnings,
        connect_ms: connection.connectMs,
        tools
      })
    }
    servers.sort((a, b) => a.name.localeCompare(b.name))
    const warnings =
      enabledTools > MANY_TOOLS
        ? [
            `${enabledTools} MCP tools are on; more than about ${MANY_TOOLS} crowd the planner's context. Turn off the ones you do not need.`
          ]
        : []
    return {
      config_path: this.options.configPath,
      config_error: this.config.fileError,
      servers,
      enabled_tools: enabledTools,
      warnings
    }
  }

  private rawServers(): Record<string, unknown> {
    const raw = readConfigFile(this.options.configPath)
    if (raw.fileError && raw.fileError.includes('could not be read')) throw new DuckApiError('conflict', raw.fileError)
    const map = raw.raw.mcpServers
    return typeof map === 'object' && map !== null && !Array.isArray(map) ? { ...(map as Record<string, unknown>) } : {}
  }

  /**
   * Validates and writes the map. Values sent as `{"keychain", "value"}` go to the keychain
   * first (only once everything validated), and the file keeps the reference alone.
   */
  private async write(input: Record<string, unknown>): Promise<void> {
    const { servers, values, problem } = extractSecretValues(input)
    if (problem) throw new DuckApiError('invalid_input', problem)
    const parsed = parseConfig({ mcpServers: servers })
    const first = [...parsed.invalid.values()][0]
    if (first) throw new DuckApiError('invalid_input', first)
    if (values.size > 0) {
      const store = await this.secrets()
      if ('unavailable' in store) {
        throw new DuckApiError(
          'conflict',
          `No keychain is available (${store.unavailable}), so the secret was not stored and nothing was changed. ` +
            'Give the value as a plain string instead, or run Duck where a keychain answers.'
        )
      }
      for (const [ref, value] of values) await store.set(secretAccount(ref), value)
    }
    let raw: Record<string, unknown> = {}
    try {
      raw = JSON.parse(readFileSync(this.options.configPath, 'utf8')) as Record<string, unknown>
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) raw = {}
    } catch {
      raw = {}
    }
    mkdirSync(dirname(this.options.configPath), { recursive: true })
    writeConfigFile(this.options.configPath, { ...raw, mcpServers: servers })
    this.reload()
  }

  private known(name: string): Server {
    const server = this.servers.get(name)
    if (!server) throw new DuckApiError('not_found', `No MCP server named "${name}" is configured.`)
    return server
  }

  /** Replaces the whole `mcpServers` map. */
  async replaceAll(servers: Record<string, unknown>): Promise<McpServersInfo> {
    await this.ready
    await this.write(servers)
    return this.status()
  }

  /** Adds or replaces one entry (it then waits for confirmation if its command changed). */
  async putServer(name: string, entry: Record<string, unknown>): Promise<McpServersInfo> {
    await this.ready
    await this.write({ ...this.rawServers(), [name]: entry })
    return this.status()
  }

  async deleteServer(name: string): Promise<void> {
    await this.ready
    const servers = this.rawServers()
    if (!(name in servers)) throw new DuckApiError('not_found', `No MCP server named "${name}" is configured.`)
    const before = referencedEntries({ [name]: servers[name] })
    delete servers[name]
    await this.write(servers)
    confirmations.forget(this.options.db, name)
    // Its keychain entries go with it, unless another server still refers to them.
    const still = referencedEntries(servers)
    const gone = [...before].filter((ref) => !still.has(ref))
    if (gone.length > 0) {
      const store = await this.secrets()
      if (!('unavailable' in store)) {
        for (const ref of gone) await store.delete(secretAccount(ref)).catch(() => undefined)
      }
    }
  }

  /** The person confirmed the launch they were shown; it must still be the current one. */
  async confirm(name: string, shown: string): Promise<McpServersInfo> {
    await this.ready
    const server = this.known(name)
    if (server.fingerprint !== shown) {
      throw new DuckApiError(
        'conflict',
        `The command of "${name}" changed since it was shown (fingerprint ${server.fingerprint}); look at it again and confirm that.`
      )
    }
    confirmations.confirm(this.options.db, name, shown)
    this.reload()
    return this.status()
  }

  async restart(name: string): Promise<McpServersInfo> {
    await this.ready
    const server = this.known(name)
    const confirmed = confirmations.confirmedFingerprints(this.options.db).get(name) === server.fingerprint
    if (!confirmed) throw new DuckApiError('conflict', `Confirm the command of "${name}" before starting it.`)
    if (!server.entry.enabled) throw new DuckApiError('conflict', `"${name}" is turned off in its entry.`)
    await server.connection.restart()
    return this.status()
  }

  async stop(name: string): Promise<McpServersInfo> {
    await this.ready
    await this.known(name).connection.stop()
    return this.status()
  }

  async setTool(name: string, tool: string, enabled: boolean): Promise<McpServersInfo> {
    await this.ready
    this.known(name)
    const servers = this.rawServers()
    const entry = { ...(servers[name] as Record<string, unknown>) }
    const disabled = new Set(Array.isArray(entry.disabled_tools) ? (entry.disabled_tools as string[]) : [])
    if (enabled) disabled.delete(tool)
    else disabled.add(tool)
    entry.disabled_tools = [...disabled]
    // Turning a tool on or off is no change to the command: the confirmation stays.
    servers[name] = entry
    await this.write(servers)
    return this.status()
  }

  /** Adds the servers of a `claude_desktop_config.json` that are not configured yet (unconfirmed). */
  async importFrom(path: string): Promise<McpServersInfo> {
    await this.ready
    let value: unknown
    try {
      value = JSON.parse(readFileSync(path, 'utf8'))
    } catch (error) {
      throw new DuckApiError(
        'invalid_input',
        `path: ${path} could not be read as JSON (${error instanceof Error ? error.message : String(error)}).`
      )
    }
    const servers = this.rawServers()
    for (const [name, entry] of Object.entries(importableServers(value))) {
      if (!(name in servers) && SERVER_NAME.test(name)) servers[name] = entry
    }
    await this.write(servers)
    return this.status()
  }

  async close(): Promise<void> {
    this.closed = true
    await this.ready.catch(() => undefined)
    await Promise.all([...this.servers.values()].map((s) => s.connection.stop()))
  }
}
