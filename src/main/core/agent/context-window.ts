/**
 * Fitting a prompt into the model's context window, with room left for the reply.
 *
 * Token counts are estimated without the model's tokenizer (the server has it, Duck does not):
 * three characters a token, which over-counts English prose (about four) and is close for code
 * and non-Latin scripts, plus a few tokens of template per message. Over-counting only leaves
 * more room for the answer; under-counting would let the server reject or cut the request.
 */
import type { ChatMessage } from '../model/types'
import { OBSERVATION_PROMPT_CHARS, type PromptLimits } from './prompts'
import { TaskError } from './run'

const CHARS_PER_TOKEN = 3
const TOKENS_PER_MESSAGE = 8

export function estimateTokens(messages: ChatMessage[]): number {
  let tokens = 0
  for (const message of messages) tokens += Math.ceil(message.content.length / CHARS_PER_TOKEN) + TOKENS_PER_MESSAGE
  return tokens
}

/** Less and less optional material: shorter observations, then no reference blocks. */
const STEPS: PromptLimits[] = [
  {},
  { observationChars: 2000 },
  { observationChars: 2000, reference: false },
  { observationChars: 400, reference: false }
]

/**
 * The fullest prompt that leaves `reserve` tokens of a `contextLength` window: the oldest
 * history goes first, then optional material shrinks. With no known window the full prompt is
 * used. Throws `context_overflow` when even the smallest prompt cannot fit.
 */
export function fitPrompt(
  build: (limits: PromptLimits) => ChatMessage[],
  contextLength: number | null,
  reserve: number
): { messages: ChatMessage[]; promptTokens: number } {
  if (contextLength === null) {
    const messages = build({})
    return { messages, promptTokens: estimateTokens(messages) }
  }
  const budget = contextLength - reserve
  let smallest: ChatMessage[] = []
  for (const limits of STEPS) {
    const messages = dropOldestHistory(build(limits), budget)
    const promptTokens = estimateTokens(messages)
    if (promptTokens <= budget) return { messages, promptTokens }
    smallest = messages
  }
  throw new TaskError(
    'context_overflow',
    `The request does not fit the model's context window (${contextLength} tokens; it needs about ${estimateTokens(smallest) + reserve} with room for the reply). Shorten it, or choose a model or context length with a larger window in Settings.`
  )
}

/** Drops history between the system prompt and the request (oldest first) until it fits. */
function dropOldestHistory(messages: ChatMessage[], budget: number): ChatMessage[] {
  const out = [...messages]
  while (out.length > 2 && estimateTokens(out) > budget) out.splice(1, 1)
  // Templates that insist on user/assistant alternation want a user turn after the system prompt.
  while (out.length > 2 && out[1]?.role === 'assistant') out.splice(1, 1)
  return out
}

export { OBSERVATION_PROMPT_CHARS }
