import type { ActionDirective } from '../../../shared/schemas'
import { GenerationMeter } from '../model/meter'
import type { ModelClient } from '../model/model-client'
import * as conversations from '../store/conversations-repo'
import type { Db } from '../store/database'
import type { ToolRegistry } from '../tools/registry'
import { DIRECTIVE_JSON_SCHEMA, parseDirective } from './directive'
import { plannerMessages, thinkerMessages } from './prompts'
import { TaskError, type Run } from './run'

const MESSAGE_FLUSH_MS = 500

/** One planning call: the directive, validated, with one retry that names the error. */
export async function planDirective(run: Run, model: ModelClient, tools: ToolRegistry): Promise<ActionDirective> {
  const messages = plannerMessages({
    tools: tools.list(),
    history: run.history,
    workspace: run.task.workspace,
    request: run.task.request,
    context: run.context,
    observations: run.state.observations
  })
  const options = {
    responseFormat: { name: 'action_directive', schema: DIRECTIVE_JSON_SCHEMA },
    signal: run.signal,
    temperature: 0.1
  }
  const first = await model.chat('action', messages, options)
  let parsed = parseDirective(first.content)
  if (parsed.ok) return parsed.directive
  const retry = await model.chat(
    'action',
    [
      ...messages,
      { role: 'assistant', content: first.content },
      {
        role: 'user',
        content: `That reply is not a valid action directive: ${parsed.error}. Reply again with only the JSON object.`
      }
    ],
    options
  )
  parsed = parseDirective(retry.content)
  if (parsed.ok) return parsed.directive
  throw new TaskError(
    'bad_model_output',
    `The model's plan was not usable twice in a row (${parsed.error}). Try again, or pick a model that follows JSON instructions in Settings.`
  )
}

/** Streams the thinker's answer into the run's message, as deltas on the task's stream. */
export async function streamAnswer(run: Run, model: ModelClient, db: Db): Promise<void> {
  run.emitter.emit({ type: 'runtime_status', stage: 'thinking' })
  const meter = new GenerationMeter()
  const messages = thinkerMessages({
    history: run.history,
    workspace: run.task.workspace,
    request: run.task.request,
    context: run.context,
    observations: run.state.observations
  })
  run.content = ''
  run.reasoning = ''
  let lastFlush = performance.now()
  const stream = model.streamChat('thinker', messages, {
    reasoning: run.task.options.reasoning,
    signal: run.signal,
    meter
  })
  for await (const delta of stream) {
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
