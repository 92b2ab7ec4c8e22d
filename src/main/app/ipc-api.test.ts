import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DoneEvent, StreamEvent } from '../../shared/events'
import { API_METHODS, IPC_EVENTS, type IpcResult, type TaskEventMessage } from '../../shared/ipc'
import { directive, MODELS } from '../../../test/support/harness'
import type { CallContext } from './ipc'
import { createApiHandlers, type ServicePort } from './ipc-api'
import { startShell, type ShellUnderTest } from './testing/duck'
import { fakeSender, MAIN_URL } from './testing/fakes'

describe('the DuckApi handler table', () => {
  it('has exactly one handler per DuckApi method', () => {
    const table = createApiHandlers({ service: {} as ServicePort, streamTo: () => () => undefined })
    expect(Object.keys(table).sort()).toEqual([...API_METHODS].sort())
  })

  it('takes a password from the page only where there is no native password sheet', async () => {
    const submitted: unknown[] = []
    const service = {
      checkStreamable: () => undefined,
      submitPassword: async (taskId: unknown) => void submitted.push(taskId)
    } as unknown as ServicePort
    const ctx = { page: 'main', sender: fakeSender(1, MAIN_URL) } as CallContext
    const request = { approval_id: 'appr_1', password: 'pw' }
    const plain = createApiHandlers({ service, streamTo: () => () => undefined })
    await plain['tasks.password'](ctx, 'task_1', request, 's1')
    expect(submitted).toEqual(['task_1'])
    const desktop = createApiHandlers({ service, streamTo: () => () => undefined, passwordSheet: true })
    expect(() => desktop['tasks.password'](ctx, 'task_1', request, 's1')).toThrow(
      'In the desktop app the password goes through its own sheet.'
    )
    expect(submitted).toEqual(['task_1'])
  })
})

describe('DuckApi over IPC, against a real DuckService', () => {
  let shell: ShellUnderTest

  beforeAll(async () => {
    shell = await startShell()
  })
  afterAll(async () => {
    await shell.stop()
  })

  const taskEvents = (messages: { channel: string; payload: unknown }[]): TaskEventMessage[] =>
    messages.filter((m) => m.channel === IPC_EVENTS.taskEvent).map((m) => m.payload as TaskEventMessage)

  it('answers health in the envelope', async () => {
    expect(await shell.call(shell.main, 'system.health')).toEqual({
      ok: true,
      value: expect.objectContaining({ status: 'ok' })
    })
  })

  it('rejects a malformed payload with the schema message, before anything runs', async () => {
    const workspace = shell.h.workspace()
    expect(await shell.call(shell.main, 'chat.send', { message: '', workspace }, 's1')).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: 'message: must not be empty' }
    })
    expect(await shell.call(shell.main, 'chat.send', { message: 'hi', workspace, extra: true }, 's1')).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' }
    })
    expect(await shell.call(shell.main, 'chat.send', { message: 'hi', workspace })).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: 'stream: the call carried no valid stream id.' }
    })
    expect(await shell.call(shell.main, 'approvals.decide', 'appr_1', 'allow_forever')).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' }
    })
    expect(await shell.call(shell.main, 'conversations.rename', 'conv_x', 42)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' }
    })
    expect(await shell.call(shell.main, 'tasks.get', '../../etc')).toMatchObject({
      ok: false,
      error: { code: 'not_found' }
    })
    expect(await shell.call(shell.main, 'settings.update', { model_base_url: 'ftp://x' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' }
    })
  })

  it('refuses a foreign sender without starting a task', async () => {
    const foreign = fakeSender(1, 'https://evil.example/index.html')
    const result = await shell.call(foreign, 'chat.send', { message: 'hi', workspace: shell.h.workspace() }, 's1')
    expect(result).toEqual({ ok: false, error: { code: 'forbidden', message: 'This window may not call Duck.' } })
    const unknownWindow = fakeSender(77, MAIN_URL)
    expect(await shell.call(unknownWindow, 'settings.get')).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await shell.call(shell.main, 'conversations.list')).toEqual({ ok: true, value: [] })
  })

  it('streams a task to the calling window with its stream id and answers with the done event', async () => {
    shell.h.fake.script(MODELS.action, { content: directive([], 'none') })
    shell.h.fake.script(MODELS.thinker, { chunks: [{ content: 'Hello ' }, { content: 'there.' }] })
    shell.main.sent.length = 0
    const result = (await shell.call(
      shell.main,
      'chat.send',
      { message: 'say hello', workspace: shell.h.workspace() },
      'stream_a1'
    )) as IpcResult<DoneEvent>
    expect(result).toMatchObject({ ok: true, value: { type: 'done', status: 'completed' } })
    const pushed = taskEvents(shell.main.sent)
    expect(pushed.length).toBeGreaterThan(2)
    expect(pushed.every((m) => m.stream_id === 'stream_a1')).toBe(true)
    const events: StreamEvent[] = pushed.map((m) => m.event)
    const taskId = events[0]?.task_id
    expect(events.every((e) => e.task_id === taskId && typeof e.seq === 'number')).toBe(true)
    expect(events.map((e) => e.seq)).toEqual([...events.map((e) => e.seq)].sort((a, b) => a - b))
    expect(events.at(-1)).toEqual(result.ok ? result.value : null)
    expect(
      events
        .filter((e) => e.type === 'content_delta')
        .map((e) => (e.type === 'content_delta' ? e.delta : ''))
        .join('')
    ).toBe('Hello there.')
    // A reloaded window re-reads the task from its log.
    const log = (await shell.call(shell.main, 'tasks.events', taskId)) as IpcResult<{ event_type: string }[]>
    expect(log.ok && log.value.at(-1)?.event_type).toBe('done')
    expect(shell.quickAsk.sent).toEqual([])
  })

  it('refuses a password from the main and quick-ask pages: only the native sheet submits one', async () => {
    for (const page of [shell.main, shell.quickAsk]) {
      const result = await shell.call(page, 'tasks.password', 'task_1', { approval_id: 'appr_1', password: 'pw' }, 'p1')
      expect(result).toEqual({
        ok: false,
        error: { code: 'forbidden', message: 'In the desktop app the password goes through its own sheet.' }
      })
    }
  })

  it('passes the rename title on as the service expects it', async () => {
    const list = (await shell.call(shell.main, 'conversations.list')) as IpcResult<{ conversation_id: string }[]>
    const id = list.ok ? list.value[0]?.conversation_id : undefined
    expect(await shell.call(shell.main, 'conversations.rename', id, 'Greetings')).toMatchObject({
      ok: true,
      value: { title: 'Greetings' }
    })
  })

  it("pages a conversation with its tasks' events, and checks the page the same way HTTP does", async () => {
    const list = (await shell.call(shell.main, 'conversations.list')) as IpcResult<{ conversation_id: string }[]>
    const id = list.ok ? list.value[0]?.conversation_id : undefined
    const whole = (await shell.call(shell.main, 'conversations.get', id)) as IpcResult<Record<string, unknown>>
    expect(whole.ok && Object.keys(whole.value).sort()).toEqual(['conversation_id', 'messages', 'title', 'workspace'])
    const page = (await shell.call(shell.main, 'conversations.get', id, { limit: 1, include: 'events' })) as IpcResult<{
      messages: { role: string; task_id: string }[]
      has_more: boolean
      next_before: string
      task_events: Record<string, { event_type: string }[]>
    }>
    expect(page.ok).toBe(true)
    if (!page.ok) return
    expect(page.value.messages.map((m) => m.role)).toEqual(['assistant'])
    expect(page.value.has_more).toBe(true)
    const taskId = page.value.messages[0]?.task_id as string
    expect(page.value.task_events[taskId]?.at(-1)?.event_type).toBe('done')
    const older = (await shell.call(shell.main, 'conversations.get', id, {
      before: page.value.next_before
    })) as IpcResult<{
      messages: { role: string }[]
      has_more: boolean
    }>
    expect(older).toMatchObject({ ok: true, value: { messages: [{ role: 'user' }], has_more: false } })
    for (const bad of [{ limit: 0 }, { limit: 'ten' }, { before: '../x' }, { include: 'everything' }, { offset: 5 }]) {
      expect(await shell.call(shell.main, 'conversations.get', id, bad)).toMatchObject({
        ok: false,
        error: { code: 'invalid_input' }
      })
    }
    expect(await shell.call(shell.main, 'conversations.get', id, { before: 'msg_elsewhere' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringContaining('before: no message msg_elsewhere') }
    })
  })

  it('lets quick ask start no task while paused', async () => {
    shell.paused.value = true
    const result = await shell.call(
      shell.quickAsk,
      'chat.send',
      { message: 'hi', workspace: shell.h.workspace() },
      'q1'
    )
    shell.paused.value = false
    expect(result).toMatchObject({ ok: false })
  })

  it('reaches memory, lessons and skills through the same service', async () => {
    expect(await shell.call(shell.main, 'memory.list', {})).toEqual({ ok: true, value: { results: [] } })
    expect(await shell.call(shell.main, 'memory.experience', { limit: 5 })).toEqual({ ok: true, value: [] })
    expect(await shell.call(shell.main, 'memory.delete', 'mem_missing')).toMatchObject({
      ok: false,
      error: { code: 'not_found' }
    })
    expect(await shell.call(shell.main, 'memory.list', { limit: 'lots' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' }
    })
    expect(await shell.call(shell.main, 'skills.list')).toMatchObject({ ok: true, value: expect.any(Array) })
  })
})
