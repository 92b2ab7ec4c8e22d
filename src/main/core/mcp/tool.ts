/**
 * An MCP tool as one of Duck's tools, `mcp__<server>__<tool>`: a compact catalog entry, the
 * full schema checked locally before a call, an assessment that asks by default (annotations
 * can raise the risk, never lower it), and results turned into bounded text.
 */
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { z } from 'zod'
import type { RiskLevel } from '../../../shared/events'
import { boundOutput } from '../tools/bounded'
import type { Assessment, Tool, ToolResult } from '../tools/types'
import type { McpConnection, McpToolDef } from './connection'
import { scrubSecrets } from './secrets'

export const MCP_PREFIX = 'mcp__'
/** What a result may hold before head and tail are kept. */
export const MCP_OUTPUT_CHARS = 64_000
const DESCRIPTION_CHARS = 160

export function mcpToolName(server: string, tool: string): string {
  return `${MCP_PREFIX}${server}__${tool}`
}

export function isMcpToolName(name: string): boolean {
  return name.startsWith(MCP_PREFIX)
}

/** `mcp__srv__tool` → {server, tool}; server names have no `__`, so the first one splits. */
export function splitMcpToolName(name: string): { server: string; tool: string } | null {
  if (!isMcpToolName(name)) return null
  const rest = name.slice(MCP_PREFIX.length)
  const at = rest.indexOf('__')
  return at <= 0 ? null : { server: rest.slice(0, at), tool: rest.slice(at + 2) }
}

/** Control characters out, whitespace collapsed: a description is one line of data. */
function oneLine(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\x00-\x1f\x7f]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
  )
}

/** The first sentence, bounded. */
export function firstSentence(text: string, max = DESCRIPTION_CHARS): string {
  const line = oneLine(text)
  const match = /^(.+?[.!?])(\s|$)/.exec(line)
  const sentence = match?.[1] ?? line
  return sentence.length > max ? `${sentence.slice(0, max - 1)}…` : sentence
}

function typeOf(schema: unknown): string {
  if (!schema || typeof schema !== 'object') return 'any'
  const s = schema as Record<string, unknown>
  if (Array.isArray(s.enum)) {
    return s.enum
      .slice(0, 6)
      .map((v) => JSON.stringify(v))
      .join('|')
  }
  if (Array.isArray(s.type)) return s.type.join('|')
  if (s.type === 'array') return `${typeOf(s.items)}[]`
  return typeof s.type === 'string' ? s.type : 'any'
}

/** Argument names and types, `?` for optional ones: the catalog's compact form. */
export function compactParameters(schema: Record<string, unknown>): Record<string, string> {
  const properties = (schema.properties ?? {}) as Record<string, unknown>
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : [])
  const out: Record<string, string> = {}
  for (const [name, prop] of Object.entries(properties).slice(0, 16)) {
    out[name.slice(0, 60)] = `${typeOf(prop)}${required.has(name) ? '' : '?'}`
  }
  return out
}

const SIMPLE_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object', 'null'])

/**
 * The planner's schema for the arguments: property names and plain types only, never the
 * server's own constructs (a hostile or unusual schema must not break the planner's grammar
 * for every tool). The full schema is checked locally before the call.
 */
export function plannerSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const properties: Record<string, unknown> = {}
  const source = (schema.properties ?? {}) as Record<string, unknown>
  for (const [name, prop] of Object.entries(source).slice(0, 32)) {
    const type = (prop as { type?: unknown } | null)?.type
    properties[name] = typeof type === 'string' && SIMPLE_TYPES.has(type) ? { type } : {}
  }
  const required = Array.isArray(schema.required)
    ? (schema.required as unknown[]).filter((r): r is string => typeof r === 'string' && r in properties)
    : []
  return { type: 'object', properties, required }
}

const validators = new AjvJsonSchemaValidator()

/** Checks arguments against the tool's full input schema: null when they fit, else why not. */
export function schemaProblem(schema: Record<string, unknown>, args: Record<string, unknown>): string | null {
  let check
  try {
    check = validators.getValidator(schema as Parameters<typeof validators.getValidator>[0])
  } catch (error) {
    return `the server's input schema cannot be used (${error instanceof Error ? error.message : String(error)})`
  }
  const result = check(args)
  return result.valid ? null : (result.errorMessage ?? 'they do not fit its input schema')
}

/**
 * The risk of a call. Medium by default; a `destructiveHint` raises it to high. The
 * annotations are the server's claim, so they never lower it — except on a server the person
 * marked trusted, where a tool that says it is read-only and closed-world may run unasked.
 */
export function assessMcpCall(
  def: McpToolDef,
  trusted: boolean
): { risk: RiskLevel; needsApproval: boolean; claims: string[] } {
  const a = def.annotations
  const claims: string[] = []
  if (a.readOnlyHint === true) claims.push('read-only')
  if (a.destructiveHint === true) claims.push('destructive')
  if (a.destructiveHint === false) claims.push('not destructive')
  if (a.idempotentHint === true) claims.push('idempotent')
  if (a.openWorldHint === true) claims.push('reaches outside systems')
  if (a.openWorldHint === false) claims.push('closed-world')
  if (a.destructiveHint === true) return { risk: 'high', needsApproval: true, claims }
  if (trusted && a.readOnlyHint === true && a.openWorldHint === false)
    return { risk: 'low', needsApproval: false, claims }
  return { risk: 'medium', needsApproval: true, claims }
}

/** A result as bounded text: text kept, images and audio described, structured content as JSON. */
export function resultText(result: CallToolResult): string {
  const parts: string[] = []
  for (const item of Array.isArray(result.content) ? result.content : []) {
    const block = item as Record<string, unknown>
    switch (block.type) {
      case 'text':
        parts.push(String(block.text ?? ''))
        break
      case 'image':
      case 'audio': {
        const bytes = Math.floor((String(block.data ?? '').length * 3) / 4)
        parts.push(`[${block.type} ${String(block.mimeType ?? 'of unknown type')}, about ${bytes} bytes, not shown]`)
        break
      }
      case 'resource': {
        const resource = (block.resource ?? {}) as Record<string, unknown>
        parts.push(
          typeof resource.text === 'string'
            ? `[resource ${String(resource.uri ?? '')}]\n${resource.text}`
            : `[binary resource ${String(resource.uri ?? '')} (${String(resource.mimeType ?? 'unknown type')}), not shown]`
        )
        break
      }
      case 'resource_link':
        parts.push(`[link to ${String(block.uri ?? '')}${block.name ? ` (${String(block.name)})` : ''}]`)
        break
      default:
        parts.push(`[content of type ${JSON.stringify(String(block.type)).slice(0, 40)}, not shown]`)
    }
  }
  if (parts.length === 0 && result.structuredContent !== undefined) parts.push(JSON.stringify(result.structuredContent))
  // A secret Duck handed the server never reaches the planner, the events or the window.
  const text = scrubSecrets(parts.join('\n'))
  return boundOutput(text, MCP_OUTPUT_CHARS)
}

const RuleKeySchema = z.record(z.string(), z.unknown())

export interface McpToolContext {
  connection: McpConnection
  def: McpToolDef
  fingerprint: string
}

/** The "Always allow" key of a call: the server's fingerprint and the tool's definition hash. */
export function mcpRuleKey(fingerprint: string, hash: string): string {
  return `${fingerprint}:${hash}`
}

export function makeMcpTool({ connection, def, fingerprint }: McpToolContext): Tool<Record<string, unknown>> {
  const name = mcpToolName(connection.name, def.name)
  const description = firstSentence(def.description) || '(no description)'
  return {
    name,
    description,
    parameters: compactParameters(def.inputSchema),
    plannerSchema: plannerSchema(def.inputSchema),
    schema: RuleKeySchema,
    assess(args): Promise<Assessment> {
      const { risk, needsApproval, claims } = assessMcpCall(def, connection.entry.trusted)
      const base: Assessment = {
        risk_level: risk,
        action_type: 'mcp',
        needs_approval: needsApproval,
        reasons: [
          `\`${def.name}\` is a tool of the MCP server "${connection.name}"`,
          ...(claims.length > 0 ? [`the server says it is ${claims.join(', ')} (its own claim, not checked)`] : [])
        ],
        outside_workspace: [],
        privileged: false,
        rule_keys: [mcpRuleKey(fingerprint, def.hash)]
      }
      if (connection.state !== 'ready') {
        return Promise.resolve({
          ...base,
          invalid: `The MCP server "${connection.name}" is not ready (${connection.describeState()}).`
        })
      }
      const problem = schemaProblem(def.inputSchema, args)
      if (problem) return Promise.resolve({ ...base, invalid: `Invalid arguments for ${name}: ${problem}.` })
      return Promise.resolve(base)
    },
    async run(args, ctx): Promise<ToolResult> {
      const started = performance.now()
      const elapsed = (): number => Math.round(performance.now() - started)
      try {
        const result = await connection.call(def.name, args, ctx.signal)
        const isError = result.isError === true
        return { ok: !isError, output: resultText(result), mcp: { is_error: isError, duration_ms: elapsed() } }
      } catch (error) {
        if (ctx.signal.aborted) {
          return {
            ok: false,
            output: 'Cancelled: the task was cancelled during the call.',
            mcp: { is_error: null, duration_ms: elapsed() }
          }
        }
        const message = scrubSecrets(error instanceof Error ? error.message : String(error))
        const output = /connection closed/i.test(message)
          ? `The MCP server "${connection.name}" stopped during the call. ${connection.lastError ?? ''}`.trim()
          : /timed out|timeout/i.test(message)
            ? `The MCP server "${connection.name}" did not answer within ${connection.entry.timeout_ms} ms, so the call was given up.`
            : `The MCP call failed: ${message}`
        return { ok: false, output, mcp: { is_error: null, duration_ms: elapsed() } }
      }
    }
  }
}
