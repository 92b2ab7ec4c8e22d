import type { CommandPreview } from '../../../shared/dto'
import type { ChangeLog } from '../tools/change-log'
import type { CommandPreviews } from '../tools/command-preview'
import { randomUUID } from 'node:crypto'
import { DuckApiError } from '../../../shared/api'
import type { AuditDecision, DoneEvent, DoneStatus, GenerationStats } from '../../../shared/events'
import { isModelError } from '../model/errors'
import type { ChatModel } from '../model/types'
import * as approvalsRepo from '../store/approvals-repo'
import type { ApprovalRecord } from '../store/approvals-repo'
import * as conversations from '../store/conversations-repo'
import type { Db } from '../store/database'
import * as tasks from '../store/tasks-repo'
import type { ToolRegistry } from '../tools/registry'
import { ActionRunner, auditFields } from './actions'
import { TaskEmitter, type StreamListener } from './emitter'
import { HISTORY_MESSAGES, type PromptContext } from './prompts'
import { EMPTY_STATS, Paused, TaskError, type Run, type StoredTask } from './run'
import { planDirective, streamAnswer } from './thinking'
import type { TaskOptions, TaskState } from './state'

export { TaskError } from './run'

export const MAX_PASSWORD_ATTEMPTS = 3

export interface RunnerDeps {
  db: Db
  tools: ToolRegistry
  model(): Promise<ChatModel>
  /** Planning rounds per task (default 8). */
  maxRounds?: number
  /** Reference material for a task's prompts (memories, lessons, the active skill). */
  context?(input: { workspace: string; request: string; taskId: string }): Promise<PromptContext>
  /** Called after a task completed and its `done` went out. */
  onCompleted?(taskId: string): void
  /** Where file tools' changes are kept for the task's undo. */
  changes?: ChangeLog
  /** Command previews (an overlay of the workspace), where the platform has one. */
  previews?: CommandPreviews
}

/**
 * Runs tasks: plan → run allowed actions → observations back to the planner (bounded rounds)
 * → stream the answer. Pauses for a person (approval, sudo password) and continues later,
 * from the database, so a restart in between loses nothing.
 */
export class TaskRunner {
  private readonly live = new Map<string, AbortController>()
  /** Every stream in flight, so shutdown can wait for their last writes. */
  private readonly running = new Set<Promise<DoneEvent>>()
  private readonly actions: ActionRunner

  constructor(private readonly deps: RunnerDeps) {
    this.actions = new ActionRunner(deps.db, deps.tools, deps.changes ?? null, deps.previews ?? null)
  }

  isLive(taskId: string): boolean {
    return this.live.has(taskId)
  }

  /** True while any task is being worked on (not merely waiting for a person). */
  hasLiveTasks(): boolean {
    return this.live.size > 0
  }

  /** A new task in a new or existing conversation. */
  async start(
    input: { message: string; workspace: string; conversationId?: string; options: TaskOptions },
    listener: StreamListener
  ): Promise<DoneEvent> {
    const { db } = this.deps
    const taskId = `task_${randomUUID()}`
    const assistantMessageId = `msg_${randomUUID()}`
    let conversationId = input.conversationId
    db.transaction(() => {
      if (conversationId) {
        this.checkStart(conversationId, input.workspace)
      } else {
        conversationId = `conv_${randomUUID()}`
        conversations.createConversation(db, conversationId, titleFor(input.message), input.workspace)
      }
      const state: TaskState = {
        assistantMessageId,
        observations: [],
        rounds: 0,
        plannerRisk: 'none',
        queue: [],
        paused: null
      }
      tasks.insertTask(db, {
        id: taskId,
        conversationId,
        workspace: input.workspace,
        status: 'running',
        request: input.message,
        options: input.options,
        state
      })
      conversations.addMessage(db, {
        id: `msg_${randomUUID()}`,
        conversationId,
        taskId,
        role: 'user',
        content: input.message,
        status: 'completed'
      })
      conversations.addMessage(db, {
        id: assistantMessageId,
        conversationId,
        taskId,
        role: 'assistant',
        content: '',
        status: 'running'
      })
      conversations.touchConversation(db, conversationId)
    })()
    return this.drive(taskId, listener, async (run) => {
      await this.planAndAct(run)
    })
  }

  /** After a decision on the paused call: run it (or skip it), the rest of its directive, then answer. */
  async continueAfterApproval(taskId: string, approvalId: string, listener: StreamListener): Promise<DoneEvent> {
    const approval = this.checkContinue(taskId, approvalId)
    return this.drive(taskId, listener, async (run) => {
      const paused = run.state.paused as NonNullable<TaskState['paused']>
      const decision: AuditDecision = approval.status === 'denied' ? 'denied' : (approval.status as AuditDecision)
      if (approval.status === 'denied') {
        this.actions.updateAudit(run, approval.auditId, { approved: false, decision: 'denied' })
        approvalsRepo.setApprovalStatus(this.deps.db, approval.id, 'resolved')
        run.state.observations.push({
          call_id: paused.callId,
          tool: paused.action.tool,
          args: paused.action.args,
          ok: false,
          output: 'The person denied this action, so it did not run.',
          skipped: 'denied'
        })
        run.state.paused = null
      } else if (
        approval.privileged &&
        (await this.deps.tools.get(paused.action.tool)?.needsPassword?.(paused.action.args))
      ) {
        approvalsRepo.setApprovalStatus(this.deps.db, approval.id, 'password_pending')
        this.actions.updateAudit(run, approval.auditId, { approved: true, decision })
        this.actions.askPassword(run, approval, MAX_PASSWORD_ATTEMPTS)
      } else if (this.deps.previews?.get(approval.id)?.status === 'applied') {
        // The person applied the preview: its changes are in place; the command does not run again.
        const preview = this.deps.previews.get(approval.id) as CommandPreview
        this.actions.updateAudit(run, approval.auditId, {
          approved: true,
          decision,
          exit_code: preview.exit_code,
          sandbox: 'workspace_write'
        })
        this.actions.replayPreview(
          run,
          paused.action,
          paused.callId,
          { risk: approval.riskLevel, actionType: approval.actionType },
          preview
        )
        approvalsRepo.setApprovalStatus(this.deps.db, approval.id, 'resolved')
        run.state.paused = null
      } else {
        this.actions.updateAudit(run, approval.auditId, { approved: true, decision })
        const tool = this.deps.tools.get(paused.action.tool)
        if (!tool) throw new Error(`tool ${paused.action.tool} vanished`)
        const result = await this.actions.execute(
          run,
          tool,
          paused.action,
          paused.callId,
          { risk: approval.riskLevel, actionType: approval.actionType },
          undefined,
          {
            by: 'person',
            actionType: approval.actionType,
            outsideWorkspace: approval.outsideWorkspace,
            ...(approval.preview ? { expectedSha256: approval.preview.before_sha256 } : {})
          }
        )
        this.actions.updateAudit(run, approval.auditId, auditFields(result))
        approvalsRepo.setApprovalStatus(this.deps.db, approval.id, 'resolved')
        run.state.paused = null
      }
      await this.actions.runQueue(run)
      await streamAnswer(run, await this.deps.model(), this.deps.db)
    })
  }

  /** The sudo password for the paused privileged call: it goes to sudo's stdin and nowhere else. */
  async submitPassword(
    taskId: string,
    approvalId: string,
    password: string,
    listener: StreamListener
  ): Promise<DoneEvent> {
    const approval = this.checkPassword(taskId, approvalId)
    return this.drive(taskId, listener, async (run) => {
      const paused = run.state.paused as NonNullable<TaskState['paused']>
      const tool = this.deps.tools.get(paused.action.tool)
      if (!tool) throw new Error(`tool ${paused.action.tool} vanished`)
      const result = await this.actions.execute(
        run,
        tool,
        paused.action,
        paused.callId,
        { risk: approval.riskLevel, actionType: approval.actionType },
        password
      )
      if (result.password_rejected) {
        const attempts = approvalsRepo.recordPasswordAttempt(this.deps.db, approval.id)
        const left = MAX_PASSWORD_ATTEMPTS - attempts
        if (left > 0) {
          // The failed try is not an observation: the person simply tries again.
          run.state.observations.pop()
          this.actions.askPassword(
            run,
            approval,
            left,
            `Wrong password — ${left} ${left === 1 ? 'try' : 'tries'} left.`
          )
        }
        const last = run.state.observations[run.state.observations.length - 1]
        if (last) {
          last.output = `sudo refused the password ${MAX_PASSWORD_ATTEMPTS} times, so the command did not run.`
          last.skipped = 'password_refused'
        }
      }
      this.actions.updateAudit(run, approval.auditId, {
        exit_code: result.exit_code ?? null,
        sandbox: result.sandbox ?? null
      })
      approvalsRepo.setApprovalStatus(this.deps.db, approval.id, 'resolved')
      run.state.paused = null
      await this.actions.runQueue(run)
      await streamAnswer(run, await this.deps.model(), this.deps.db)
    })
  }

  /** Throws the API error a new task in that conversation would get. */
  checkStart(conversationId: string, workspace: string): void {
    const existing = conversations.getConversationRow(this.deps.db, conversationId)
    if (!existing) throw new DuckApiError('not_found', `No conversation ${conversationId}.`)
    if (existing.workspace !== workspace) {
      throw new DuckApiError('conflict', 'This conversation belongs to another workspace; start a new chat there.')
    }
  }

  /** The decided approval `continue` would act on, or the API error it would get. */
  checkContinue(taskId: string, approvalId: string): ApprovalRecord {
    const { task, approval } = this.pausedCall(taskId, approvalId)
    if (task.status !== 'waiting_for_approval') {
      throw new DuckApiError('conflict', `Task ${taskId} is not waiting for an approval (it is ${task.status}).`)
    }
    if (approval.status === 'pending') {
      throw new DuckApiError('conflict', 'That approval is still pending: allow or deny it first.')
    }
    if (!['allowed_once', 'allowed_always', 'denied'].includes(approval.status)) {
      throw new DuckApiError('conflict', `That approval was already used (${approval.status}).`)
    }
    return approval
  }

  /** The approval a password would be for, or the API error submitting one would get. */
  checkPassword(taskId: string, approvalId: string): ApprovalRecord {
    const { task, approval } = this.pausedCall(taskId, approvalId)
    if (task.status !== 'waiting_for_password' || approval.status !== 'password_pending') {
      throw new DuckApiError('conflict', `Task ${taskId} is not waiting for a password for that approval.`)
    }
    return approval
  }

  private pausedCall(taskId: string, approvalId: string): { task: StoredTask; approval: ApprovalRecord } {
    const task = this.requireTask(taskId)
    const approval = this.requireApproval(task, approvalId)
    if (this.live.has(taskId)) throw new DuckApiError('conflict', `Task ${taskId} is already running.`)
    if (task.state.paused?.approvalId !== approvalId) {
      throw new DuckApiError('conflict', 'That approval does not belong to the paused call of this task.')
    }
    return { task, approval }
  }

  /** Stops a task: its model request and child processes, or its wait for a person. */
  cancel(taskId: string): { task_id: string; status: DoneStatus | 'running' } {
    const task = this.requireTask(taskId)
    const controller = this.live.get(taskId)
    if (controller) {
      controller.abort(new DuckApiError('conflict', 'cancelled'))
      return { task_id: taskId, status: 'cancelled' }
    }
    if (task.status === 'waiting_for_approval' || task.status === 'waiting_for_password') {
      const { db } = this.deps
      db.transaction(() => {
        endIdleTask(db, task, 'cancelled')
        new TaskEmitter(db, taskId, task.conversationId, null).record({
          type: 'done',
          status: 'cancelled',
          generation_stats: EMPTY_STATS(0)
        })
      })()
      return { task_id: taskId, status: 'cancelled' }
    }
    throw new DuckApiError('conflict', `Task ${taskId} has already ended (${task.status}).`)
  }

  /** Marks tasks a previous process left running as failed (it died under them). */
  recoverInterrupted(): number {
    const { db } = this.deps
    const ids = tasks.listTaskIdsWithStatus(db, 'running')
    for (const id of ids) {
      const task = tasks.getTask<TaskState, TaskOptions>(db, id)
      if (!task) continue
      db.transaction(() => {
        const emitter = new TaskEmitter(db, id, task.conversationId, null)
        emitter.record({ type: 'error', code: 'interrupted', message: 'Duck stopped while this task was running.' })
        emitter.record({ type: 'done', status: 'failed', generation_stats: EMPTY_STATS(0) })
        endIdleTask(db, task, 'failed')
      })()
    }
    return ids.length
  }

  /** Aborts every running task (shutdown). */
  /** Aborts every running stream and waits (at most `waitMs`) until each has sent its done. */
  async abortAll(waitMs = 5000): Promise<void> {
    for (const controller of this.live.values()) controller.abort()
    if (this.running.size === 0) return
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      Promise.allSettled([...this.running]),
      new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))
    ])
    clearTimeout(timer)
  }

  // ---------------------------------------------------------------------------------------

  private requireTask(taskId: string): StoredTask {
    const task = tasks.getTask<TaskState, TaskOptions>(this.deps.db, taskId)
    if (!task) throw new DuckApiError('not_found', `No task ${taskId}.`)
    return task
  }

  private requireApproval(task: StoredTask, approvalId: string): ApprovalRecord {
    const approval = approvalsRepo.getApproval(this.deps.db, approvalId)
    if (!approval || approval.taskId !== task.id)
      throw new DuckApiError('not_found', `No approval ${approvalId} for task ${task.id}.`)
    return approval
  }

  /** One stream of a task: sets it running, runs `body`, and always ends with one `done`. */
  private drive(taskId: string, listener: StreamListener, body: (run: Run) => Promise<void>): Promise<DoneEvent> {
    const stream = this.driveStream(taskId, listener, body)
    this.running.add(stream)
    const forget = (): void => void this.running.delete(stream)
    stream.then(forget, forget)
    return stream
  }

  private async driveStream(
    taskId: string,
    listener: StreamListener,
    body: (run: Run) => Promise<void>
  ): Promise<DoneEvent> {
    if (this.live.has(taskId)) throw new DuckApiError('conflict', `Task ${taskId} is already running.`)
    const controller = new AbortController()
    this.live.set(taskId, controller)
    const started = performance.now()
    const { db } = this.deps
    const task = this.requireTask(taskId)
    const emitter = new TaskEmitter(db, taskId, task.conversationId, listener)
    const message = conversations.getMessage(db, task.state.assistantMessageId)
    const run: Run = {
      task,
      state: task.state,
      emitter,
      signal: controller.signal,
      history: tasks.conversationHistory(db, task.conversationId, taskId, HISTORY_MESSAGES),
      context: { reference: [], plannerReference: [] },
      content: message?.content ?? '',
      reasoning: message?.reasoning ?? ''
    }
    tasks.updateTask(db, taskId, 'running', run.state)
    let stats: GenerationStats | null = null
    let status: DoneStatus
    try {
      run.context =
        (await this.deps.context?.({ workspace: task.workspace, request: task.request, taskId })) ?? run.context
      await body(run)
      stats = run.stats ?? null
      status = 'completed'
    } catch (error) {
      if (controller.signal.aborted) {
        // A cancel wins over a pause that raced it; its open approval is closed below.
        status = 'cancelled'
      } else if (error instanceof Paused) {
        status = error.status
      } else if (error instanceof DuckApiError && error.code === 'conflict') {
        this.live.delete(taskId)
        tasks.updateTask(db, taskId, task.status, task.state)
        throw error
      } else {
        status = 'failed'
        if (isModelError(error) || error instanceof TaskError) {
          emitter.emit({ type: 'error', code: error.code, message: error.message })
        } else {
          console.error('[duck] task failed:', error)
          emitter.emit({
            type: 'error',
            code: 'internal',
            message: `Duck hit an internal error: ${error instanceof Error ? error.message : String(error)}`
          })
        }
      }
    }
    const done = db.transaction(() => {
      tasks.updateTask(db, taskId, status, run.state)
      if (status === 'cancelled' || status === 'failed') approvalsRepo.closeOpenApprovals(db, taskId)
      conversations.updateMessage(db, run.state.assistantMessageId, {
        content: run.content,
        reasoning: run.reasoning,
        status
      })
      conversations.touchConversation(db, task.conversationId)
      const event = emitter.emit({
        type: 'done',
        status,
        generation_stats: stats ?? EMPTY_STATS(Math.round(performance.now() - started))
      }) as DoneEvent
      emitter.flush()
      return event
    })()
    this.live.delete(taskId)
    if (status === 'completed') this.deps.onCompleted?.(taskId)
    return done
  }

  private async planAndAct(run: Run): Promise<void> {
    const maxRounds = this.deps.maxRounds ?? 8
    for (;;) {
      if (run.state.rounds >= maxRounds) break
      run.emitter.emit({ type: 'runtime_status', stage: 'planning' })
      const directive = await planDirective(run, await this.deps.model(), this.deps.tools)
      run.state.rounds++
      run.state.plannerRisk = directive.risk_level
      if (directive.actions.length === 0) break
      run.state.queue = directive.actions.map((a) => ({ tool: a.tool, args: a.args, reason: a.reason }))
      await this.actions.runQueue(run)
    }
    await streamAnswer(run, await this.deps.model(), this.deps.db)
  }
}

/** Ends a task no stream is running: its status, its open approvals, its answer's status. */
function endIdleTask(db: Db, task: StoredTask, status: 'cancelled' | 'failed'): void {
  tasks.setTaskStatus(db, task.id, status)
  approvalsRepo.closeOpenApprovals(db, task.id)
  const message = conversations.getMessage(db, task.state.assistantMessageId)
  if (message) {
    conversations.updateMessage(db, message.message_id, {
      content: message.content,
      reasoning: message.reasoning,
      status
    })
  }
}

function titleFor(message: string): string {
  const line = message.trim().split('\n')[0]?.trim() ?? ''
  return line.length > 60 ? `${line.slice(0, 57)}…` : line || 'New chat'
}
