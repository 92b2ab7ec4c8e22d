/**
 * Learning after a task, off the response path: once a task's `done` has gone out, the
 * memory policy decides what to keep and the critic writes a lesson. The results are appended
 * to the task's events. Nothing here can change a task's status.
 *
 * Jobs run one at a time, in order (a local model server serves one request well, and the
 * person's next task should not queue behind two background calls at once). At shutdown,
 * `close()` lets running work finish for a bounded time, then stops it and records
 * `…_failed` "interrupted by shutdown" for every step that did not finish. Each step's
 * writes are one transaction, so nothing is ever half-written.
 *
 * A job is also a row in `post_task_jobs` until every step has its outcome, so learning cut
 * off by a crash is found at the next start (`recover()`): it runs again once (only the steps
 * without an outcome), and if that is cut off too, the steps are recorded as interrupted.
 *
 * Every model call gets its own AbortSignal, linked to the queue's stop signal and unlinked
 * when the call ends (the SDK adds a listener per request to the signal it is given and never
 * removes it, so a long-lived signal would collect two per task).
 */
import { randomUUID } from 'node:crypto'
import type { PersistedDraft } from '../../../shared/events'
import { TaskEmitter } from '../agent/emitter'
import { isModelError } from '../model/errors'
import type { ChatModel } from '../model/types'
import { reflect } from '../reflection/critic'
import type { Db } from '../store/database'
import { stmt } from '../store/statements'
import { upsertExperience } from '../store/experience-repo'
import { loadTaskDigest, type TaskDigest } from './digest'
import { PostTaskError, decideMemory } from './policy'
import { MemoryInputError, remember } from './remember'
import { normaliseText, oneLine } from './text'

export const INTERRUPTED = 'interrupted by shutdown'
export const INTERRUPTED_BY_CRASH = 'interrupted: Duck stopped before this step finished'
export const DEFAULT_SHUTDOWN_WAIT_MS = 2000

type Step = 'memory' | 'reflection'
const FAILED: Record<Step, 'memory_policy_failed' | 'reflection_failed'> = {
  memory: 'memory_policy_failed',
  reflection: 'reflection_failed'
}
/** The events that settle a step. */
const OUTCOMES: Record<Step, readonly string[]> = {
  memory: ['memory_policy_decision', 'memory_policy_failed'],
  reflection: ['reflection_completed', 'reflection_failed']
}

export interface PostTaskDeps {
  db: Db
  model(): Promise<ChatModel>
  /** Read when a job starts: a setting switched off is honoured for work still queued. */
  settings(): { memoryEnabled: boolean; reflectionEnabled: boolean }
  /** Unexpected internal failures (model failures are recorded as events, not logged). */
  log?(message: string, error: unknown): void
}

/** One completed task's learning: which steps are still owed an outcome. */
class Job {
  /** Steps that still owe an event; null until the job starts (or is interrupted). */
  pending: Set<Step> | null = null
  interrupted = false
  constructor(readonly taskId: string) {}
}

export class PostTaskQueue {
  private readonly jobs = new Set<Job>()
  private readonly stop = new AbortController()
  private tail: Promise<void> = Promise.resolve()
  private closing = false

  constructor(private readonly deps: PostTaskDeps) {}

  /** Schedules the learning for a completed task. */
  enqueue(taskId: string): void {
    const job = new Job(taskId)
    if (this.closing) {
      this.interrupt(job)
      return
    }
    try {
      stmt(this.deps.db, 'INSERT OR IGNORE INTO post_task_jobs (task_id, attempts, created_at) VALUES (?, 0, ?)').run(
        taskId,
        new Date().toISOString()
      )
    } catch (error) {
      // A task deleted meanwhile (foreign key): nothing is owed.
      if (!(error instanceof Error && /FOREIGN KEY/.test(error.message))) this.log('queueing learning failed', error)
      return
    }
    this.schedule(job)
  }

  /**
   * Learning a crash cut off (rows left in `post_task_jobs`): run again once, only the steps
   * with no outcome yet; a job already retried is recorded as interrupted instead.
   */
  recover(): void {
    const rows = stmt(this.deps.db, 'SELECT task_id, attempts FROM post_task_jobs ORDER BY created_at').all() as {
      task_id: string
      attempts: number
    }[]
    for (const row of rows) {
      if (row.attempts < 1) {
        stmt(this.deps.db, 'UPDATE post_task_jobs SET attempts = attempts + 1 WHERE task_id = ?').run(row.task_id)
        this.schedule(new Job(row.task_id))
        continue
      }
      const job = new Job(row.task_id)
      this.interrupt(job, INTERRUPTED_BY_CRASH)
    }
  }

  private schedule(job: Job): void {
    this.jobs.add(job)
    this.tail = this.tail
      .then(() => this.run(job))
      .catch((error: unknown) => this.log('post-task job failed', error))
      .finally(() => {
        this.jobs.delete(job)
        if (!job.interrupted) this.settled(job.taskId)
      })
  }

  /** Every step has its outcome: nothing is owed any more. */
  private settled(taskId: string): void {
    if (!this.deps.db.open) return
    try {
      stmt(this.deps.db, 'DELETE FROM post_task_jobs WHERE task_id = ?').run(taskId)
    } catch (error) {
      this.log('settling learning failed', error)
    }
  }

  /** The enabled steps that have no outcome event yet (all of them for a fresh task). */
  private stepsOwed(taskId: string): Set<Step> {
    const steps = this.enabledSteps()
    const seen = new Set(
      (
        stmt(
          this.deps.db,
          `SELECT DISTINCT event_type FROM task_events WHERE task_id = ? AND event_type IN
               ('memory_policy_decision', 'memory_policy_failed', 'reflection_completed', 'reflection_failed')`
        ).all(taskId) as { event_type: string }[]
      ).map((row) => row.event_type)
    )
    for (const step of [...steps]) if (OUTCOMES[step].some((type) => seen.has(type))) steps.delete(step)
    return steps
  }

  /** Runs one model call with its own signal, aborted with the queue's and unlinked after. */
  private async withSignal<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const own = new AbortController()
    const stop = this.stop.signal
    const onStop = (): void => own.abort(stop.reason)
    if (stop.aborted) onStop()
    else stop.addEventListener('abort', onStop, { once: true })
    try {
      return await call(own.signal)
    } finally {
      stop.removeEventListener('abort', onStop)
    }
  }

  /** Resolves once every job queued so far has finished (tests, benchmarks). */
  idle(): Promise<void> {
    return this.tail
  }

  /**
   * Waits up to `waitMs` for queued work, then stops what is left and records it as
   * interrupted. Call before closing the database; later enqueues are recorded as interrupted.
   */
  async close(waitMs = DEFAULT_SHUTDOWN_WAIT_MS): Promise<void> {
    this.closing = true
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([this.tail, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))])
    clearTimeout(timer)
    this.stop.abort(new Error(INTERRUPTED))
    for (const job of this.jobs) this.interrupt(job)
    this.jobs.clear()
  }

  // ---------------------------------------------------------------------------------------

  private async run(job: Job): Promise<void> {
    if (job.interrupted) return
    const digest = loadTaskDigest(this.deps.db, job.taskId)
    if (!digest) return
    job.pending = this.stepsOwed(job.taskId)
    if (job.pending.has('memory')) await this.memoryStep(job, digest)
    if (job.pending.has('reflection')) await this.reflectionStep(job, digest)
  }

  private async memoryStep(job: Job, digest: TaskDigest): Promise<void> {
    let decision
    try {
      const model = await this.deps.model()
      decision = await this.withSignal((signal) => decideMemory(model, digest, signal))
    } catch (error) {
      this.finish(job, 'memory', digest, (record) =>
        record({ type: 'memory_policy_failed', message: this.describe(error) })
      )
      return
    }
    this.finish(job, 'memory', digest, (record) => {
      record({
        type: 'memory_policy_decision',
        should_store: decision.should_store,
        memory_type: decision.memory_type,
        summary: decision.summary,
        importance: decision.importance,
        scope: decision.scope
      })
      if (!decision.should_store) return
      try {
        // A nested transaction is a savepoint: a failed store leaves the decision in place.
        this.deps.db.transaction(() => {
          const stored = remember(this.deps.db, {
            text: decision.summary,
            memoryType: decision.memory_type,
            importance: decision.importance,
            workspace: decision.scope === 'global' ? null : digest.workspace,
            taskId: digest.taskId,
            metadata: decision.metadata
          })
          record({ type: 'memory_stored', memory_id: stored.memoryId, merged: stored.merged })
        })()
      } catch (error) {
        if (!(error instanceof MemoryInputError)) this.log('storing a memory failed', error)
        record({ type: 'memory_store_failed', message: this.describe(error) })
      }
    })
  }

  private async reflectionStep(job: Job, digest: TaskDigest): Promise<void> {
    let lesson: string
    try {
      const model = await this.deps.model()
      lesson = await this.withSignal((signal) => reflect(model, digest, signal))
    } catch (error) {
      this.finish(job, 'reflection', digest, (record) =>
        record({ type: 'reflection_failed', message: this.describe(error) })
      )
      return
    }
    this.finish(job, 'reflection', digest, (record) => {
      const stored = upsertExperience(this.deps.db, {
        experienceId: `exp_${randomUUID()}`,
        taskId: digest.taskId,
        workspace: digest.workspace,
        request: oneLine(digest.request, 1000),
        lesson,
        norm: normaliseText(lesson)
      })
      record({ type: 'reflection_completed', experience_id: stored.experienceId, lesson })
    })
  }

  /**
   * Writes a step's outcome in one transaction, unless the step was already settled (by an
   * interruption at shutdown). The task may have been deleted meanwhile: then nothing is kept.
   */
  private finish(
    job: Job,
    step: Step,
    digest: TaskDigest,
    write: (record: (draft: PersistedDraft) => void) => void
  ): void {
    if (job.interrupted || !job.pending?.delete(step)) return
    const { db } = this.deps
    try {
      db.transaction(() => {
        const emitter = new TaskEmitter(db, digest.taskId, digest.conversationId, null)
        write((draft) => emitter.record(draft))
      })()
    } catch (error) {
      if (!(error instanceof Error && /unknown task/.test(error.message))) this.log(`recording ${step} failed`, error)
    }
  }

  /** Records the interruption for every step of the job that has no outcome yet. */
  private interrupt(job: Job, message = INTERRUPTED): void {
    if (job.interrupted) return
    job.interrupted = true
    const { db } = this.deps
    if (!db.open) return
    try {
      const digest = loadTaskDigest(db, job.taskId)
      if (!digest) {
        stmt(db, 'DELETE FROM post_task_jobs WHERE task_id = ?').run(job.taskId)
        return
      }
      const steps = [...(job.pending ?? this.stepsOwed(job.taskId))]
      job.pending = new Set()
      db.transaction(() => {
        const emitter = new TaskEmitter(db, digest.taskId, digest.conversationId, null)
        for (const step of steps) emitter.record({ type: FAILED[step], message })
        stmt(db, 'DELETE FROM post_task_jobs WHERE task_id = ?').run(job.taskId)
      })()
    } catch (error) {
      this.log('recording an interrupted job failed', error)
    }
  }

  /** The steps the settings switch on: when one is off, its role is not called at all. */
  private enabledSteps(): Set<Step> {
    const settings = this.deps.settings()
    const steps = new Set<Step>()
    if (settings.memoryEnabled) steps.add('memory')
    if (settings.reflectionEnabled) steps.add('reflection')
    return steps
  }

  private describe(error: unknown): string {
    if (this.stop.signal.aborted) return INTERRUPTED
    if (isModelError(error) || error instanceof PostTaskError || error instanceof MemoryInputError) return error.message
    return `Duck hit an internal error: ${error instanceof Error ? error.message : String(error)}`
  }

  private log(message: string, error: unknown): void {
    if (this.deps.log) this.deps.log(message, error)
    else console.warn(`[duck] ${message}:`, error)
  }
}
