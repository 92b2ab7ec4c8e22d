/** Reading MCP tool names, annotations, audit rows and the add-server form (pure helpers). */
import type { AuditPayload } from '../../../shared/dto'
import type { McpServerState, McpServerStatus } from '../../../shared/mcp'

export const MCP_PREFIX = 'mcp__'

/** `mcp__files__read_file` → {server: 'files', tool: 'read_file'}; server names have no `__`. */
export function splitMcpToolName(name: string): { server: string; tool: string } | null {
  if (!name.startsWith(MCP_PREFIX)) return null
  const rest = name.slice(MCP_PREFIX.length)
  const at = rest.indexOf('__')
  return at <= 0 ? null : { server: rest.slice(0, at), tool: rest.slice(at + 2) }
}

export function isMcpToolName(name: string): boolean {
  return splitMcpToolName(name) !== null
}

export interface Claim {
  /** Short text for a chip: "Read-only". */
  label: string
  /** What the server means by it. */
  detail: string
  /** Whether the claim, if true, would make the call riskier. */
  tone: 'calm' | 'warn'
}

/** The annotations a server gives a tool, as plain statements (its claims, never checked). */
export function annotationClaims(annotations: Record<string, unknown>): { claims: Claim[]; other: [string, string][] } {
  const claims: Claim[] = []
  const other: [string, string][] = []
  const a = annotations
  if (a.readOnlyHint === true) claims.push({ label: 'Read-only', detail: 'it does not change anything', tone: 'calm' })
  if (a.readOnlyHint === false)
    claims.push({ label: 'Makes changes', detail: 'it can change things where it works', tone: 'warn' })
  if (a.destructiveHint === true)
    claims.push({ label: 'Destructive', detail: 'it can delete or overwrite things', tone: 'warn' })
  if (a.destructiveHint === false)
    claims.push({ label: 'Not destructive', detail: 'it only adds, never deletes or overwrites', tone: 'calm' })
  if (a.idempotentHint === true)
    claims.push({
      label: 'Idempotent',
      detail: 'calling it again with the same arguments changes nothing more',
      tone: 'calm'
    })
  if (a.openWorldHint === true)
    claims.push({ label: 'Reaches outside', detail: 'it talks to systems beyond this computer', tone: 'warn' })
  if (a.openWorldHint === false)
    claims.push({ label: 'Closed-world', detail: 'it works only with its own local data', tone: 'calm' })
  const known = new Set(['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'])
  for (const [key, value] of Object.entries(a)) {
    if (known.has(key) && typeof value === 'boolean') continue
    other.push([key === 'title' ? 'Title' : key, typeof value === 'string' ? value : JSON.stringify(value)])
  }
  return { claims, other }
}

/** An audit row of an MCP call: its server, tool and the (redacted) arguments as audited. */
export function mcpAuditParts(p: Pick<AuditPayload, 'tool' | 'command'>): {
  server: string
  tool: string
  args: string
} | null {
  if (!p.tool) return null
  const parts = splitMcpToolName(p.tool)
  if (!parts) return null
  const args = p.command.startsWith(`${p.tool} `) ? p.command.slice(p.tool.length + 1) : p.command
  return { ...parts, args }
}

/** What the state dot says, always with text. */
export function serverStateLabel(server: Pick<McpServerStatus, 'state' | 'needs_confirmation' | 'enabled'>): {
  key: McpServerState | 'confirm'
  label: string
} {
  if (server.needs_confirmation && server.state === 'stopped') return { key: 'confirm', label: 'Needs confirming' }
  switch (server.state) {
    case 'starting':
      return { key: 'starting', label: 'Starting…' }
    case 'ready':
      return { key: 'ready', label: 'Ready' }
    case 'error':
      return { key: 'error', label: 'Error' }
    case 'stopped':
      return { key: 'stopped', label: server.enabled ? 'Stopped' : 'Turned off' }
  }
}

/** Arguments as typed in the form: one a line, blank lines dropped, each kept exactly as written otherwise. */
export function argsFromLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/\s+$/, ''))
    .filter((line) => line.trim() !== '')
}

export interface KeyValue {
  name: string
  value: string
}

/** Rows of the form as a map; rows without a name are skipped. The first problem, if any. */
export function keyValueMap(rows: KeyValue[], what: string): { map: Record<string, string>; problem: string | null } {
  const map: Record<string, string> = {}
  for (const row of rows) {
    const name = row.name.trim()
    if (!name) {
      if (row.value) return { map, problem: `A ${what} has a value but no name.` }
      continue
    }
    if (name in map) return { map, problem: `The ${what} ${name} is given twice.` }
    map[name] = row.value
  }
  return { map, problem: null }
}

export const SERVER_NAME = /^[a-z0-9-]{1,32}$/

export interface AddServerForm {
  name: string
  transport: 'stdio' | 'http'
  command: string
  args: string
  cwd: string
  env: KeyValue[]
  url: string
  headers: KeyValue[]
}

/** The form as the entry the API takes, or the first thing to fix (field and sentence). */
export function entryFromForm(
  form: AddServerForm
): { ok: true; name: string; entry: Record<string, unknown> } | { ok: false; field: string; problem: string } {
  const name = form.name.trim()
  if (!SERVER_NAME.test(name)) {
    return { ok: false, field: 'name', problem: 'A server name is 1–32 characters of a–z, 0–9 and "-".' }
  }
  if (form.transport === 'http') {
    const url = form.url.trim()
    let parsed: URL | null = null
    try {
      parsed = new URL(url)
    } catch {
      parsed = null
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      return { ok: false, field: 'url', problem: 'Enter the server’s http:// or https:// address.' }
    }
    const headers = keyValueMap(form.headers, 'header')
    if (headers.problem) return { ok: false, field: 'headers', problem: headers.problem }
    return {
      ok: true,
      name,
      entry: { url, ...(Object.keys(headers.map).length > 0 ? { headers: headers.map } : {}) }
    }
  }
  const command = form.command.trim()
  if (!command) return { ok: false, field: 'command', problem: 'Enter the program to run, e.g. npx or /usr/bin/node.' }
  const env = keyValueMap(form.env, 'variable')
  if (env.problem) return { ok: false, field: 'env', problem: env.problem }
  const args = argsFromLines(form.args)
  const cwd = form.cwd.trim()
  return {
    ok: true,
    name,
    entry: {
      command,
      ...(args.length > 0 ? { args } : {}),
      ...(cwd ? { cwd } : {}),
      ...(Object.keys(env.map).length > 0 ? { env: env.map } : {})
    }
  }
}
