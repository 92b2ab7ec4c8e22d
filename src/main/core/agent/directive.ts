import { z } from 'zod'
import { ActionDirectiveSchema, describeZodError, type ActionDirective } from '../../../shared/schemas'

export const DIRECTIVE_JSON_SCHEMA = z.toJSONSchema(ActionDirectiveSchema, { io: 'input' }) as object

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
