import { randomUUID } from 'node:crypto'
import { DuckApiError } from '../../../shared/api'
import type { AuditDecision, DoneEvent, DoneStatus, GenerationStats, RiskLevel } from '../../../shared/events'
import { isModelError } from '../model/errors'
import { GenerationMeter } from '../model/meter'
import type { ChatMessage, ModelClient } from '../model/model-client'
import { callCovered, describeRule } from '../policy/rules'
import * as approvalsRepo from '../store/approvals-repo'
import type { ApprovalRecord } from '../store/approvals-repo'
import * as auditRepo from '../store/audit-repo'
import * as conversations from '../store/conversations-repo'
import type { Db } from '../store/database'
import * as tasks from '../store/tasks-repo'
import type { ToolRegistry } from '../tools/registry'
import type { Assessment, Tool } from '../tools/types'
import { DIRECTIVE_JSON_SCHEMA, parseDirective } from './directive'
import { TaskEmitter, type StreamListener } from './emitter'
import { plannerMessages, thinkerMessages, type Observation, type PromptContext } from './prompts'
import { maxRisk, riskAtLeast, type PlannedAction, type TaskOptions, type TaskState } from './state'

export const MAX_PASSWORD_ATTEMPTS = 3
const EVENT_OUTPUT_CHARS = 4000
const MESSAGE_FLUSH_MS = 500

export interface RunnerDeps {
  db: Db
  tools: ToolRegistry
  model(): Promise<ModelClient>
  /** Planning rounds per task (default 8). */
  maxRounds?: number
  /** Reference material for a task's prompts (memories, lessons, the active skill). */
  context?(input: { workspace: string; request: string; taskId: string }): Promise<PromptContext>
  /** Called after a task completed and its `done` went out. */
  onCompleted?(taskId: string): void
}

type StoredTask = tasks.StoredTask<TaskState, TaskOptions>

interface Run {
  task: StoredTask
  state: TaskState
  emitter: TaskEmitter
  signal: AbortSignal
  history: ChatMessage[]
  context: PromptContext
  content: string
  reasoning: string
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

class Paused {
  constructor(readonly status: 'waiting_for_approval' | 'waiting_for_password') {}
}

const EMPTY_STATS = (durationMs: number): GenerationStats => ({
  output_tokens: 0,
  ttft_ms: null,
  duration_ms: durationMs,
  min_tokens_per_second: null,
  avg_tokens_per_second: null,
  max_tokens_per_second: null
})

/**
 * Runs tasks: plan → run allowed actions → observations back to the planner (bounded rounds)
 * → stream the answer. Pauses for a person (approval, sudo password) and continues later,
 * from the database, so a restart in between loses nothing.
 */
export class TaskRunner {
  private readonly live = new Map<string, AbortController>()

  constructor(private readonly deps: RunnerDeps) {}

  isLive(taskId: string): boolean {
    return this.live.has(taskId)
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
        const existing = conversations.getConversationRow(db, conversationId)
        if (!existing) throw new DuckApiError('not_found', `No conversation ${conversationId}.`)
        if (existing.workspace !== input.workspace) {
          throw new DuckApiError('conflict', 'This conversation belongs to another workspace; start a new chat there.')
        }
      } else {
        conversationId = `conv_${randomUUID()}`
        conversations.createConversation(db, conversationId, titleFor(input.message), input.workspace)
      }
      const state: TaskState = { assistantMessageId, observations: [], rounds: 0, plannerRisk: 'none', queue: [], paused: null }
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
      conversations.addMessage(db, { id: assistantMessageId, conversationId, taskId, role: 'assistant', content: '', status: 'running' })
      conversations.touchConversation(db, conversationId)
    })()
    return this.drive(taskId, listener, async (run) => {
      await this.planAndAct(run)
    })
  }

  /** After a decision on the paused call: run it (or skip it), the rest of its directive, then answer. */
  async continueAfterApproval(taskId: string, approvalId: string, listener: StreamListener): Promise<DoneEvent> {
    const task = this.requireTask(taskId)
    const approval = this.requireApproval(task, approvalId)
    if (task.status !== 'waiting_for_approval') {
      throw new DuckApiError('conflict', `Task ${taskId} is not waiting for an approval (it is ${task.status}).`)
    }
    if (approval.status === 'pending') {
      throw new DuckApiError('conflict', 'That approval is still pending: allow or deny it first.')
    }
    if (!['allowed_once', 'allowed_always', 'denied'].includes(approval.status)) {
      throw new DuckApiError('conflict', `That approval was already used (${approval.status}).`)
    }
    return this.drive(taskId, listener, async (run) => {
      const paused = run.state.paused
      if (!paused || paused.approvalId !== approvalId) {
        throw new DuckApiError('conflict', 'That approval does not belong to the paused call of this task.')
      }
      const decision: AuditDecision = approval.status === 'denied' ? 'denied' : (approval.status as AuditDecision)
      if (approval.status === 'denied') {
        this.updateAudit(run, approval.auditId, { approved: false, decision: 'denied' })
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
      } else if (approval.privileged && (await this.deps.tools.get(paused.action.tool)?.needsPassword?.(paused.action.args))) {
        approvalsRepo.setApprovalStatus(this.deps.db, approval.id, 'password_pending')
        this.updateAudit(run, approval.auditId, { approved: true, decision })
        this.askPassword(run, approval, MAX_PASSWORD_ATTEMPTS)
      } else {
        this.updateAudit(run, approval.auditId, { approved: true, decision })
        const tool = this.deps.tools.get(paused.action.tool)
        if (!tool) throw new Error(`tool ${paused.action.tool} vanished`)
        const result = await this.execute(run, tool, paused.action, paused.callId, {
          risk: approval.riskLevel,
          actionType: approval.actionType
        })
        this.updateAudit(run, approval.auditId, { exit_code: result.exit_code ?? null })
        approvalsRepo.setApprovalStatus(this.deps.db, approval.id, 'resolved')
        run.state.paused = null
      }
      await this.runQueue(run)
      await this.answer(run)
    })
  }

  /** The sudo password for the paused privileged call: it goes to sudo's stdin and nowhere else. */
  async submitPassword(taskId: string, approvalId: string, password: string, listener: StreamListener): Promise<DoneEvent> {
    const task = this.requireTask(taskId)
    const approval = this.requireApproval(task, approvalId)
    if (task.status !== 'waiting_for_password' || approval.status !== 'password_pending') {
      throw new DuckApiError('conflict', `Task ${taskId} is not waiting for a password for that approval.`)
    }
    return this.drive(taskId, listener, async (run) => {
      const paused = run.state.paused
      if (!paused || paused.approvalId !== approvalId) {
        throw new DuckApiError('conflict', 'That approval does not belong to the paused call of this task.')
      }
      const tool = this.deps.tools.get(paused.action.tool)
      if (!tool) throw new Error(`tool ${paused.action.tool} vanished`)
      const result = await this.execute(
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
          this.askPassword(run, approval, left, `Wrong password — ${left} ${left === 1 ? 'try' : 'tries'} left.`)
        }
        const last = run.state.observations[run.state.observations.length - 1]
        if (last) {
          last.output = `sudo refused the password ${MAX_PASSWORD_ATTEMPTS} times, so the command did not run.`
          last.skipped = 'password_refused'
        }
      }
      this.updateAudit(run, approval.auditId, { exit_code: result.exit_code ?? null })
      approvalsRepo.setApprovalStatus(this.deps.db, approval.id, 'resolved')
      run.state.paused = null
      await this.runQueue(run)
      await this.answer(run)
    })
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
        tasks.setTaskStatus(db, taskId, 'cancelled')
        approvalsRepo.closeOpenApprovals(db, taskId)
        const message = conversations.getMessage(db, task.state.assistantMessageId)
        if (message) conversations.updateMessage(db, message.message_id, { content: message.content, reasoning: message.reasoning, status: 'cancelled' })
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
        tasks.setTaskStatus(db, id, 'failed')
        approvalsRepo.closeOpenApprovals(db, id)
        const message = conversations.getMessage(db, task.state.assistantMessageId)
        if (message) conversations.updateMessage(db, message.message_id, { content: message.content, reasoning: message.reasoning, status: 'failed' })
      })()
    }
    return ids.length
  }

  /** Aborts every running task (shutdown). */
  abortAll(): void {
    for (const controller of this.live.values()) controller.abort()
  }

  // ---------------------------------------------------------------------------------------

  private requireTask(taskId: string): StoredTask {
    const task = tasks.getTask<TaskState, TaskOptions>(this.deps.db, taskId)
    if (!task) throw new DuckApiError('not_found', `No task ${taskId}.`)
    return task
  }

  private requireApproval(task: StoredTask, approvalId: string): ApprovalRecord {
    const approval = approvalsRepo.getApproval(this.deps.db, approvalId)
    if (!approval || approval.taskId !== task.id) throw new DuckApiError('not_found', `No approval ${approvalId} for task ${task.id}.`)
    return approval
  }

  /** One stream of a task: sets it running, runs `body`, and always ends with one `done`. */
  private async drive(taskId: string, listener: StreamListener, body: (run: Run) => Promise<void>): Promise<DoneEvent> {
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
      history: tasks.conversationHistory(db, task.conversationId, taskId),
      context: { reference: [] },
      content: message?.content ?? '',
      reasoning: message?.reasoning ?? ''
    }
    tasks.updateTask(db, taskId, 'running', run.state)
    let stats: GenerationStats | null = null
    let status: DoneStatus
    try {
      run.context = (await this.deps.context?.({ workspace: task.workspace, request: task.request, taskId })) ?? { reference: [] }
      await body(run)
      stats = (run as Run & { stats?: GenerationStats }).stats ?? null
      status = 'completed'
    } catch (error) {
      if (error instanceof Paused) {
        status = error.status
      } else if (controller.signal.aborted) {
        status = 'cancelled'
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
      const messageStatus = status === 'waiting_for_approval' || status === 'waiting_for_password' ? status : status
      conversations.updateMessage(db, run.state.assistantMessageId, { content: run.content, reasoning: run.reasoning, status: messageStatus })
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
      const directive = await this.plan(run)
      run.state.rounds++
      run.state.plannerRisk = directive.risk_level
      if (directive.actions.length === 0) break
      run.state.queue = directive.actions.map((a) => ({ tool: a.tool, args: a.args, reason: a.reason }))
      await this.runQueue(run)
    }
    await this.answer(run)
  }

  private async plan(run: Run) {
    const model = await this.deps.model()
    const messages = plannerMessages({
      tools: this.deps.tools.list(),
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

  /** Runs the queued actions in order; the first that needs a person pauses the task. */
  private async runQueue(run: Run): Promise<void> {
    while (run.state.queue.length > 0) {
      const action = run.state.queue.shift() as PlannedAction
      await this.gateAndRun(run, action)
    }
  }

  private async gateAndRun(run: Run, action: PlannedAction): Promise<void> {
    const callId = `call_${randomUUID()}`
    const tool = this.deps.tools.get(action.tool)
    if (!tool) {
      this.skip(run, action, callId, 'unknown_tool', `There is no tool named "${action.tool}".`)
      return
    }
    const parsedArgs = tool.schema.safeParse(action.args)
    if (!parsedArgs.success) {
      const issue = parsedArgs.error.issues[0]
      this.skip(run, action, callId, 'invalid', `Invalid arguments for ${tool.name}: ${issue ? `${issue.path.join('.') || 'args'} ${issue.message}` : 'invalid'}.`)
      return
    }
    const args = parsedArgs.data as Record<string, unknown>
    const call: PlannedAction = { ...action, args }
    const assessment = await tool.assess(args, { workspace: run.task.workspace })
    const risk = maxRisk(assessment.risk_level, run.state.plannerRisk)
    const rules = approvalsRepo.listRules(this.deps.db, run.task.workspace).filter((r) => r.tool === tool.name)
    const covered = !assessment.privileged && callCovered(assessment, rules, tool.name)
    const needsPerson = assessment.privileged || (!covered && (assessment.needs_approval || riskAtLeast(risk, 'medium')))
    const isShell = tool.name === 'shell_exec_safe'

    if (needsPerson) {
      this.requestApproval(run, tool, call, callId, assessment, risk)
    }
    const auditId = isShell
      ? this.audit(run, String(args.command), risk, assessment, covered ? 'allowed_always' : 'auto_allowed', false)
      : null
    const result = await this.execute(run, tool, call, callId, { risk, actionType: assessment.action_type })
    if (auditId) this.updateAudit(run, auditId, { exit_code: result.exit_code ?? null })
  }

  private skip(run: Run, action: PlannedAction, callId: string, why: Observation['skipped'], message: string): void {
    run.emitter.emit({
      type: 'tool_call_started',
      call_id: callId,
      tool: action.tool,
      args: action.args,
      reason: action.reason,
      risk_level: run.state.plannerRisk,
      action_type: 'unknown'
    })
    run.emitter.emit({ type: 'tool_call_finished', call_id: callId, tool: action.tool, ok: false, output: message, duration_ms: 0 })
    run.state.observations.push({ call_id: callId, tool: action.tool, args: action.args, ok: false, output: message, ...(why ? { skipped: why } : {}) })
  }

  private requestApproval(run: Run, tool: Tool, action: PlannedAction, callId: string, assessment: Assessment, risk: RiskLevel): never {
    const { db } = this.deps
    const approvalId = `appr_${randomUUID()}`
    const reason = [action.reason, ...assessment.reasons].filter(Boolean).join(' ')
    const rulePreview = assessment.privileged || assessment.rule_keys.length === 0 ? null : describeRule(tool.name, assessment.rule_keys, run.task.workspace)
    db.transaction(() => {
      const auditId =
        tool.name === 'shell_exec_safe' ? this.audit(run, String(action.args.command), risk, assessment, 'pending', false) : null
      approvalsRepo.insertApproval(db, {
        id: approvalId,
        taskId: run.task.id,
        tool: tool.name,
        args: action.args,
        reason,
        riskLevel: risk,
        actionType: assessment.action_type,
        outsideWorkspace: assessment.outside_workspace,
        ruleKeys: assessment.rule_keys,
        privileged: assessment.privileged,
        auditId
      })
      run.state.paused = { approvalId, callId, action }
      run.emitter.emit({
        type: 'tool_approval_requested',
        approval_id: approvalId,
        tool: tool.name,
        args: action.args,
        reason,
        risk_level: risk,
        action_type: assessment.action_type,
        outside_workspace: assessment.outside_workspace,
        rule_preview: rulePreview,
        status: 'waiting_for_approval'
      })
      run.emitter.emit({ type: 'runtime_status', stage: 'waiting_for_approval' })
    })()
    throw new Paused('waiting_for_approval')
  }

  private askPassword(run: Run, approval: ApprovalRecord, attemptsLeft: number, error?: string): never {
    run.emitter.emit({ type: 'runtime_status', stage: 'waiting_for_password' })
    run.emitter.emit({
      type: 'tool_password_requested',
      approval_id: approval.id,
      tool: approval.tool,
      command: String(approval.args.command ?? ''),
      attempts_left: attemptsLeft,
      ...(error ? { error } : {}),
      status: 'waiting_for_password'
    })
    throw new Paused('waiting_for_password')
  }

  private async execute(
    run: Run,
    tool: Tool,
    action: PlannedAction,
    callId: string,
    label: { risk: RiskLevel; actionType: Assessment['action_type'] },
    password?: string
  ) {
    run.emitter.emit({ type: 'runtime_status', stage: 'running_tool', tool: tool.name })
    run.emitter.emit({
      type: 'tool_call_started',
      call_id: callId,
      tool: tool.name,
      args: action.args,
      reason: action.reason,
      risk_level: label.risk,
      action_type: label.actionType
    })
    const started = performance.now()
    let result
    try {
      result = await tool.run(action.args, {
        workspace: run.task.workspace,
        signal: run.signal,
        ...(password !== undefined ? { password } : {})
      })
    } catch (error) {
      if (run.signal.aborted) throw error
      result = { ok: false, output: `The tool failed: ${error instanceof Error ? error.message : String(error)}`, exit_code: null }
    }
    const output = run.task.options.debug || result.output.length <= EVENT_OUTPUT_CHARS ? result.output : `${result.output.slice(0, EVENT_OUTPUT_CHARS)}\n… [${result.output.length - EVENT_OUTPUT_CHARS} more characters]`
    run.emitter.emit({
      type: 'tool_call_finished',
      call_id: callId,
      tool: tool.name,
      ok: result.ok,
      output,
      ...(tool.name === 'shell_exec_safe' ? { exit_code: result.exit_code ?? null } : {}),
      duration_ms: Math.round(performance.now() - started)
    })
    run.state.observations.push({
      call_id: callId,
      tool: tool.name,
      args: action.args,
      ok: result.ok,
      output: result.output,
      ...(tool.name === 'shell_exec_safe' ? { exit_code: result.exit_code ?? null } : {})
    })
    if (run.signal.aborted) throw run.signal.reason
    return result
  }

  private audit(
    run: Run,
    command: string,
    risk: RiskLevel,
    assessment: Assessment,
    decision: AuditDecision,
    approved: boolean
  ): string {
    const id = `audit_${randomUUID()}`
    const record = auditRepo.insertAudit(this.deps.db, id, {
      command,
      risk_level: risk,
      action_type: assessment.action_type,
      approved,
      decision,
      exit_code: null,
      task_id: run.task.id,
      workspace: run.task.workspace,
      conversation_id: run.task.conversationId
    })
    run.emitter.record({ type: 'command_audit', audit_id: id, ...record.payload })
    return id
  }

  private updateAudit(run: Run, auditId: string | null, fields: Parameters<typeof auditRepo.updateAudit>[2]): void {
    if (!auditId) return
    const record = auditRepo.updateAudit(this.deps.db, auditId, fields)
    if (record) run.emitter.record({ type: 'command_audit', audit_id: auditId, ...record.payload })
  }

  private async answer(run: Run): Promise<void> {
    run.emitter.emit({ type: 'runtime_status', stage: 'thinking' })
    const model = await this.deps.model()
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
    const stream = model.streamChat('thinker', messages, { reasoning: run.task.options.reasoning, signal: run.signal, meter })
    for await (const delta of stream) {
      if (delta.type === 'content_delta') run.content += delta.delta
      else run.reasoning += delta.delta
      run.emitter.emit({ type: delta.type, delta: delta.delta })
      const t = performance.now()
      if (t - lastFlush > MESSAGE_FLUSH_MS) {
        lastFlush = t
        conversations.updateMessage(this.deps.db, run.state.assistantMessageId, { content: run.content, reasoning: run.reasoning, status: 'running' })
      }
    }
    ;(run as Run & { stats?: GenerationStats }).stats = meter.finish()
  }
}

function titleFor(message: string): string {
  const line = message.trim().split('\n')[0]?.trim() ?? ''
  return line.length > 60 ? `${line.slice(0, 57)}…` : line || 'New chat'
}
