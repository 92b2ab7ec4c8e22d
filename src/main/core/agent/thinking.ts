import type { ActionDirective } from '../../../shared/schemas'
import { GenerationMeter } from '../model/meter'
import type { ChatModel, ChatOptions, ChatResult } from '../model/types'
import * as conversations from '../store/conversations-repo'
import type { Db } from '../store/database'
import type { ToolRegistry } from '../tools/registry'
import { fitPrompt } from './context-window'
import { directiveJsonSchema, parseDirective } from './directive'
import { plannerMessages, thinkerMessages } from './prompts'
import { TaskError, type Run } from './run'

const MESSAGE_FLUSH_MS = 500
/**
 * A directive is short, unless it carries a file's new content (`file_write`, `file_edit`):
 * room for a file of a few hundred lines; a planner that needs more is rambling (or thinking
 * anyway).
 */
export const PLAN_MAX_TOKENS = 4096
/** The planner's bound for a context window: a quarter of it, at least 1,024, at most `PLAN_MAX_TOKENS`. */
export function planMaxTokens(contextLength: number | null): number {
  if (contextLength === null) return PLAN_MAX_TOKENS
  return Math.min(PLAN_MAX_TOKENS, Math.max(1024, Math.floor(contextLength / 4)))
}
/** The answer's bound where the context window is unknown. */
export const DEFAULT_ANSWER_MAX_TOKENS = 4096
/** The least room an answer gets; a prompt that leaves less is cut down first. */
const MIN_ANSWER_TOKENS = 512

/**
 * One planning call: the directive, validated, with one retry that names the error. Thinking
 * is turned off and the reply is bounded: a directive needs no reasoning, and a thinking
 * template would otherwise spend the whole budget before the JSON starts.
 */
export async function planDirective(run: Run, model: ChatModel, tools: ToolRegistry): Promise<ActionDirective> {
  const contextLength = await model.contextLength('action', run.signal)
  const bound = planMaxTokens(contextLength)
  const { messages } = fitPrompt(
    (limits) =>
      plannerMessages(
        {
          tools: tools.list(),
          history: run.history,
          workspace: run.task.workspace,
          request: run.task.request,
          context: run.context,
          observations: run.state.observations
        },
        limits
      ),
    contextLength,
    bound
  )
  const options: ChatOptions = {
    responseFormat: { name: 'action_directive', schema: directiveJsonSchema(tools.list()) },
    signal: run.signal,
    temperature: 0.1,
    reasoning: 'off',
    maxTokens: bound
  }
  const first = await model.chat('action', messages, options)
  let problem = planProblem(first)
  if (problem === null) return (parseDirective(first.content) as { ok: true; directive: ActionDirective }).directive
  const retry = await model.chat(
    'action',
    [
      ...messages,
      { role: 'assistant', content: first.content },
      {
        role: 'user',
        content: first.truncated
          ? `That reply was cut off at the ${bound}-token limit before the JSON object was complete. Reply again with only the JSON object, and keep it short.`
          : `That reply is not a valid action directive: ${problem.error}. Reply again with only the JSON object.`
      }
    ],
    options
  )
  problem = planProblem(retry)
  if (problem === null) return (parseDirective(retry.content) as { ok: true; directive: ActionDirective }).directive
  if (problem.truncated) {
    throw new TaskError(
      'plan_truncated',
      `The model's plan was cut off twice at the ${bound}-token limit before it was complete. Try again, or pick a model that answers in JSON without a long preamble in Settings.`
    )
  }
  throw new TaskError(
    'bad_model_output',
    `The model's plan was not usable twice in a row (${problem.error}). Try again, or pick a model that follows JSON instructions in Settings.`
  )
}

function planProblem(reply: ChatResult): { error: string; truncated: boolean } | null {
  const parsed = parseDirective(reply.content)
  if (parsed.ok) return null
  // A cut-off reply is reported as cut off, not as "contains no JSON object".
  if (reply.truncated) return { error: `the reply was cut off at the token limit (${parsed.error})`, truncated: true }
  return { error: parsed.error, truncated: false }
}

/** Streams the thinker's answer into the run's message, as deltas on the task's stream. */
export async function streamAnswer(run: Run, model: ChatModel, db: Db): Promise<void> {
  run.emitter.emit({ type: 'runtime_status', stage: 'thinking' })
  const meter = new GenerationMeter()
  const contextLength = await model.contextLength('thinker', run.signal)
  const reserve = contextLength === null ? 0 : Math.min(MIN_ANSWER_TOKENS, Math.floor(contextLength / 4))
  const { messages, promptTokens } = fitPrompt(
    (limits) =>
      thinkerMessages(
        {
          history: run.history,
          workspace: run.task.workspace,
          request: run.task.request,
          context: run.context,
          observations: run.state.observations
        },
        limits
      ),
    contextLength,
    reserve
  )
  // The answer may use what the prompt leaves of the window (a small margin for the template).
  const maxTokens =
    contextLength === null ? DEFAULT_ANSWER_MAX_TOKENS : Math.max(reserve, contextLength - promptTokens - 16)
  run.content = ''
  run.reasoning = ''
  let lastFlush = performance.now()
  const stream = model.streamChat('thinker', messages, {
    reasoning: run.task.options.reasoning,
    signal: run.signal,
    maxTokens,
    meter
  })
  for (;;) {
    const next = await stream.next()
    if (next.done === true) {
      if (next.value.truncated) meter.markTruncated()
      break
    }
    const delta = next.value
    if (delta.type === 'content_delta') run.content += delta.delta
    else run.reasoning += delta.delta
    run.emitter.emit({ type: delta.type, delta: delta.delta })
    const t = performance.now()
    if (t - lastFlush > MESSAGE_FLUSH_MS) {
      lastFlush = t
      conversations.updateMessage(db, run.state.assistantMessageId, {
        content: run.content,
        reasoning: run.reasoning,
        status: 'running'
      })
    }
  }
  run.stats = meter.finish()
}
