/**
 * One MCP server: starting → ready | error | stopped, with a connect timeout, restart after a
 * crash with backoff (1 s doubling to 30 s), a ring buffer of its stderr and log messages,
 * and its tool list (re-read on `list_changed`, with definition drift noticed).
 */
import { createHash } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import {
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  ToolListChangedNotificationSchema,
  type CallToolResult,
  type Tool as McpTool
} from '@modelcontextprotocol/sdk/types.js'
import type { Unavailable } from '../config/keytar-store'
import type { SecretStore } from '../config/secrets'
import type { Sandbox } from '../sandbox/sandbox'
import { DUCK_VERSION } from '../version'
import type { McpServerEntry } from './config'
import { ProcessGroupTransport } from './group-transport'
import type { Launch } from './launch'
import { RingBuffer } from './ring-buffer'
import { resolveSecretMap, scrubSecrets, SecretUnavailableError } from './secrets'

export type McpState = 'starting' | 'ready' | 'error' | 'stopped'

/** A tool as the server defined it, with the hash "Always allow" rules are keyed by. */
export interface McpToolDef {
  name: string
  description: string
  inputSchema: Record<string, unknown>
  annotations: Record<string, unknown>
  hash: string
}

/** Tool names the spec allows, short enough for `mcp__<server>__<tool>` to stay within 100 characters. */
const TOOL_NAME = /^[A-Za-z0-9_.-]{1,60}$/
const MAX_TOOLS = 500

export interface ConnectionOptions {
  name: string
  entry: McpServerEntry
  launch: Launch
  /** PATH for the server (Duck's own plus the login shell's). */
  path: string
  /** The command sandbox (null: none is used for this entry). */
  sandbox: Sandbox | null
  /** Where `{"keychain": …}` values of `env` and `headers` are read, at each start. */
  secrets: () => Promise<SecretStore | Unavailable>
  restartBaseMs?: number
  restartMaxMs?: number
  /** Called whenever the state, the tools or the notices change. */
  onChange?(): void
}

/** sha256 of a tool's description, input schema and annotations (keys sorted). */
export function definitionHash(tool: Pick<McpToolDef, 'description' | 'inputSchema' | 'annotations'>): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical)
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((k) => [k, canonical((value as Record<string, unknown>)[k])])
      )
    }
    return value
  }
  const basis = JSON.stringify(canonical([tool.description, tool.inputSchema, tool.annotations]))
  return createHash('sha256').update(basis).digest('hex').slice(0, 32)
}

/** What a stdio server gets of Duck's environment: the basics, the merged PATH, then its own `env`. */
function serverEnv(path: string, own: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const name of ['HOME', 'USER', 'LOGNAME', 'SHELL', 'TERM', 'LANG', 'LC_ALL', 'TMPDIR', 'SystemRoot']) {
    const value = process.env[name]
    if (value !== undefined) env[name] = value
  }
  return { ...env, PATH: path, ...own }
}

/**
 * Folders a sandboxed server must read besides the system: its program's folder, and for
 * each argument that is an existing absolute path, its `node_modules` tree (a Node server's
 * dependencies sit there) or its folder.
 */
function readablePaths(launch: Launch): string[] {
  const out = new Set<string>()
  if (launch.program) out.add(dirname(launch.program))
  for (const arg of launch.args) {
    if (!isAbsolute(arg)) continue
    const at = arg.indexOf(`${sep}node_modules${sep}`)
    out.add(at >= 0 ? arg.slice(0, at + `${sep}node_modules`.length) : dirname(resolve(arg)))
  }
  if (launch.cwd) out.add(launch.cwd)
  return [...out]
}

export class McpConnection {
  state: McpState = 'stopped'
  lastError: string | null = null
  /** stderr and log lines, with the secrets Duck handed the server scrubbed out. */
  readonly stderr = new RingBuffer(200, 2000, scrubSecrets)
  /** Changes worth telling the person about (drift, added or removed tools), newest last. */
  readonly notices: string[] = []
  tools = new Map<string, McpToolDef>()
  instructions: string | null = null
  connectMs: number | null = null
  readyAt: number | null = null

  private client: Client | null = null
  private generation = 0
  private restartTimer: NodeJS.Timeout | null = null
  private attempts = 0
  private listed = false
  private scratch: string | null = null

  constructor(public options: ConnectionOptions) {}

  get name(): string {
    return this.options.name
  }

  get entry(): McpServerEntry {
    return this.options.entry
  }

  /** The folder the server works in: its entry's, else a private empty one. */
  workspace(): string {
    const entry = this.options.entry
    if (entry.workspace) return resolve(entry.workspace)
    if (entry.cwd) return resolve(entry.cwd)
    this.scratch ??= mkdtempSync(join(tmpdir(), `duck-mcp-${this.name}-`))
    return this.scratch
  }

  /** Starts (or restarts) the server; never throws — failures become the `error` state. */
  async start(): Promise<void> {
    this.clearRestart()
    const attempt = ++this.generation
    await this.closeClient()
    this.state = 'starting'
    this.lastError = null
    this.changed()
    const started = performance.now()
    let client: Client | null = null
    let transport: Transport | null = null
    try {
      if (this.options.launch.problem) throw new PermanentError(`It cannot start: ${this.options.launch.problem}.`)
      transport = await this.transport()
      client = this.newClient()
      client.onclose = () => this.closed(attempt)
      await client.connect(transport, { timeout: this.options.entry.timeout_ms })
      if (attempt !== this.generation) {
        await client.close()
        return
      }
      this.client = client
      const instructions = client.getInstructions()
      this.instructions = instructions ? scrubSecrets(instructions) : null
      this.acceptTools(await this.listAll(client))
      if (attempt !== this.generation) return
      this.connectMs = Math.round(performance.now() - started)
      this.readyAt = Date.now()
      this.state = 'ready'
      this.changed()
    } catch (error) {
      if (attempt !== this.generation) return
      await client?.close().catch(() => undefined)
      await transport?.close().catch(() => undefined)
      this.client = null
      // Let the last stderr lines arrive before they are quoted.
      await new Promise((r) => setTimeout(r, 50))
      const permanent = error instanceof PermanentError || error instanceof SecretUnavailableError
      this.fail(this.explain('It could not connect', error), !permanent)
    }
  }

  /** Stops the server and its whole process group; no restart follows. */
  async stop(): Promise<void> {
    this.clearRestart()
    this.generation++
    await this.closeClient()
    this.state = 'stopped'
    this.changed()
  }

  /** Calls a tool; rejects when the server is not ready, the call fails, times out or is cancelled. */
  async call(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult> {
    const client = this.client
    if (!client || this.state !== 'ready') {
      throw new Error(`The MCP server "${this.name}" is not ready (${this.describeState()}).`)
    }
    // The SDK leaves its abort listener on the signal it is given: it gets one of its own per
    // call, linked to the task's and unlinked after, so a task's signal gathers none.
    const own = new AbortController()
    const forward = (): void => own.abort(signal.reason)
    if (signal.aborted) own.abort(signal.reason)
    else signal.addEventListener('abort', forward, { once: true })
    try {
      return (await client.callTool({ name: tool, arguments: args }, undefined, {
        signal: own.signal,
        timeout: this.options.entry.timeout_ms
      })) as CallToolResult
    } finally {
      signal.removeEventListener('abort', forward)
    }
  }

  describeState(): string {
    if (this.state === 'error') return `error: ${this.lastError ?? 'unknown'}`
    return this.state
  }

  /** "…: reason. Its last stderr lines: …" — never just "Connection closed". */
  explain(what: string, error: unknown): string {
    const message = error instanceof Error ? error.message : String(error)
    const transport = this.lastTransport
    const exit =
      transport instanceof ProcessGroupTransport && transport.exit
        ? ` The server exited (${transport.exit.signal ? `signal ${transport.exit.signal}` : `code ${transport.exit.code}`}).`
        : ''
    const tail = this.stderr.tail(8)
    const stderr = tail.length > 0 ? ` Its last stderr lines: ${tail.join(' ⏎ ')}` : ' It wrote nothing to stderr.'
    return scrubSecrets(`${what}: ${message.replace(/^MCP error -?\d+: /, '')}.${exit}${stderr}`.replace(/\.\./g, '.'))
  }

  private lastTransport: Transport | null = null

  private async transport(): Promise<Transport> {
    const { entry, launch } = this.options
    if (launch.transport === 'http') {
      const headers = await resolveSecretMap(entry.headers, 'headers', this.name, this.options.secrets)
      const transport = new StreamableHTTPClientTransport(new URL(entry.url as string), {
        requestInit: { headers }
      })
      this.lastTransport = transport
      return transport
    }
    const workspace = this.workspace()
    let argv = [launch.program as string, ...launch.args]
    let env = serverEnv(this.options.path, await resolveSecretMap(entry.env, 'env', this.name, this.options.secrets))
    let cwd = launch.cwd ?? workspace
    const sandbox = this.options.sandbox
    if (sandbox) {
      const status = await sandbox.status()
      if (!status.available) {
        throw new PermanentError(
          `It was not started because its sandbox cannot start (${status.reason ?? 'none is available'}). ` +
            'Set "sandbox": false in its entry to run it without one'
        )
      }
      const wrapped = sandbox.wrap({
        argv,
        workspace,
        grant: { profile: 'workspace_write', network: entry.network, writablePaths: [] },
        env,
        readablePaths: readablePaths(launch)
      })
      argv = wrapped.argv
      env = wrapped.env
      cwd = workspace
    }
    const transport = new ProcessGroupTransport({
      argv,
      env,
      cwd,
      onStderr: (text) => this.stderr.write(text),
      onGarbage: (line) => this.stderr.push(`[duck] not JSON-RPC on stdout, skipped: ${line.slice(0, 200)}`)
    })
    this.lastTransport = transport
    return transport
  }

  private newClient(): Client {
    // Roots: the server's workspace. No sampling or elicitation until they have a consent flow.
    const client = new Client({ name: 'duck', version: DUCK_VERSION }, { capabilities: { roots: {} } })
    client.setRequestHandler(ListRootsRequestSchema, () => {
      const workspace = this.workspace()
      return { roots: [{ uri: pathToFileURL(workspace).href, name: basename(workspace) }] }
    })
    client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
      const { level, data, logger } = notification.params
      const text = typeof data === 'string' ? data : JSON.stringify(data)
      this.stderr.push(`[log ${level}${logger ? ` ${logger}` : ''}] ${text}`)
    })
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      void this.refreshTools(client)
    })
    client.onerror = (error) => this.stderr.push(`[duck] ${error.message}`)
    return client
  }

  private async refreshTools(client: Client): Promise<void> {
    if (client !== this.client) return
    try {
      this.acceptTools(await this.listAll(client))
      this.changed()
    } catch (error) {
      this.stderr.push(
        `[duck] re-reading the tool list failed: ${error instanceof Error ? error.message : String(error)}`
      )
    }
  }

  private async listAll(client: Client): Promise<McpTool[]> {
    if (!client.getServerCapabilities()?.tools) return []
    const all: McpTool[] = []
    let cursor: string | undefined
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: this.options.entry.timeout_ms })
      all.push(...page.tools)
      cursor = page.nextCursor
    } while (cursor && all.length < MAX_TOOLS)
    return all
  }

  /** Takes a tool list: bad or duplicate names dropped (with a log line), drift noticed. */
  private acceptTools(list: McpTool[]): void {
    const next = new Map<string, McpToolDef>()
    for (const tool of list.slice(0, MAX_TOOLS)) {
      if (!TOOL_NAME.test(tool.name)) {
        this.log(`dropped a tool whose name is outside [A-Za-z0-9_.-]{1,60}: ${JSON.stringify(tool.name.slice(0, 80))}`)
        continue
      }
      if (next.has(tool.name)) {
        this.log(`dropped a second tool named "${tool.name}"`)
        continue
      }
      const def = {
        name: tool.name,
        description: typeof tool.description === 'string' ? scrubSecrets(tool.description) : '',
        inputSchema: (tool.inputSchema ?? { type: 'object' }) as Record<string, unknown>,
        annotations: (tool.annotations ?? {}) as Record<string, unknown>
      }
      next.set(tool.name, { ...def, hash: definitionHash(def) })
    }
    if (this.listed) {
      for (const [name, def] of next) {
        const before = this.tools.get(name)
        if (!before) this.notice(`The server added the tool "${name}" while connected; calls to it ask like any other.`)
        else if (before.hash !== def.hash) {
          this.notice(
            `The tool "${name}" changed its definition while connected; its "Always allow" rules are suspended until you allow it again.`
          )
        }
      }
      for (const name of this.tools.keys()) if (!next.has(name)) this.notice(`The server removed the tool "${name}".`)
    }
    this.listed = true
    this.tools = next
  }

  private notice(text: string): void {
    this.notices.push(text)
    if (this.notices.length > 50) this.notices.splice(0, this.notices.length - 50)
    this.log(text)
  }

  private log(text: string): void {
    this.stderr.push(`[duck] ${text}`)
    console.warn(`[duck] mcp ${this.name}: ${scrubSecrets(text)}`)
  }

  /** The connection closed: a crash unless Duck closed it (then the generation moved on). */
  private closed(attempt: number): void {
    if (attempt !== this.generation || this.state !== 'ready') return
    this.client = null
    // stderr of a dying process arrives a moment later; the state is set now, the text then.
    this.state = 'error'
    this.lastError = this.explain('It stopped', new Error('the connection closed'))
    this.changed()
    setTimeout(() => {
      if (attempt === this.generation && this.state === 'error') {
        this.lastError = this.explain('It stopped', new Error('the connection closed'))
        this.changed()
      }
    }, 100).unref()
    // Up for a while: a fresh crash, not a crash loop.
    if (this.readyAt !== null && Date.now() - this.readyAt > 60_000) this.attempts = 0
    this.scheduleRestart()
  }

  private fail(message: string, retry: boolean): void {
    this.state = 'error'
    this.lastError = message
    this.changed()
    if (retry) this.scheduleRestart()
  }

  /** The next restart's delay: 1 s doubling to 30 s. */
  nextDelayMs(): number {
    const base = this.options.restartBaseMs ?? 1000
    const max = this.options.restartMaxMs ?? 30_000
    return Math.min(max, base * 2 ** this.attempts)
  }

  private scheduleRestart(): void {
    this.clearRestart()
    const delay = this.nextDelayMs()
    this.attempts++
    this.stderr.push(`[duck] restarting in ${Math.round(delay / 100) / 10} s`)
    this.restartTimer = setTimeout(() => void this.start(), delay)
    this.restartTimer.unref()
  }

  /** A restart the person asked for: the backoff starts over. */
  async restart(): Promise<void> {
    this.attempts = 0
    await this.start()
  }

  private clearRestart(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer)
    this.restartTimer = null
  }

  private async closeClient(): Promise<void> {
    const client = this.client
    const transport = this.lastTransport
    this.client = null
    await client?.close().catch(() => undefined)
    // A transport whose connect never finished is closed too (its process group killed).
    await transport?.close().catch(() => undefined)
  }

  private changed(): void {
    this.options.onChange?.()
  }
}

/** A failure that retrying will not fix (program not found, no sandbox). */
class PermanentError extends Error {}
