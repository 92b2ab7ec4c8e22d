import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { resolveWorkerEntry, startChildEngineProcess, workerEnvironment } from './process'
import { parseReply, parseRequest } from './protocol'

describe('the engine protocol', () => {
  it.each([
    { type: 'init', id: 'r1', threads: 2, gpu: 'auto', memoryCapBytes: null },
    { type: 'inspect', id: 'r2', model: '/m.gguf' },
    { type: 'load', id: 'r3', model: '/m.gguf', contextSize: 4096 },
    {
      type: 'chat',
      id: 'r4',
      model: '/m.gguf',
      contextSize: 4096,
      messages: [{ role: 'user', content: 'hi' }],
      reasoning: 'off',
      maxTokens: 10,
      schema: { type: 'object' }
    },
    { type: 'cancel', id: 'r4' },
    { type: 'shutdown', id: 'r5' }
  ])('accepts a $type request', (request) => {
    expect(parseRequest(request)).toEqual({ ok: true, value: request })
  })

  it.each([
    [null, null, /invalid|expected/i],
    ['chat', null, /./],
    [
      { type: 'chat', id: 'r9', model: '/m.gguf', contextSize: 10, messages: [], reasoning: 'on' },
      'r9',
      /contextSize|messages/
    ],
    [
      {
        type: 'chat',
        id: 'r9',
        model: '/m.gguf',
        contextSize: 512,
        messages: [{ role: 'tool', content: 'x' }],
        reasoning: 'on'
      },
      'r9',
      /messages\.0\.role/
    ],
    [{ type: 'load', id: 'r8', model: '/m.gguf', contextSize: 512, extra: true }, 'r8', /extra|Unrecognized/i],
    [{ type: 'launch_missiles', id: 'r7' }, 'r7', /type/]
  ])('refuses %j (id %s)', (request, id, why) => {
    const parsed = parseRequest(request)
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) {
      expect(parsed.id).toBe(id)
      expect(parsed.error).toMatch(why)
    }
  })

  it('checks replies the same way', () => {
    expect(parseReply({ type: 'delta', id: 'r1', kind: 'content', text: 'a', tokens: 1 }).ok).toBe(true)
    expect(parseReply({ type: 'delta', id: 'r1', kind: 'content', text: '', tokens: 1 }).ok).toBe(false)
    expect(
      parseReply({
        type: 'done',
        id: 'r1',
        finishReason: 'maybe',
        truncated: false,
        stoppedBy: 'end',
        stats: { outputTokens: 1, promptTokens: 1, promptMs: 1, decodeMs: 1 },
        contextSize: 10
      })
    ).toMatchObject({ ok: false, id: 'r1', error: expect.stringMatching(/finishReason/) })
    expect(parseReply({ type: 'status', state: 'ready', model: null, error: null }).ok).toBe(true)
  })
})

describe('the worker process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'duck-worker-entry-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('is the built file beside the bundle, or one level up from a chunk, else the source with tsx', () => {
    mkdirSync(join(dir, 'chunks'))
    writeFileSync(join(dir, 'index.js'), '')
    expect(resolveWorkerEntry(pathToFileURL(join(dir, 'index.js')).href)).toBeNull()
    writeFileSync(join(dir, 'engine-worker.js'), '')
    expect(resolveWorkerEntry(pathToFileURL(join(dir, 'index.js')).href)).toEqual({
      path: join(dir, 'engine-worker.js'),
      execArgv: []
    })
    expect(resolveWorkerEntry(join(dir, 'chunks', 'service-abc.js'))?.path).toBe(join(dir, 'engine-worker.js'))
    // From source (this test): the TypeScript worker, run with tsx.
    expect(resolveWorkerEntry()).toEqual({
      path: join(import.meta.dirname, 'worker.ts'),
      execArgv: ['--import', 'tsx']
    })
  })

  it('gets no DUCK_* variables', () => {
    expect(workerEnvironment({ PATH: '/bin', DUCK_API_KEY: 'secret', duck_token: 'x', HOME: '/h' })).toEqual({
      PATH: '/bin',
      HOME: '/h'
    })
  })

  it('answers a request it cannot read with an error, and keeps working', async () => {
    const proc = startChildEngineProcess()
    const replies: Array<Record<string, unknown>> = []
    let wake: () => void = () => undefined
    proc.onMessage((message) => {
      replies.push(message as Record<string, unknown>)
      wake()
    })
    const exited = new Promise<number | null>((resolve) => proc.onExit((code) => resolve(code)))
    const waitFor = async (match: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> => {
      for (;;) {
        const found = replies.find(match)
        if (found !== undefined) return found
        await new Promise<void>((resolve) => {
          wake = resolve
        })
      }
    }
    try {
      await waitFor((m) => m['type'] === 'hello')
      proc.send({ type: 'chat', id: 'bad1', model: 42 })
      proc.send('not even an object')
      expect(await waitFor((m) => m['id'] === 'bad1')).toMatchObject({
        type: 'error',
        code: 'bad_request',
        message: expect.stringMatching(/could not read/)
      })
      expect(await waitFor((m) => m['type'] === 'error' && m['id'] === null)).toMatchObject({ code: 'bad_request' })
      // Still alive: a chat before init is refused by name, and shutdown says goodbye.
      proc.send({ type: 'inspect', id: 'r1', model: '/m.gguf' })
      expect(await waitFor((m) => m['id'] === 'r1')).toMatchObject({
        type: 'error',
        message: expect.stringMatching(/not initialised/)
      })
      proc.send({ type: 'shutdown', id: 'r2' })
      expect(await waitFor((m) => m['type'] === 'bye')).toEqual({ type: 'bye', id: 'r2' })
      expect(await exited).toBe(0)
    } finally {
      proc.kill()
    }
  })
})
