import { randomUUID } from 'node:crypto'
import type { AuditDecision, RiskLevel } from '../../../shared/events'
import { describeMcpRule, mcpAuditCommand } from '../mcp/audit-text'
import { isMcpToolName } from '../mcp/tool'
import { callCovered, describeNarrowRule, describeRule, tildify } from '../policy/rules'
import * as approvalsRepo from '../store/approvals-repo'
import { publicPreview, type ApprovalRecord } from '../store/approvals-repo'
import * as auditRepo from '../store/audit-repo'
import type { Db } from '../store/database'
import type { ChangeLog } from '../tools/change-log'
import type { CommandPreviews } from '../tools/command-preview'
import type { CommandPreview } from '../../../shared/dto'
import type { ToolRegistry } from '../tools/registry'
import type { Assessment, Tool, ToolContext, ToolResult } from '../tools/types'
import type { Observation } from './prompts'
import { Paused, type Run } from './run'
import { maxRisk, riskAtLeast, type PlannedAction } from './state'

const EVENT_OUTPUT_CHARS = 4000

/**
 * Runs a directive's actions: each call is validated, assessed, gated (rules, planner risk,
 * privilege), audited when it is a shell command, and either run or paused for a person.
 */
export class ActionRunner {
  constructor(
    private readonly db: Db,
    private readonly tools: ToolRegistry,
    private readonly changes: ChangeLog | null = null,
    private readonly previews: CommandPreviews | null = null
  ) {}

  /** Runs the queued actions in order; the first that needs a person pauses the task. */
  async runQueue(run: Run): Promise<void> {
    while (run.state.queue.length > 0) {
      const action = run.state.queue.shift() as PlannedAction
      await this.gateAndRun(run, action)
    }
  }

  private async gateAndRun(run: Run, action: PlannedAction): Promise<void> {
    const callId = `call_${randomUUID()}`
    const tool = this.tools.get(action.tool)
    if (!tool) {
      this.skip(run, action, callId, 'unknown_tool', `There is no tool named "${action.tool}".`)
      return
    }
    const parsedArgs = tool.schema.safeParse(action.args)
    if (!parsedArgs.success) {
      const issue = parsedArgs.error.issues[0]
      this.skip(
        run,
        action,
        callId,
        'invalid',
        `Invalid arguments for ${tool.name}: ${issue ? `${issue.path.join('.') || 'args'} ${issue.message}` : 'invalid'}.`
      )
      return
    }
    const args = parsedArgs.data as Record<string, unknown>
    const call: PlannedAction = { ...action, args }
    const assessment = await tool.assess(args, { workspace: run.task.workspace })
    if (assessment.invalid !== undefined) {
      this.skip(run, action, callId, 'invalid', assessment.invalid)
      return
    }
    const risk = maxRisk(assessment.risk_level, run.state.plannerRisk)
    const rules = approvalsRepo.listRules(this.db, run.task.workspace).filter((r) => r.tool === tool.name)
    const covered = !assessment.privileged && callCovered(assessment, rules, tool.name)
    // Unconfined (no sandbox, or sudo): a person every time, whatever the rules say.
    const needsPerson =
      assessment.privileged ||
      assessment.sandbox === 'none' ||
      (!covered && (assessment.needs_approval || riskAtLeast(risk, 'medium')))
    const audited = auditedCommand(tool.name, args)

    if (needsPerson) {
      // A shell command that may write can be previewed first, where an overlay exists.
      const previewable =
        tool.name === 'shell_exec_safe' && !assessment.privileged && this.previews
          ? await this.previews.availability(run.task.workspace)
          : null
      this.requestApproval(run, tool, call, callId, assessment, risk, previewable)
    }
    const auditId =
      audited !== null
        ? this.audit(run, audited, risk, assessment, covered ? 'allowed_always' : 'auto_allowed', false, tool.name)
        : null
    const result = await this.execute(
      run,
      tool,
      call,
      callId,
      { risk, actionType: assessment.action_type },
      undefined,
      {
        // A rule is the person's standing approval.
        by: covered ? 'person' : 'policy',
        actionType: assessment.action_type,
        outsideWorkspace: assessment.outside_workspace,
        ...(assessment.preview ? { expectedSha256: assessment.preview.before_sha256 } : {})
      }
    )
    if (auditId) this.updateAudit(run, auditId, auditFields(result))
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
    run.emitter.emit({
      type: 'tool_call_finished',
      call_id: callId,
      tool: action.tool,
      ok: false,
      output: message,
      duration_ms: 0
    })
    run.state.observations.push({
      call_id: callId,
      tool: action.tool,
      args: action.args,
      ok: false,
      output: message,
      ...(why ? { skipped: why } : {})
    })
  }

  private requestApproval(
    run: Run,
    tool: Tool,
    action: PlannedAction,
    callId: string,
    assessment: Assessment,
    risk: RiskLevel,
    previewable: { available: boolean; reason: string | null } | null = null
  ): never {
    const db = this.db
    const approvalId = `appr_${randomUUID()}`
    const reason = [action.reason, ...assessment.reasons].map(asSentence).filter(Boolean).join(' ')
    const rulePreview =
      assessment.privileged || assessment.rule_keys.length === 0
        ? null
        : isMcpToolName(tool.name)
          ? describeMcpRule(tool.name, tildify(run.task.workspace))
          : describeRule(tool.name, assessment.rule_keys, run.task.workspace)
    const narrowPreview =
      rulePreview === null ? null : describeNarrowRule(tool.name, assessment.rule_parts, run.task.workspace)
    const audited = auditedCommand(tool.name, action.args)
    db.transaction(() => {
      const auditId = audited !== null ? this.audit(run, audited, risk, assessment, 'pending', false, tool.name) : null
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
        ruleParts: assessment.privileged ? [] : (assessment.rule_parts ?? []),
        privileged: assessment.privileged,
        auditId,
        preview: assessment.preview ?? null,
        commandPreview: previewable
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
        ...(narrowPreview ? { rule_preview_arguments: narrowPreview } : {}),
        ...(assessment.preview ? { preview: publicPreview(assessment.preview) } : {}),
        ...(previewable ? { command_preview: previewable } : {}),
        status: 'waiting_for_approval'
      })
      run.emitter.emit({ type: 'runtime_status', stage: 'waiting_for_approval' })
    })()
    throw new Paused('waiting_for_approval')
  }

  askPassword(run: Run, approval: ApprovalRecord, attemptsLeft: number, error?: string): never {
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

  async execute(
    run: Run,
    tool: Tool,
    action: PlannedAction,
    callId: string,
    label: { risk: RiskLevel; actionType: Assessment['action_type'] },
    password?: string,
    grant?: ToolContext['grant']
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
        ...(password !== undefined ? { password } : {}),
        ...(grant ? { grant } : {})
      })
    } catch (error) {
      if (run.signal.aborted) throw error
      result = {
        ok: false,
        output: `The tool failed: ${error instanceof Error ? error.message : String(error)}`,
        exit_code: null
      }
    }
    if (result.fileChange && this.changes) {
      // Kept before anything else happens, so the task's undo knows both sides of the file.
      const change = await this.changes.record(run.task.id, result.fileChange)
      run.emitter.emit({
        type: 'file_changed',
        change_id: change.change_id,
        path: change.path,
        kind: change.kind,
        added: change.added,
        removed: change.removed
      })
    }
    if (
      this.changes &&
      tool.name === 'shell_exec_safe' &&
      grant?.by === 'person' &&
      result.exit_code !== null &&
      result.exit_code !== undefined
    ) {
      // Duck cannot know what a command that ran directly changed: the task's undo says so.
      const command = String(action.args.command)
      const mark = this.changes.recordCommand(run.task.id, command)
      run.emitter.emit({
        type: 'file_changed',
        change_id: mark.change_id,
        path: command,
        kind: 'command',
        undoable: false,
        added: 0,
        removed: 0
      })
    }
    const output =
      run.task.options.debug || result.output.length <= EVENT_OUTPUT_CHARS
        ? result.output
        : `${result.output.slice(0, EVENT_OUTPUT_CHARS)}\n… [${result.output.length - EVENT_OUTPUT_CHARS} more characters]`
    run.emitter.emit({
      type: 'tool_call_finished',
      call_id: callId,
      tool: tool.name,
      ok: result.ok,
      output,
      ...(tool.name === 'shell_exec_safe' ? { exit_code: result.exit_code ?? null } : {}),
      ...(result.sandbox ? { sandbox: result.sandbox } : {}),
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

  /**
   * The observation of a command whose preview the person applied: its output and exit code
   * from the preview, and the changes it made (already recorded for the task's undo).
   */
  replayPreview(
    run: Run,
    action: PlannedAction,
    callId: string,
    label: { risk: RiskLevel; actionType: Assessment['action_type'] },
    preview: CommandPreview
  ): void {
    run.emitter.emit({
      type: 'tool_call_started',
      call_id: callId,
      tool: 'shell_exec_safe',
      args: action.args,
      reason: action.reason,
      risk_level: label.risk,
      action_type: label.actionType
    })
    for (const change of this.changes?.list(run.task.id) ?? []) {
      if (!(preview.applied_changes ?? []).includes(change.change_id)) continue
      run.emitter.emit({
        type: 'file_changed',
        change_id: change.change_id,
        path: change.path,
        kind: change.kind,
        ...(change.type ? { entry: change.type } : {}),
        added: change.added,
        removed: change.removed
      })
    }
    const files = preview.files.length
    const output = `${preview.output}${preview.output.endsWith('\n') || preview.output === '' ? '' : '\n'}[applied from its preview: ${files} ${files === 1 ? 'change' : 'changes'}]`
    run.emitter.emit({
      type: 'tool_call_finished',
      call_id: callId,
      tool: 'shell_exec_safe',
      ok: preview.exit_code === 0,
      output:
        output.length <= EVENT_OUTPUT_CHARS || run.task.options.debug
          ? output
          : `${output.slice(0, EVENT_OUTPUT_CHARS)}\n…`,
      exit_code: preview.exit_code,
      sandbox: 'workspace_write',
      duration_ms: preview.duration_ms
    })
    run.state.observations.push({
      call_id: callId,
      tool: 'shell_exec_safe',
      args: action.args,
      ok: preview.exit_code === 0,
      output,
      exit_code: preview.exit_code
    })
  }

  private audit(
    run: Run,
    command: string,
    risk: RiskLevel,
    assessment: Assessment,
    decision: AuditDecision,
    approved: boolean,
    toolName: string
  ): string {
    const id = `audit_${randomUUID()}`
    const record = auditRepo.insertAudit(this.db, id, {
      ...(isMcpToolName(toolName) || FILE_TOOLS.has(toolName) ? { tool: toolName } : {}),
      command,
      risk_level: risk,
      action_type: assessment.action_type,
      approved,
      decision,
      exit_code: null,
      task_id: run.task.id,
      workspace: run.task.workspace,
      conversation_id: run.task.conversationId,
      sandbox: null
    })
    run.emitter.emit({ type: 'command_audit', audit_id: id, ...record.payload })
    return id
  }

  updateAudit(run: Run, auditId: string | null, fields: Parameters<typeof auditRepo.updateAudit>[2]): void {
    if (!auditId) return
    const record = auditRepo.updateAudit(this.db, auditId, fields)
    if (record) run.emitter.emit({ type: 'command_audit', audit_id: auditId, ...record.payload })
  }
}

/** Tools whose calls are audit rows beside the commands (with `tool` set). */
const FILE_TOOLS = new Set(['file_write', 'file_edit'])

/**
 * What the audit records for a call: the command line, an MCP call's tool and arguments, a file
 * tool's path; null when not audited (reads).
 */
function auditedCommand(tool: string, args: Record<string, unknown>): string | null {
  if (tool === 'shell_exec_safe') return String(args.command)
  if (isMcpToolName(tool)) return mcpAuditCommand(tool, args)
  if (FILE_TOOLS.has(tool)) return String(args.path)
  return null
}

/** The audit row's fields once a call ran: exit code, sandbox, an MCP call's outcome, bytes written. */
export function auditFields(result: ToolResult): Parameters<typeof auditRepo.updateAudit>[2] {
  return {
    exit_code: result.exit_code ?? null,
    sandbox: result.sandbox ?? null,
    ...(result.mcp ?? {}),
    ...(result.fileChange ? { bytes: Buffer.byteLength(result.fileChange.after, 'utf8') } : {})
  }
}

/** "the folder is outside" → "The folder is outside." so joined reasons read as sentences. */
function asSentence(text: string): string {
  const trimmed = text.trim()
  if (!trimmed) return ''
  const first = trimmed[0] === '`' ? trimmed : trimmed[0]?.toUpperCase() + trimmed.slice(1)
  return /[.!?…]$/.test(first) ? first : `${first}.`
}
