import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { DuckApiError } from '../shared/api'
import type { DoneEvent, StreamEvent } from '../shared/events'
import { API_METHODS, IPC_EVENTS, wrapIpcApi, type TaskEventMessage } from '../shared/ipc'
import { createDesktopApi, SECRET_STORE_ARG } from './desktop-api'
import { createDuckApi } from './duck-api'
import { createStreamRouter, type IpcRendererLike } from './ipc-client'
import { createSheetApi } from './sheet-api'

type Answer = (channel: string, args: unknown[]) => Promise<unknown>

function fakeIpc(answer: Answer = async () => ({ ok: true, value: null })) {
  const listeners = new Map<string, ((event: unknown, ...args: unknown[]) => void)[]>()
  const calls: { channel: string; args: unknown[] }[] = []
  const ipc: IpcRendererLike & { calls: typeof calls; push(channel: string, payload: unknown): void; answer: Answer } =
    {
      calls,
      answer,
      invoke(channel, ...args) {
        calls.push({ channel, args })
        return ipc.answer(channel, args)
      },
      on(channel, listener) {
        listeners.set(channel, [...(listeners.get(channel) ?? []), listener])
      },
      push(channel, payload) {
        for (const listener of listeners.get(channel) ?? []) listener({ sender: 'the ipcRenderer event' }, payload)
      }
    }
  return ipc
}

/** "group.method" for every function in an exposed object. */
function methodsOf(api: object): string[] {
  return Object.entries(api).flatMap(([group, value]) =>
    Object.entries(value as object).map(([name, fn]) => {
      expect(typeof fn, `${group}.${name}`).toBe('function')
      return `${group}.${name}`
    })
  )
}

const ids = { task_id: 'task_1', conversation_id: 'conv_1' }
const event = (seq: number, delta: string): StreamEvent => ({ ...ids, seq, type: 'content_delta', delta })
const done = (seq: number): DoneEvent => ({
  ...ids,
  seq,
  type: 'done',
  status: 'completed',
  generation_stats: {
    truncated: false,
    output_tokens: 1,
    ttft_ms: 1,
    duration_ms: 1,
    min_tokens_per_second: null,
    avg_tokens_per_second: null,
    max_tokens_per_second: null
  }
})
const push = (ipc: ReturnType<typeof fakeIpc>, streamId: string | null, e: StreamEvent): void => {
  const message: TaskEventMessage = { stream_id: streamId, event: e }
  ipc.push(IPC_EVENTS.taskEvent, message)
}

afterEach(() => {
  vi.useRealTimers()
})

describe('window.duck (createDuckApi)', () => {
  it('is exactly DuckApi: every method, grouped by domain, and nothing else', () => {
    const duck = createDuckApi(fakeIpc())
    expect(methodsOf(duck).sort()).toEqual([...API_METHODS].sort())
    expect(Object.keys(duck).sort()).toEqual([
      'approvals',
      'audit',
      'chat',
      'conversations',
      'engine',
      'mcp',
      'memory',
      'settings',
      'skills',
      'system',
      'tasks'
    ])
  })

  it('calls the method channel with the arguments and unwraps the envelope', async () => {
    const ipc = fakeIpc(async (channel) =>
      channel === 'duck:tasks.get' ? { ok: true, value: { task_id: 'task_1' } } : { ok: true }
    )
    const duck = createDuckApi(ipc)
    await expect(duck.tasks.get('task_1')).resolves.toEqual({ task_id: 'task_1' })
    await duck.approvals.decide('appr_1', 'deny')
    await duck.conversations.rename('conv_1', 'New title')
    await duck.conversations.get('conv_1')
    await duck.conversations.get('conv_1', { limit: 50, include: 'events' })
    expect(ipc.calls).toEqual([
      { channel: 'duck:tasks.get', args: ['task_1'] },
      { channel: 'duck:approvals.decide', args: ['appr_1', 'deny'] },
      { channel: 'duck:conversations.rename', args: ['conv_1', 'New title'] },
      { channel: 'duck:conversations.get', args: ['conv_1'] },
      { channel: 'duck:conversations.get', args: ['conv_1', { limit: 50, include: 'events' }] }
    ])
  })

  it('rejects with a plain {name, code, message}, which survives the context bridge', async () => {
    const ipc = fakeIpc(async () => ({ ok: false, error: { code: 'conflict', message: 'Task is already running.' } }))
    await expect(createDuckApi(ipc).tasks.cancel('task_1')).rejects.toEqual({
      name: 'DuckApiError',
      code: 'conflict',
      message: 'Task is already running.'
    })
    ipc.answer = async () => {
      throw new Error('no handler registered')
    }
    await expect(createDuckApi(ipc).system.health()).rejects.toMatchObject({ code: 'internal' })
  })

  it('streams: forwards its events, resolves on the pushed done even before the call answers', async () => {
    let answer: (value: unknown) => void = () => undefined
    const ipc = fakeIpc(() => new Promise((resolve) => (answer = resolve)))
    const duck = createDuckApi(ipc)
    const seen: StreamEvent[] = []
    const sent = duck.chat.send({ message: 'hi', workspace: '/w' }, (e) => seen.push(e))
    const [call] = ipc.calls
    expect(call?.channel).toBe('duck:chat.send')
    const streamId = call?.args[1] as string
    expect(call?.args[0]).toEqual({ message: 'hi', workspace: '/w' })
    push(ipc, streamId, event(1, 'Hel'))
    push(ipc, 'someone-else', event(1, 'not mine'))
    push(ipc, streamId, event(2, 'lo'))
    push(ipc, streamId, done(3))
    await expect(sent).resolves.toEqual(done(3))
    expect(seen).toEqual([event(1, 'Hel'), event(2, 'lo'), done(3)])
    answer({ ok: true, value: done(3) })
    push(ipc, streamId, event(4, 'late'))
    expect(seen).toHaveLength(3)
  })

  it('streams: when the call answers first, waits for the pushed events up to done', async () => {
    const ipc = fakeIpc(async () => ({ ok: true, value: done(3) }))
    const duck = createDuckApi(ipc)
    const seen: number[] = []
    const sent = duck.tasks.continue('task_1', { approval_id: 'appr_1' }, (e) => seen.push(e.seq))
    await Promise.resolve()
    const streamId = ipc.calls[0]?.args[2] as string
    expect(ipc.calls[0]?.args.slice(0, 2)).toEqual(['task_1', { approval_id: 'appr_1' }])
    push(ipc, streamId, event(1, 'a'))
    push(ipc, streamId, done(3))
    await expect(sent).resolves.toEqual(done(3))
    expect(seen).toEqual([1, 3])
  })

  it('streams: falls back to the answer when the pushed done never comes', async () => {
    vi.useFakeTimers()
    const ipc = fakeIpc(async () => ({ ok: true, value: done(2) }))
    const seen: number[] = []
    const sent = createDuckApi(ipc).tasks.password('task_1', { approval_id: 'a', password: 'pw' }, (e) =>
      seen.push(e.seq)
    )
    await vi.advanceTimersByTimeAsync(6000)
    await expect(sent).resolves.toEqual(done(2))
    expect(seen).toEqual([2])
  })

  it('streams: a failed start rejects, an abort rejects with AbortError', async () => {
    const ipc = fakeIpc(async () => ({
      ok: false,
      error: { code: 'invalid_input', message: 'message: must not be empty' }
    }))
    await expect(createDuckApi(ipc).chat.send({ message: '', workspace: '/w' }, () => undefined)).rejects.toMatchObject(
      { code: 'invalid_input' }
    )
    const pending = fakeIpc(() => new Promise(() => undefined))
    const controller = new AbortController()
    const sent = createDuckApi(pending).chat.send({ message: 'x', workspace: '/w' }, () => undefined, {
      signal: controller.signal
    })
    controller.abort()
    await expect(sent).rejects.toMatchObject({ name: 'AbortError' })
  })
})

describe('window.duckDesktop (createDesktopApi)', () => {
  const make = (ipc = fakeIpc(), argv = [`${SECRET_STORE_ARG}keychain`]) => {
    const streams = createStreamRouter(ipc)
    return {
      ipc,
      streams,
      duck: createDuckApi(ipc, streams),
      desktop: createDesktopApi(ipc, streams, { argv, platform: 'linux' })
    }
  }

  it('exposes its facts and desktop methods only', () => {
    const { desktop } = make()
    expect(Object.keys(desktop).sort()).toEqual([
      'nativePasswordSheet',
      'onCommand',
      'onPasswordSheet',
      'onTaskEvent',
      'openConversation',
      'openPasswordSheet',
      'pickFolder',
      'platform',
      'quickAskShortcut',
      'secretStore',
      'setQuickAskShortcut'
    ])
    expect(desktop.nativePasswordSheet).toBe(true)
    expect(desktop.secretStore).toEqual({ kind: 'keychain', persistent: true })
    expect(make(fakeIpc(), []).desktop.secretStore).toEqual({ kind: 'session', persistent: false })
    expect(make(fakeIpc(), [`${SECRET_STORE_ARG}memory`]).desktop.secretStore).toEqual({
      kind: 'memory',
      persistent: false
    })
  })

  it('delivers events of streams this page did not start (the sheet, a reload) to onTaskEvent', async () => {
    const { ipc, desktop, duck } = make(fakeIpc(async () => ({ ok: true, value: done(2) })))
    const foreign: number[] = []
    const off = desktop.onTaskEvent((e) => foreign.push(e.seq))
    push(ipc, null, event(5, 'from the sheet'))
    push(ipc, 's_from_before_reload', event(6, 'old stream'))
    const own = duck.chat.send({ message: 'x', workspace: '/w' }, () => undefined)
    await Promise.resolve()
    const streamId = ipc.calls[0]?.args[1] as string
    push(ipc, streamId, done(2))
    await own
    push(ipc, streamId, event(7, 'late, of a finished own stream'))
    off()
    push(ipc, null, event(8, 'after unsubscribe'))
    expect(foreign).toEqual([5, 6])
  })

  it('passes on valid commands and sheet notices only', () => {
    const { ipc, desktop } = make()
    const commands: unknown[] = []
    const notices: unknown[] = []
    desktop.onCommand((c) => commands.push(c))
    const off = desktop.onPasswordSheet((n) => notices.push(n))
    ipc.push(IPC_EVENTS.command, { type: 'open-conversation', conversation_id: 'conv_1' })
    ipc.push(IPC_EVENTS.command, { type: 'rm -rf' })
    ipc.push(IPC_EVENTS.passwordSheet, { task_id: 'task_1', approval_id: 'a', open: true })
    off()
    ipc.push(IPC_EVENTS.passwordSheet, { task_id: 'task_1', approval_id: 'a', open: false })
    expect(commands).toEqual([{ type: 'open-conversation', conversation_id: 'conv_1' }])
    expect(notices).toEqual([{ task_id: 'task_1', approval_id: 'a', open: true }])
  })
})

describe('window.duckSheet (createSheetApi)', () => {
  it('can only read its view, submit a password or cancel', async () => {
    const ipc = fakeIpc(async () => ({ ok: true }))
    const sheet = createSheetApi(ipc)
    expect(Object.keys(sheet).sort()).toEqual(['cancel', 'onView', 'submit', 'view'])
    await sheet.submit('hunter2')
    await sheet.cancel()
    await expect(sheet.submit(42 as unknown as string)).rejects.toMatchObject({ code: 'invalid_input' })
    expect(ipc.calls).toEqual([
      { channel: 'duck:sheet.submit', args: ['hunter2'] },
      { channel: 'duck:sheet.cancel', args: [] }
    ])
  })
})

describe('wrapIpcApi (the page side of window.duck)', () => {
  it('turns rejections back into DuckApiErrors and honours a stream signal on the page side', async () => {
    const ipc = fakeIpc(async (channel) =>
      channel === 'duck:tasks.get'
        ? { ok: false, error: { code: 'not_found', message: 'No task x.' } }
        : new Promise(() => undefined)
    )
    const api = wrapIpcApi(createDuckApi(ipc))
    const error = await api.tasks.get('x').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DuckApiError)
    expect(error).toMatchObject({ code: 'not_found', message: 'No task x.', status: 404 })

    const seen: StreamEvent[] = []
    const controller = new AbortController()
    const sent = api.tasks.continue('task_1', { approval_id: 'a' }, (e) => seen.push(e), { signal: controller.signal })
    await Promise.resolve()
    const streamId = ipc.calls.at(-1)?.args[2] as string
    push(ipc, streamId, event(1, 'before'))
    controller.abort()
    push(ipc, streamId, event(2, 'after'))
    await expect(sent).rejects.toMatchObject({ name: 'AbortError' })
    expect(seen.map((e) => e.seq)).toEqual([1])
  })
})

describe('the built preloads', () => {
  it('require nothing but electron (a sandboxed preload cannot load anything else)', (ctx) => {
    const dir = join(process.cwd(), 'out', 'preload')
    if (!existsSync(join(dir, 'index.cjs'))) ctx.skip('out/preload is not built (npm run build)')
    for (const file of ['index.cjs', 'password-sheet.cjs']) {
      const code = readFileSync(join(dir, file), 'utf8')
      const required = [...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1])
      expect(new Set(required), file).toEqual(new Set(['electron']))
      expect(code, file).not.toMatch(/process\.env/)
    }
  })
})
