import { z } from 'zod'
import { RISK_LEVELS } from '../../../shared/events'
import { ActionDirectiveSchema, describeZodError, type ActionDirective } from '../../../shared/schemas'
import type { Tool } from '../tools/types'

export const DIRECTIVE_MAX_ACTIONS = 16

/**
 * The planner's JSON schema for this tool catalog: `tool` can only name a real tool, and each
 * tool's `args` are that tool's own schema (one branch per tool). A grammar-constrained decoder
 * (the built-in engine, llama.cpp's `json_schema`) then cannot produce an invented tool or
 * arguments that do not fit. Every property is required, which strict structured-output modes
 * (OpenAI's) demand; optional arguments therefore appear with a value.
 */
export function directiveJsonSchema(tools: Tool[]): object {
  const branches = tools.map((tool) => ({
    type: 'object',
    properties: {
      tool: { type: 'string', const: tool.name },
      args: argsSchema(tool),
      reason: { type: 'string' }
    },
    required: ['tool', 'args', 'reason'],
    additionalProperties: false
  }))
  return {
    type: 'object',
    properties: {
      kind: { type: 'string', const: 'action_directive' },
      intent: { type: 'string' },
      risk_level: { type: 'string', enum: [...RISK_LEVELS] },
      actions: {
        type: 'array',
        items: branches.length === 1 ? branches[0] : { anyOf: branches },
        maxItems: DIRECTIVE_MAX_ACTIONS
      }
    },
    required: ['kind', 'intent', 'risk_level', 'actions'],
    additionalProperties: false
  }
}

/** Each tool's converted argument schema: a tool's schema never changes, converting it costs ~0.1 ms. */
const convertedArgs = new WeakMap<Tool, object>()

/** A tool's argument schema as JSON schema, every property required, nothing else allowed. */
function argsSchema(tool: Tool): object {
  if (tool.plannerSchema) return tool.plannerSchema
  let schema = convertedArgs.get(tool)
  if (!schema) {
    schema = closeObject(
      z.toJSONSchema(tool.schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>
    )
    convertedArgs.set(tool, schema)
  }
  return schema
}

/**
 * A JSON schema made strict the way grammar-constrained decoders and OpenAI's strict mode
 * want it: every object lists all its properties as required and allows nothing else; no
 * `$schema`, no `default`.
 */
export function closeObject(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _ignored, default: _default, ...rest } = schema
  if (rest['type'] !== 'object' || typeof rest['properties'] !== 'object' || rest['properties'] === null) return rest
  const properties: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(rest['properties'] as Record<string, unknown>)) {
    properties[key] =
      typeof value === 'object' && value !== null ? closeObject(value as Record<string, unknown>) : value
  }
  return { ...rest, properties, required: Object.keys(properties), additionalProperties: false }
}

export type DirectiveParse = { ok: true; directive: ActionDirective } | { ok: false; error: string }

/** Reads the planner's reply: tolerates code fences and text around one JSON object. */
export function parseDirective(content: string): DirectiveParse {
  const text = extractJson(content)
  if (text === null) return { ok: false, error: 'the reply contains no JSON object' }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return {
      ok: false,
      error: `the reply is not valid JSON (${error instanceof Error ? error.message : String(error)})`
    }
  }
  const parsed = ActionDirectiveSchema.safeParse(value)
  if (!parsed.success) return { ok: false, error: describeZodError(parsed.error) }
  return { ok: true, directive: parsed.data }
}

function extractJson(content: string): string | null {
  const trimmed = content.trim()
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(trimmed)
  const body = fenced?.[1]?.trim() ?? trimmed
  const start = body.indexOf('{')
  const end = body.lastIndexOf('}')
  if (start === -1 || end < start) return null
  return body.slice(start, end + 1)
}
