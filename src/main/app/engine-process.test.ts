import { fork } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { PassThrough } from 'node:stream'
import type { ForkOptions } from 'electron'
import { afterAll, describe, expect, it } from 'vitest'
import { BuiltinEngine } from '../core/engine/builtin-engine'
import { isModelError } from '../core/model/errors'
import { startUtilityEngineProcess, utilityEngineProcessFactory, type UtilityChild } from './engine-process'

class FakeChild extends EventEmitter {
  readonly stdout = new PassThrough()
  readonly stderr = new PassThrough()
  readonly posted: unknown[] = []
  kills = 0
  postMessage(message: unknown): void {
    this.posted.push(message)
  }
  kill(): boolean {
    this.kills += 1
    return true
  }
}

function fakeUtility(): {
  forks: Array<{ path: string; options: ForkOptions | undefined }>
  child: FakeChild
  fork: (path: string, args?: string[], options?: ForkOptions) => UtilityChild
} {
  const child = new FakeChild()
  const forks: Array<{ path: string; options: ForkOptions | undefined }> = []
  return {
    forks,
    child,
    fork: (path, _args, options) => {
      forks.push({ path, options })
      return child as unknown as UtilityChild
    }
  }
}

describe('the utility process adapter', () => {
  it('forks the worker without DUCK_* variables and passes messages both ways', () => {
    const fake = fakeUtility()
    const lines: string[] = []
    const proc = startUtilityEngineProcess({
      utilityProcess: fake,
      workerPath: '/app/out/main/engine-worker.js',
      env: { PATH: '/bin', HOME: '/home/u' },
      onOutput: (line) => lines.push(line)
    })
    expect(fake.forks).toHaveLength(1)
    expect(fake.forks[0]?.path).toBe('/app/out/main/engine-worker.js')
    expect(fake.forks[0]?.options).toMatchObject({ stdio: 'pipe', env: { PATH: '/bin', HOME: '/home/u' } })

    proc.send({ type: 'init', id: 'r1' })
    expect(fake.child.posted).toEqual([{ type: 'init', id: 'r1' }])

    const received: unknown[] = []
    proc.onMessage((message) => received.push(message))
    fake.child.emit('message', { type: 'hello', pid: 1, host: 'utility' })
    expect(received).toEqual([{ type: 'hello', pid: 1, host: 'utility' }])

    fake.child.stderr.write('first line\nsecond ')
    fake.child.stderr.write('line\n')
    expect(lines).toEqual(['first line', 'second line'])
  })

  it('reports the exit once, refuses to send after it, and kills only a running process', () => {
    const fake = fakeUtility()
    const proc = startUtilityEngineProcess({ utilityProcess: fake, workerPath: '/w.js', env: {} })
    const exits: Array<[number | null, string | null | undefined]> = []
    proc.onExit((code, signal) => exits.push([code, signal]))
    proc.kill()
    expect(fake.child.kills).toBe(1)
    fake.child.emit('exit', 9)
    fake.child.emit('exit', 9)
    expect(exits).toEqual([[9, null]])
    // A late listener still hears about it.
    proc.onExit((code) => exits.push([code, 'late']))
    expect(exits[1]).toEqual([9, 'late'])
    expect(() => proc.send({ type: 'x' })).toThrow(/not running/)
    proc.kill()
    expect(fake.child.kills).toBe(1)
  })

  it('uses the default environment without DUCK_ variables', () => {
    const fake = fakeUtility()
    process.env['DUCK_TEST_SECRET'] = 'hunter2'
    try {
      startUtilityEngineProcess({ utilityProcess: fake, workerPath: '/w.js' })
    } finally {
      delete process.env['DUCK_TEST_SECRET']
    }
    const env = fake.forks[0]?.options?.env as Record<string, string>
    expect(env['DUCK_TEST_SECRET']).toBeUndefined()
    expect(env['PATH']).toBe(process.env['PATH'])
  })
})

describe('the real worker as a utility process', () => {
  // Electron is not needed to check the worker's utility-process side: a Node child gets a
  // `process.parentPort` shaped like Electron's (postMessage / on('message', e => e.data)).
  const dir = mkdtempSync(join(tmpdir(), 'duck-utility-'))
  const shim = join(dir, 'parent-port.mjs')
  writeFileSync(
    shim,
    [
      'const send = process.send.bind(process)',
      'process.parentPort = {',
      '  postMessage: (message) => send(message),',
      '  on: (event, listener) => process.on(event, (data) => listener({ data }))',
      '}',
      'process.send = undefined'
    ].join('\n')
  )
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const utilityProcess = {
    fork(modulePath: string, _args?: string[], options?: ForkOptions): UtilityChild {
      const child = fork(modulePath, [], {
        execArgv: ['--import', 'tsx', '--import', shim],
        env: options?.env as NodeJS.ProcessEnv,
        stdio: ['ignore', 'pipe', 'pipe', 'ipc']
      })
      const emitter = Object.assign(new EventEmitter(), {
        pid: child.pid,
        stdout: child.stdout,
        stderr: child.stderr,
        postMessage: (message: unknown) => child.send(message as object),
        kill: () => child.kill('SIGKILL')
      })
      child.on('message', (message) => emitter.emit('message', message))
      child.on('exit', (code) => emitter.emit('exit', code ?? -1))
      return emitter as unknown as UtilityChild
    }
  }

  it('starts over parentPort and answers with a clear error for a missing model', async () => {
    const missing = join(dir, 'nothing-here.gguf')
    const logs: string[] = []
    const engine = new BuiltinEngine({
      models: { action: missing, thinker: missing, memory_policy: missing, critic: missing },
      contextLength: 512,
      threads: 1,
      gpu: 'cpu',
      spawn: utilityEngineProcessFactory({
        utilityProcess,
        workerPath: resolve('src/main/core/engine/worker.ts')
      }),
      onLog: (_level, message) => logs.push(message)
    })
    try {
      const error = await engine.load('action').catch((e: unknown) => e)
      expect(isModelError(error, 'engine_load_failed')).toBe(true)
      expect((error as Error).message).toContain('does not exist')
      expect(engine.backend).toEqual({ gpu: null, threads: 1 })
      expect(logs.some((line) => /started \(utility process\)/.test(line))).toBe(true)
    } finally {
      await engine.close()
    }
  })
})
