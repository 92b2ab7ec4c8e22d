/**
 * The memory policy role: after a task, decide whether anything is worth remembering.
 */
import { z } from 'zod'
import { MemoryDecisionSchema, describeZodError, type MemoryDecision } from '../../../shared/schemas'
import { closeObject } from '../agent/directive'
import type { ChatMessage, ChatModel } from '../model/types'
import { describeTask, type TaskDigest } from './digest'

/**
 * What the model is asked for: the decision with every field required and nothing else (a
 * grammar then cannot stop after `should_store`, and OpenAI's strict mode accepts it), and
 * `metadata` an empty object. The reply is still read with the lenient `MemoryDecisionSchema`.
 */
export const MEMORY_DECISION_JSON_SCHEMA = (() => {
  const strict = closeObject(z.toJSONSchema(MemoryDecisionSchema, { io: 'input' }) as Record<string, unknown>)
  const properties = strict.properties as Record<string, unknown>
  properties.metadata = { type: 'object', properties: {}, required: [], additionalProperties: false }
  return strict as object
})()

export const MEMORY_POLICY_SYSTEM = `You are Duck's memory policy. Duck is a desktop assistant that works in a folder (the
workspace) on the user's computer. After each task you decide whether something from it is
worth remembering for future tasks.

Reply with one JSON object and nothing else:
{"should_store": true | false,
 "memory_type": "preference" | "fact" | "project" | "procedure",
 "summary": "<one sentence that makes sense on its own>",
 "importance": <0.0 to 1.0>,
 "scope": "workspace" | "global",
 "metadata": {}}

Keep only what will still be true and useful later: the user's stated preferences, facts
about the user's setup or this project (languages, tools, commands, conventions), decisions.
Do not keep one-off questions, small talk, the answer itself, guesses, or anything secret
(passwords, keys, tokens, personal data the user did not ask you to keep).
- scope: "global" only for what holds in every folder (e.g. how the user likes answers);
  anything about this folder or project is "workspace".
- importance: 0.9 or more for explicit standing preferences, about 0.5 for useful facts,
  below 0.3 for trivia.
When nothing is worth keeping, reply with "should_store": false and an empty summary.`

export class PostTaskError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PostTaskError'
  }
}

export function memoryPolicyMessages(digest: TaskDigest): ChatMessage[] {
  return [
    { role: 'system', content: MEMORY_POLICY_SYSTEM },
    { role: 'user', content: describeTask(digest) }
  ]
}

/** Reads the policy's reply: tolerates code fences and text around one JSON object. */
export function parseMemoryDecision(content: string): MemoryDecision {
  const trimmed = content.trim()
  const body = /```(?:json)?\s*([\s\S]*?)```/i.exec(trimmed)?.[1]?.trim() ?? trimmed
  const start = body.indexOf('{')
  const end = body.lastIndexOf('}')
  if (start === -1 || end < start) throw new PostTaskError('The memory policy replied without a JSON object.')
  let value: unknown
  try {
    value = JSON.parse(body.slice(start, end + 1))
  } catch (error) {
    throw new PostTaskError(
      `The memory policy's reply is not valid JSON (${error instanceof Error ? error.message : String(error)}).`
    )
  }
  const parsed = MemoryDecisionSchema.safeParse(value)
  if (!parsed.success)
    throw new PostTaskError(`The memory policy's decision is not usable: ${describeZodError(parsed.error)}.`)
  return { ...parsed.data, summary: parsed.data.summary.trim(), memory_type: parsed.data.memory_type.trim() || 'fact' }
}

export async function decideMemory(model: ChatModel, digest: TaskDigest, signal: AbortSignal): Promise<MemoryDecision> {
  const reply = await model.chat('memory_policy', memoryPolicyMessages(digest), {
    responseFormat: { name: 'memory_decision', schema: MEMORY_DECISION_JSON_SCHEMA },
    temperature: 0,
    // Background work stays light on a local server: no thinking, a short answer.
    reasoning: 'off',
    maxTokens: 600,
    signal
  })
  // A decision cut off mid-way is not a decision, even when what arrived happens to parse.
  if (reply.truncated)
    throw new PostTaskError('The memory policy’s reply was cut off at its length limit; nothing was stored.')
  return parseMemoryDecision(reply.content)
}
