import { basename } from 'node:path'
import { z } from 'zod'
import { parseCommand } from '../policy/bash-parser'
import { assessPathAccess, confinePath } from '../policy/paths'
import { assessShellCommand } from '../policy/shell-policy'
import { readWorkspaceFile } from './file-read'
import { listDirectory } from './list-dir'
import { runShellCommand, runSudo, type ProcessResult } from './process'
import type { Tool, ToolResult } from './types'

const pathSchema = z.string().min(1, 'must not be empty').max(4096, 'is too long')

const FileReadArgs = z.strictObject({ path: pathSchema })
const ListDirArgs = z.strictObject({ path: pathSchema.default('.') })
const ShellArgs = z.strictObject({ command: z.string().trim().min(1, 'must not be empty').max(10_000, 'is too long') })

export interface ToolOptions {
  /** The sudo program (a full path where it is not on PATH). */
  sudoPath?: string
  shellTimeoutMs?: number
}

function processResult(result: ProcessResult): ToolResult {
  let output = result.output
  if (result.timedOut) output += '\n[stopped: the command ran past its time limit]'
  if (result.cancelled) output += '\n[stopped: the task was cancelled]'
  return { ok: result.exitCode === 0 && !result.timedOut && !result.cancelled, output, exit_code: result.exitCode }
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

const PRIVILEGED = new Set(['sudo', 'su', 'pkexec', 'doas'])

/** The sudo call in a command, when the whole command is one plain `sudo …`. */
async function sudoArgv(command: string): Promise<string[] | null> {
  const parsed = await parseCommand(command)
  if (!parsed.ok || parsed.parts.length !== 1) return null
  const argv = parsed.parts[0]?.argv ?? []
  return basename(argv[0] ?? '') === 'sudo' ? argv.slice(1) : null
}

function shellTool(options: ToolOptions): Tool<z.infer<typeof ShellArgs>> {
  return {
    name: 'shell_exec_safe',
    description:
      'Run a shell command in the workspace. Read-only commands run at once; anything else waits for the person. sudo asks for their password.',
    parameters: { command: 'string, one command line' },
    schema: ShellArgs,
    assess: (args, ctx) => assessShellCommand(args.command, undefined, ctx.workspace),
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
        return { ...processResult(result), password_rejected: result.passwordRejected }
      }
      if (programs.some((program) => PRIVILEGED.has(program))) {
        return {
          ok: false,
          output:
            'Duck runs privileged commands only as one plain `sudo <command>`, with the password asked for in its own sheet.',
          exit_code: null
        }
      }
      return processResult(await runShellCommand(args.command, runOptions))
    }
  }
}

export class ToolRegistry {
  private readonly tools = new Map<string, Tool>()

  constructor(options: ToolOptions = {}) {
    for (const tool of [fileRead, listDir, shellTool(options)] as unknown as Tool[]) this.tools.set(tool.name, tool)
  }

  get(name: string): Tool | undefined {
    return this.tools.get(name)
  }

  list(): Tool[] {
    return [...this.tools.values()]
  }
}
