/**
 * What Duck would start for a server entry, worked out before anything starts: the resolved
 * program path, arguments, working folder and the names (never the values) of its variables,
 * and the fingerprint of that, which the person confirms.
 */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs'
import { delimiter, isAbsolute, join, resolve } from 'node:path'
import type { McpServerEntry } from './config'

export interface Launch {
  transport: 'stdio' | 'http'
  /** stdio: the command as written, and where it was found (null: not found). */
  command: string | null
  program: string | null
  args: string[]
  cwd: string | null
  env_names: string[]
  /** http: the URL and the names of its headers. */
  url: string | null
  header_names: string[]
  /** Why it cannot start as written (the program is not found, the folder does not exist). */
  problem: string | null
}

let loginPath: Promise<string | null> | null = null

/**
 * The login shell's PATH, read once (with a timeout), so `npx` / `uvx` servers start from a
 * GUI app whose own PATH is the bare system one. Null where there is none or it did not answer.
 */
export function loginShellPath(timeoutMs = 3000): Promise<string | null> {
  if (process.platform === 'win32') return Promise.resolve(null)
  loginPath ??= new Promise((done) => {
    const shell = process.env.SHELL && isAbsolute(process.env.SHELL) ? process.env.SHELL : '/bin/sh'
    const marker = '__DUCK_PATH__'
    execFile(
      shell,
      ['-ilc', `printf '${marker}%s${marker}' "$PATH"`],
      {
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        env: { HOME: process.env.HOME ?? '', USER: process.env.USER ?? '' }
      },
      (_error, stdout) => {
        const match = new RegExp(`${marker}(.*?)${marker}`, 's').exec(String(stdout ?? ''))
        done(match?.[1]?.trim() || null)
      }
    ).stdin?.end()
  })
  return loginPath
}

/** Duck's own PATH, then the login shell's entries it lacks. */
export function mergePath(own: string | undefined, login: string | null): string {
  const seen = new Set<string>()
  const out: string[] = []
  for (const entry of [...(own ?? '').split(delimiter), ...(login ?? '').split(delimiter)]) {
    if (!entry || !isAbsolute(entry) || seen.has(entry)) continue
    seen.add(entry)
    out.push(entry)
  }
  return out.join(delimiter)
}

function executable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** The real path of the program `command` names, searched like a shell does; null if none. */
export function resolveProgram(command: string, cwd: string, path: string): string | null {
  const real = (p: string): string => {
    try {
      return realpathSync.native(p)
    } catch {
      return p
    }
  }
  if (command.includes('/')) {
    const candidate = isAbsolute(command) ? command : resolve(cwd, command)
    return executable(candidate) ? real(candidate) : null
  }
  for (const dir of path.split(delimiter)) {
    if (!dir) continue
    const candidate = join(dir, command)
    if (executable(candidate)) return real(candidate)
  }
  return null
}

export function describeLaunch(entry: McpServerEntry, path: string, defaultCwd: string): Launch {
  if (entry.url !== undefined) {
    return {
      transport: 'http',
      command: null,
      program: null,
      args: [],
      cwd: null,
      env_names: [],
      url: entry.url,
      header_names: Object.keys(entry.headers).sort(),
      problem: null
    }
  }
  const cwd = entry.cwd ? resolve(entry.cwd) : defaultCwd
  const command = entry.command ?? ''
  let problem: string | null = null
  if (entry.cwd && !(existsSync(cwd) && statSync(cwd).isDirectory())) problem = `its folder ${cwd} does not exist`
  const program = resolveProgram(command, cwd, path)
  if (!program) {
    problem ??= command.includes('/')
      ? `the program ${command} does not exist or is not executable`
      : `the program "${command}" was not found on PATH (${path || 'empty'})`
  }
  return {
    transport: 'stdio',
    command,
    program,
    args: entry.args,
    cwd,
    env_names: Object.keys(entry.env).sort(),
    url: null,
    header_names: [],
    problem
  }
}

/** sha256 over what the person confirms: program path, args, cwd, variable names (or URL and header names). */
export function fingerprint(launch: Launch): string {
  const basis =
    launch.transport === 'http'
      ? ['http', launch.url, launch.header_names]
      : ['stdio', launch.program ?? `missing:${launch.command}`, launch.args, launch.cwd, launch.env_names]
  return createHash('sha256').update(JSON.stringify(basis)).digest('hex').slice(0, 32)
}

/** Loopback hosts a Streamable HTTP server may use without a warning. */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '')
    return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
  } catch {
    return false
  }
}
