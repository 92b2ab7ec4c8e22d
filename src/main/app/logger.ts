/**
 * A small rotating file logger for the main process: `<userData>/logs/duck.log`, rolled to
 * `duck.1.log`, `duck.2.log` at 1 MiB, three files at most. Everything is redacted first.
 */
import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { redactToString } from './redact'

export type LogLevel = 'info' | 'warn' | 'error'

export interface Logger {
  readonly dir: string
  info(message: string, ...details: unknown[]): void
  warn(message: string, ...details: unknown[]): void
  error(message: string, ...details: unknown[]): void
}

export interface LoggerOptions {
  dir: string
  maxBytes?: number
  files?: number
  now?: () => Date
}

export const LOG_FILE = 'duck.log'

export function logFileName(index: number): string {
  return index === 0 ? LOG_FILE : `duck.${index}.log`
}

export function createRotatingLogger(options: LoggerOptions): Logger {
  const maxBytes = options.maxBytes ?? 1024 * 1024
  const files = Math.max(1, options.files ?? 3)
  const now = options.now ?? (() => new Date())
  mkdirSync(options.dir, { recursive: true })
  const path = (index: number): string => join(options.dir, logFileName(index))
  let size = 0
  try {
    size = statSync(path(0)).size
  } catch {
    size = 0
  }

  function rotate(): void {
    rmSync(path(files - 1), { force: true })
    for (let i = files - 2; i >= 0; i--) {
      try {
        renameSync(path(i), path(i + 1))
      } catch {
        // that file did not exist yet
      }
    }
    size = 0
  }

  function write(level: LogLevel, message: string, details: unknown[]): void {
    const text = [message, ...details].map((part) => redactToString(part)).join(' ')
    let line = `${now().toISOString()} ${level.toUpperCase()} ${text}\n`
    if (Buffer.byteLength(line) > maxBytes) line = `${line.slice(0, Math.floor(maxBytes / 4))}…\n`
    const bytes = Buffer.byteLength(line)
    if (size > 0 && size + bytes > maxBytes) rotate()
    try {
      appendFileSync(path(0), line, { mode: 0o600 })
      size += bytes
    } catch {
      // A full disk must not take the app down; the console still has it.
    }
  }

  return {
    dir: options.dir,
    info: (message, ...details) => write('info', message, details),
    warn: (message, ...details) => write('warn', message, details),
    error: (message, ...details) => write('error', message, details)
  }
}

/** Copies console output of the main process into the log (redacted), keeping the console. */
export function captureConsole(
  logger: Logger,
  target: Pick<Console, 'log' | 'info' | 'warn' | 'error'> = console
): void {
  const levels: [keyof typeof target, LogLevel][] = [
    ['log', 'info'],
    ['info', 'info'],
    ['warn', 'warn'],
    ['error', 'error']
  ]
  for (const [method, level] of levels) {
    const original = target[method].bind(target)
    target[method] = (...args: unknown[]) => {
      original(...args)
      const [first, ...rest] = args
      logger[level](typeof first === 'string' ? first : redactToString(first), ...rest)
    }
  }
}
