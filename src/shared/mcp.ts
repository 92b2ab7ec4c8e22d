/**
 * MCP servers on the wire (`/v1/mcp/…`, `DuckApi.mcp`): their configuration entries, status,
 * tools, and the inputs of the routes that change them.
 */
import { z } from 'zod'

export type McpServerState = 'starting' | 'ready' | 'error' | 'stopped'

export interface McpToolStatus {
  /** The server's own name for it. */
  name: string
  /** As the planner names it: `mcp__<server>__<tool>`. */
  full_name: string
  /** The first sentence of its description (the server's text: data, not instructions). */
  description: string
  enabled: boolean
  /** The annotations the server claims (untrusted: they can raise a risk, never lower it). */
  annotations: Record<string, unknown>
  /** Hash of the description, schema and annotations "Always allow" rules are keyed by. */
  definition_hash: string
  /** True when "Always allow" rules exist for an earlier definition: they no longer apply. */
  rules_suspended: boolean
}

/** What the person confirms before a server starts (values of env and headers are never shown). */
export interface McpLaunchInfo {
  transport: 'stdio' | 'http'
  command: string | null
  /** The program path `command` resolved to, or null when it was not found. */
  program: string | null
  args: string[]
  cwd: string | null
  env_names: string[]
  url: string | null
  header_names: string[]
  /** stdio: runs under the command sandbox (workspace writable, network as configured). */
  sandboxed: boolean
  /** The folder the server works in (writable in its sandbox, declared as its root). */
  workspace: string | null
}

export interface McpServerStatus {
  name: string
  enabled: boolean
  trusted: boolean
  state: McpServerState
  /** The entry changed (or is new) and waits for the person to confirm `fingerprint`. */
  needs_confirmation: boolean
  /** The fingerprint of `launch`; null when the entry is invalid. */
  fingerprint: string | null
  launch: McpLaunchInfo | null
  last_error: string | null
  /** The server's last stderr lines and log messages. */
  stderr_tail: string[]
  /** Drift, tools added or removed while connected, … newest last. */
  notices: string[]
  /** Things to know before confirming (a server off loopback, one without a sandbox). */
  warnings: string[]
  connect_ms: number | null
  tools: McpToolStatus[]
}

export interface McpServersInfo {
  /** The file the configuration lives in (`DUCK_MCP_CONFIG`, else `<data dir>/mcp.json`). */
  config_path: string
  /** Set when the file as a whole cannot be used (then no server starts). */
  config_error: string | null
  servers: McpServerStatus[]
  /** Tools on across all servers (the planner's catalog grows with each). */
  enabled_tools: number
  warnings: string[]
}

/** One entry of `mcpServers` as sent by a client; validated in full by the core. */
export const McpServerEntryInputSchema = z.record(z.string(), z.unknown())
export const McpConfigInputSchema = z.object({ mcpServers: z.record(z.string(), z.unknown()) })
export type McpConfigInput = z.infer<typeof McpConfigInputSchema>

export const McpServerNameSchema = z
  .string()
  .regex(/^[a-z0-9-]{1,32}$/, 'a server name is 1–32 characters of a–z, 0–9 and "-"')
export const McpConfirmSchema = z.strictObject({
  fingerprint: z.string().regex(/^[0-9a-f]{32}$/, 'must be the fingerprint the server status shows')
})
export type McpConfirm = z.infer<typeof McpConfirmSchema>
export const McpToolToggleSchema = z.strictObject({ enabled: z.boolean() })
export const McpImportSchema = z.strictObject({ path: z.string().min(1).max(4096) })
