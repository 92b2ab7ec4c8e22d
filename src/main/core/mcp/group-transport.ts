/**
 * A stdio transport that owns its server's process group. The SDK's StdioClientTransport
 * signals only its direct child, so a server started through a wrapper (`npx`, a shell
 * script, bwrap) leaves the real server running after `close()` (typescript-sdk #2023). This
 * one spawns the server detached (its own process group) and kills the whole group — SIGTERM,
 * then SIGKILL after a grace — on close and when the direct child exits.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'

export interface GroupTransportOptions {
  argv: string[]
  env: Record<string, string>
  cwd: string
  /** Every chunk the server writes to stderr. */
  onStderr(text: string): void
  /** Lines on stdout that are not JSON-RPC (reported, then skipped). */
  onGarbage(line: string): void
  /** Delay between SIGTERM and SIGKILL (default 1 500 ms). */
  killGraceMs?: number
  /** A single message larger than this closes the connection (default 8 MiB). */
  maxMessageBytes?: number
}

/** Every group a transport started and has not seen empty yet: killed when Duck's process exits. */
const liveGroups = new Set<number>()
let exitHookInstalled = false

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.on('exit', () => {
    for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL')
  })
}

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal)
    return true
  } catch {
    return false
  }
}

/** True while any process of the group is alive. */
export function groupAlive(pgid: number): boolean {
  return signalGroup(pgid, 0)
}

export class ProcessGroupTransport implements Transport {
  onclose?: () => void
  onerror?: (error: Error) => void
  onmessage?: (message: JSONRPCMessage) => void

  private child: ChildProcess | null = null
  private readonly buffer: ReadBuffer
  private closed = false
  private closing: Promise<void> | null = null
  /** How the direct child ended: for the connection's error message. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | null = null

  constructor(private readonly options: GroupTransportOptions) {
    this.buffer = new ReadBuffer({ maxBufferSize: options.maxMessageBytes ?? 8 * 1024 * 1024 })
  }

  get pid(): number | null {
    return this.child?.pid ?? null
  }

  start(): Promise<void> {
    if (this.child) throw new Error('ProcessGroupTransport already started')
    installExitHook()
    const [program, ...args] = this.options.argv
    return new Promise((resolve, reject) => {
      const child = spawn(program ?? '', args, {
        cwd: this.options.cwd,
        env: this.options.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
        windowsHide: true
      })
      this.child = child
      child.once('error', (error) => {
        reject(error)
        this.onerror?.(error)
        void this.close()
      })
      child.once('spawn', () => {
        if (child.pid) liveGroups.add(child.pid)
        resolve()
      })
      child.once('exit', (code, signal) => {
        this.exit = { code, signal }
        // Its last output first (bounded: a leftover process may hold the pipes), then
        // anything the server left behind in its group goes with it.
        const drained = new Promise<void>((done) => {
          child.once('close', () => done())
          setTimeout(done, 300).unref()
        })
        void drained.then(() => this.close())
      })
      child.stdin?.on('error', (error) => this.onerror?.(error))
      child.stdout?.on('data', (chunk: Buffer) => this.read(chunk))
      child.stdout?.on('error', (error) => this.onerror?.(error))
      child.stderr?.setEncoding('utf8')
      child.stderr?.on('data', (text: string) => this.options.onStderr(text))
    })
  }

  private read(chunk: Buffer): void {
    try {
      this.buffer.append(chunk)
    } catch (error) {
      this.onerror?.(error as Error)
      void this.close()
      return
    }
    for (;;) {
      let message: JSONRPCMessage | null
      try {
        message = this.buffer.readMessage()
      } catch (error) {
        // The line is consumed already: report it and go on with the next one.
        this.options.onGarbage(error instanceof Error ? error.message : String(error))
        continue
      }
      if (message === null) break
      this.onmessage?.(message)
    }
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin
    if (!stdin || this.closed) return Promise.reject(new Error('the server is not running'))
    return new Promise((resolve) => {
      if (stdin.write(serializeMessage(message))) resolve()
      else stdin.once('drain', resolve)
    })
  }

  /** Kills the whole process group and waits (bounded) until it is empty. */
  close(): Promise<void> {
    this.closing ??= this.kill()
    return this.closing
  }

  private async kill(): Promise<void> {
    const child = this.child
    const pgid = child?.pid
    if (child && pgid) {
      child.stdin?.end()
      signalGroup(pgid, 'SIGTERM')
      const grace = this.options.killGraceMs ?? 1500
      const deadline = Date.now() + grace
      while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25))
      if (groupAlive(pgid)) {
        signalGroup(pgid, 'SIGKILL')
        const hard = Date.now() + 1000
        while (groupAlive(pgid) && Date.now() < hard) await new Promise((r) => setTimeout(r, 10))
      }
      liveGroups.delete(pgid)
      child.stdout?.destroy()
      child.stderr?.destroy()
    }
    this.buffer.clear()
    if (!this.closed) {
      this.closed = true
      this.onclose?.()
    }
  }
}
