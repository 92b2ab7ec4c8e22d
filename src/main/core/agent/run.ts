import type { GenerationStats } from '../../../shared/events'
import type { ChatMessage } from '../model/model-client'
import type * as tasks from '../store/tasks-repo'
import type { TaskEmitter } from './emitter'
import type { PromptContext } from './prompts'
import type { TaskOptions, TaskState } from './state'

export type StoredTask = tasks.StoredTask<TaskState, TaskOptions>

export interface Run {
  task: StoredTask
  state: TaskState
  emitter: TaskEmitter
  signal: AbortSignal
  history: ChatMessage[]
  context: PromptContext
  content: string
  reasoning: string
  /** Set once the answer has streamed. */
  stats?: GenerationStats
}

/** A task failure with a code the person can act on (shown in the `error` event). */
export class TaskError extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message)
    this.name = 'TaskError'
  }
}

export class Paused {
  constructor(readonly status: 'waiting_for_approval' | 'waiting_for_password') {}
}

export const EMPTY_STATS = (durationMs: number): GenerationStats => ({
  output_tokens: 0,
  ttft_ms: null,
  duration_ms: durationMs,
  min_tokens_per_second: null,
  avg_tokens_per_second: null,
  max_tokens_per_second: null,
  truncated: false
})
