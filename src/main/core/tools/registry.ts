import { basename } from 'node:path'
import { z } from 'zod'
import { parseCommand } from '../policy/bash-parser'
import { assessPathAccess, confinePath } from '../policy/paths'
import { assessShellCommand } from '../policy/shell-policy'
import { readWorkspaceFile } from './file-read'
import { listDirectory } from './list-dir'
import { createSandbox, SANDBOX_MAX_PROCESSES, type Sandbox, type SandboxGrant } from '../sandbox/sandbox'
import { childEnv, runCommand, runSudo, shellArgv, type ProcessResult } from './process'
import { applyFileChange, FileChangeError, planFileEdit, planFileWrite, type FileChangePlan } from './file-write'
import type { Assessment, Tool, ToolContext, ToolResult } from './types'

const pathSchema = z.string().min(1, 'must not be empty').max(4096, 'is too long')

const FileReadArgs = z.strictObject({ path: pathSchema })
const ListDirArgs = z.strictObject({ path: pathSchema.default('.') })
const FileWriteArgs = z.strictObject({ path: pathSchema, content: z.string().max(1024 * 1024, 'is too long') })
const FileEditArgs = z.strictObject({
  path: pathSchema,
  edits: z
    .array(
      z.strictObject({
        old_text: z
          .string()
          .min(1, 'must not be empty')
          .max(256 * 1024, 'is too long'),
        new_text: z.string().max(256 * 1024, 'is too long')
      })
    )
    .min(1, 'must hold at least one edit')
    .max(50, 'holds too many edits')
})
const ShellArgs = z.strictObject({ command: z.string().trim().min(1, 'must not be empty').max(10_000, 'is too long') })

export interface ToolOptions {
  /** The sudo program (a full path where it is not on PATH). */
  sudoPath?: string
  shellTimeoutMs?: number
  /** The OS sandbox commands run in (default: the platform's, see sandbox.ts). */
  sandbox?: Sandbox
  /** Folders no command may see (Duck's data folder), for the default sandbox. */
  hiddenPaths?: string[]
  /** Tools that come and go (MCP servers' tools): `list` for the catalog, `find` by name. */
  extraTools?: { list(): Tool[]; find(name: string): Tool | undefined }
}

function processResult(result: ProcessResult): ToolResult {
  let output = result.output
  if (result.timedOut) output += '\n[stopped: the command ran past its time limit]'
  if (result.cancelled) output += '\n[stopped: the task was cancelled]'
  return {
    ok: result.exitCode === 0 && !result.timedOut && !result.cancelled && !result.processLimitHit,
    output,
    exit_code: result.exitCode
  }
}

const fileRead: Tool<z.infer<typeof FileReadArgs>> = {
  name: 'file_read',
  description: 'Read a text file (bounded; binary files are described, not shown).',
  parameters: { path: 'string, relative to the workspace' },
  schema: FileReadArgs,
  assess: (args, ctx) => assessPathAccess(ctx.workspace, args.path, 'file_read'),
  async run(args, ctx) {
    const { resolved } = await confinePath(ctx.workspace, args.path)
    const result = await readWorkspaceFile(resolved, { signal: ctx.signal })
    return { ok: result.ok, output: result.output }
  }
}

const listDir: Tool<z.infer<typeof ListDirArgs>> = {
  name: 'list_dir',
  description: 'List a directory: folders first, sizes, symlink targets.',
  parameters: { path: 'string, relative to the workspace (default ".")' },
  schema: ListDirArgs,
  assess: (args, ctx) => assessPathAccess(ctx.workspace, args.path, 'file_read'),
  async run(args, ctx) {
    const { resolved } = await confinePath(ctx.workspace, args.path)
    const result = await listDirectory(resolved)
    return { ok: result.ok, output: result.output }
  }
}

/**
 * A file tool's assessment: a write always asks (an "Always allow" rule per folder can cover
 * it), outside the workspace at high risk; the change is worked out now, so the approval
 * shows its diff, and a change that cannot be made is refused before anyone is asked.
 */
async function assessFileChange(
  workspace: string,
  path: string,
  planChange: (resolved: string) => Promise<FileChangePlan>
): Promise<Assessment> {
  const access = await assessPathAccess(workspace, path, 'file_write')
  const { resolved } = await confinePath(workspace, path)
  const base: Assessment = {
    ...access,
    needs_approval: true,
    risk_level: access.outside_workspace.length > 0 ? 'high' : 'medium'
  }
  try {
    const change = await planChange(resolved)
    return {
      ...base,
      preview: {
        path: resolved,
        diff: change.diff,
        ...(change.wholeDiff !== undefined ? { whole_diff: change.wholeDiff } : {}),
        added: change.added,
        removed: change.removed,
        created: change.before === null,
        before_sha256: change.beforeSha256
      }
    }
  } catch (error) {
    if (error instanceof FileChangeError) return { ...base, invalid: error.message }
    throw error
  }
}

/** Runs a file change, if the file is still the one whose diff was approved. */
async function runFileChange(
  ctx: ToolContext,
  path: string,
  planChange: (resolved: string) => Promise<FileChangePlan>
): Promise<ToolResult> {
  const { resolved } = await confinePath(ctx.workspace, path)
  try {
    const change = await planChange(resolved)
    const expected = ctx.grant?.expectedSha256
    if (expected !== undefined && change.beforeSha256 !== expected) {
      return {
        ok: false,
        output: `${resolved} changed after the change was approved; nothing was written. Propose it again against the file as it is now.`
      }
    }
    await applyFileChange(change)
    const verb = change.before === null ? 'Created' : 'Changed'
    return {
      ok: true,
      output: `${verb} ${resolved}: +${change.added} −${change.removed} lines.\n${change.diff}`,
      fileChange: change
    }
  } catch (error) {
    if (error instanceof FileChangeError) return { ok: false, output: error.message }
    throw error
  }
}

const fileWrite: Tool<z.infer<typeof FileWriteArgs>> = {
  name: 'file_write',
  description: 'Create or overwrite a text file with the given content (the person sees the diff first).',
  parameters: { path: 'string, relative to the workspace', content: 'string, the whole new content' },
  schema: FileWriteArgs,
  assess: (args, ctx) =>
    assessFileChange(ctx.workspace, args.path, (resolved) => planFileWrite(resolved, args.content)),
  run: (args, ctx) => runFileChange(ctx, args.path, (resolved) => planFileWrite(resolved, args.content))
}

const fileEdit: Tool<z.infer<typeof FileEditArgs>> = {
  name: 'file_edit',
  description:
    'Edit a text file by exact replacements: each old_text must appear exactly once and becomes new_text (the person sees the diff first).',
  parameters: { path: 'string, relative to the workspace', edits: '[{old_text: string, new_text: string}]' },
  schema: FileEditArgs,
  assess: (args, ctx) => assessFileChange(ctx.workspace, args.path, (resolved) => planFileEdit(resolved, args.edits)),
  run: (args, ctx) => runFileChange(ctx, args.path, (resolved) => planFileEdit(resolved, args.edits))
}

const PRIVILEGED = new Set(['sudo', 'su', 'pkexec', 'doas'])

/** The sudo call in a command, when the whole command is one plain `sudo …`. */
async function sudoArgv(command: string): Promise<string[] | null> {
  const parsed = await parseCommand(command)
  if (!parsed.ok || parsed.parts.length !== 1) return null
  const argv = parsed.parts[0]?.argv ?? []
  return basename(argv[0] ?? '') === 'sudo' ? argv.slice(1) : null
}

function shellTool(options: ToolOptions): Tool<z.infer<typeof ShellArgs>> {
  const sandbox = options.sandbox ?? createSandbox({ hidden: options.hiddenPaths ?? [] })
  return {
    name: 'shell_exec_safe',
    description:
      'Run a shell command in the workspace. Read-only commands run at once; anything else waits for the person. sudo asks for their password.',
    parameters: { command: 'string, one command line' },
    schema: ShellArgs,
    async assess(args, ctx) {
      const assessment = await assessShellCommand(args.command, undefined, ctx.workspace)
      if (assessment.privileged) {
        return {
          ...assessment,
          sandbox: 'none' as const,
          reasons: [...assessment.reasons, 'sudo cannot run inside the sandbox, so this command runs outside it']
        }
      }
      const status = await sandbox.status()
      if (status.available)
        return { ...assessment, sandbox: assessment.needs_approval ? 'workspace_write' : 'read_only' }
      // Fail closed: without a sandbox nothing runs unless a person says so, every time.
      return {
        ...assessment,
        needs_approval: true,
        sandbox: 'none' as const,
        reasons: [...assessment.reasons, `it would run without a sandbox: ${status.reason ?? 'none is available'}`]
      }
    },
    needsPassword: async (args) => (await sudoArgv(args.command)) !== null,
    async run(args, ctx) {
      const runOptions = {
        cwd: ctx.workspace,
        signal: ctx.signal,
        ...(options.shellTimeoutMs ? { timeoutMs: options.shellTimeoutMs } : {})
      }
      const parsed = await parseCommand(args.command)
      const programs = parsed.ok ? parsed.parts.map((part) => basename(part.argv[0] ?? '')) : []
      const sudo = await sudoArgv(args.command)
      if (sudo) {
        if (sudo.length === 0 || sudo[0]?.startsWith('-')) {
          return { ok: false, output: 'Duck runs sudo without sudo options: `sudo <command> [args]`.', exit_code: null }
        }
        if (ctx.password === undefined) {
          return { ok: false, output: 'sudo needs the password, and none was given.', exit_code: null }
        }
        const result = await runSudo(sudo, ctx.password, {
          ...runOptions,
          ...(options.sudoPath ? { sudoPath: options.sudoPath } : {})
        })
        return { ...processResult(result), password_rejected: result.passwordRejected, sandbox: 'none' }
      }
      if (programs.some((program) => PRIVILEGED.has(program))) {
        return {
          ok: false,
          output:
            'Duck runs privileged commands only as one plain `sudo <command>`, with the password asked for in its own sheet.',
          exit_code: null
        }
      }
      const status = await sandbox.status()
      const grant = ctx.grant ?? { by: 'policy' as const, actionType: 'unknown' as const, outsideWorkspace: [] }
      if (!status.available) {
        if (grant.by !== 'person') {
          return {
            ok: false,
            output: `Not run: ${status.reason ?? 'no sandbox is available'}.`,
            exit_code: null,
            sandbox: 'none'
          }
        }
        const result = processResult(await runCommand(shellArgv(args.command), runOptions))
        return {
          ...result,
          sandbox: 'none',
          output: `${result.output}\n[ran without a sandbox: ${status.reason}]`.trimStart()
        }
      }
      const profile: SandboxGrant =
        grant.by === 'person'
          ? {
              profile: 'workspace_write',
              network: grant.actionType === 'network',
              writablePaths: grant.outsideWorkspace
            }
          : { profile: 'read_only', network: false, writablePaths: [] }
      const wrapped = sandbox.wrap({
        argv: shellArgv(args.command),
        workspace: ctx.workspace,
        grant: profile,
        env: childEnv()
      })
      const raw = await runCommand(wrapped.argv, {
        ...runOptions,
        env: wrapped.env,
        maxProcesses: SANDBOX_MAX_PROCESSES
      })
      // bwrap's own failure (before the command started) is its exit 1 with a "bwrap:" line.
      if (raw.exitCode === 1 && /^bwrap: /.test(raw.output)) {
        return {
          ok: false,
          output: `Not run: Duck could not set up the sandbox for this command (${raw.output.trim().split('\n')[0]}).`,
          exit_code: null,
          sandbox: profile.profile
        }
      }
      return { ...processResult(raw), sandbox: profile.profile }
    }
  }
}

export class ToolRegistry {
  private readonly tools = new Map<string, Tool>()
  private readonly extra: ToolOptions['extraTools']

  constructor(options: ToolOptions = {}) {
    for (const tool of [fileRead, listDir, fileWrite, fileEdit, shellTool(options)] as unknown as Tool[]) {
      this.tools.set(tool.name, tool)
    }
    this.extra = options.extraTools
  }

  get(name: string): Tool | undefined {
    return this.tools.get(name) ?? this.extra?.find(name)
  }

  list(): Tool[] {
    return [...this.tools.values(), ...(this.extra?.list() ?? [])]
  }
}
