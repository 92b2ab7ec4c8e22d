import type { z } from 'zod'
import type { ToolActionType, FilePreview, RiskLevel } from '../../../shared/events'
import type { SandboxMode } from '../sandbox/sandbox'
import type { FileChangePlan } from './file-write'

/** What a tool's `assess()` says about one call, before anything runs. */
export interface Assessment {
  risk_level: RiskLevel
  action_type: ToolActionType
  /** True when a person must approve the call (unless an "Always allow" rule covers it). */
  needs_approval: boolean
  /** Plain-language reasons why it needs a person (empty when it does not). */
  reasons: string[]
  /** Real paths the call touches that lie outside the workspace. */
  outside_workspace: string[]
  /** sudo, su, pkexec, doas: needs a person every time and, for sudo, a password. */
  privileged: boolean
  /**
   * The keys an "Always allow" rule is made of, one per part of the call (for shell: the
   * program plus its subcommand, e.g. `git status`; for paths: the real directory). The call
   * is covered when every key is covered. Empty when no rule may ever cover it.
   */
  rule_keys: string[]
  /** Shell calls: each part's key with its words, for rules narrowed to arguments. */
  rule_parts?: { key: string; words: string }[]
  /**
   * Shell calls: where the call would run. `none` (no sandbox here, or sudo) means a person
   * must approve it every time, rules or not.
   */
  sandbox?: SandboxMode
  /** File tools: the change the call would make (shown in the approval). */
  preview?: FilePreview & { before_sha256: string | null }
  /** The call cannot run as asked (e.g. an edit whose old_text does not match): why. */
  invalid?: string
}

export interface AssessContext {
  workspace: string
}

export interface ToolContext {
  workspace: string
  signal: AbortSignal
  /** Only for a privileged shell call the person approved; never stored or logged. */
  password?: string
  /**
   * Who let the call run: the policy (it runs read-only) or a person (an approval or their
   * "Always allow" rule: the workspace is writable), with what they approved.
   */
  grant?: {
    by: 'policy' | 'person'
    actionType: ToolActionType
    outsideWorkspace: string[]
    /** File tools: the file's SHA-256 when the person saw the diff (null: it did not exist). */
    expectedSha256?: string | null
  }
}

export interface ToolResult {
  ok: boolean
  /** Output bounded for events and prompts (head and tail kept). */
  output: string
  exit_code?: number | null
  /** True when sudo refused the password. */
  password_rejected?: boolean
  /** Shell calls: the sandbox profile it ran under, or `none` (unconfined). */
  sandbox?: SandboxMode
  /** File tools: the change written (recorded for the task's undo; never sent as is). */
  fileChange?: FileChangePlan
  /** MCP calls: what their audit row records (null `is_error`: the call never got an answer). */
  mcp?: { is_error: boolean | null; duration_ms: number }
}

export interface Tool<Args = Record<string, unknown>> {
  name: string
  description: string
  /** JSON-schema-like description of the arguments, for the planner's tool catalog. */
  parameters: Record<string, unknown>
  schema: z.ZodType<Args>
  /**
   * The planner's JSON schema for the arguments, where it is not derived from `schema` (MCP
   * tools: their server's schema reduced to names and plain types; it is not closed).
   */
  plannerSchema?: Record<string, unknown>
  assess(args: Args, ctx: AssessContext): Promise<Assessment>
  /** True when an approved call must also get the person's password (sudo). */
  needsPassword?(args: Args): Promise<boolean>
  run(args: Args, ctx: ToolContext): Promise<ToolResult>
}
