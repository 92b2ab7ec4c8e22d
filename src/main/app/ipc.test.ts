import { describe, expect, it, vi } from 'vitest'
import { DuckApiError } from '../../shared/api'
import { invokeChannel } from '../../shared/ipc'
import { identifySender, registerHandlers } from './ipc'
import { eventFrom, fakeIpcMain, fakePolicy, fakeSender, MAIN_URL, QUICK_ASK_URL, SHEET_URL } from './testing/fakes'

const policy = fakePolicy({ 1: 'main', 2: 'quick-ask', 3: 'password-sheet' })

describe('identifySender', () => {
  it('names the page of a window kind showing its own page in its main frame', () => {
    expect(identifySender(eventFrom(fakeSender(1, MAIN_URL)), policy)?.page).toBe('main')
    expect(identifySender(eventFrom(fakeSender(1, `${MAIN_URL}?conversation=conv_1`)), policy)?.page).toBe('main')
    expect(identifySender(eventFrom(fakeSender(2, QUICK_ASK_URL)), policy)?.page).toBe('quick-ask')
    expect(identifySender(eventFrom(fakeSender(3, SHEET_URL)), policy)?.page).toBe('password-sheet')
  })

  it('refuses subframes, foreign pages, unknown webContents and a page in the wrong kind of window', () => {
    expect(identifySender(eventFrom(fakeSender(1, MAIN_URL), { subframeUrl: MAIN_URL }), policy)).toBeNull()
    expect(identifySender(eventFrom(fakeSender(1, 'https://evil.example/')), policy)).toBeNull()
    expect(identifySender(eventFrom(fakeSender(1, 'file:///tmp/index.html')), policy)).toBeNull()
    // The built pages are duck://app/…: the same file loaded from file:// is no page of ours.
    expect(MAIN_URL).toBe('duck://app/index.html')
    expect(identifySender(eventFrom(fakeSender(1, 'file:///opt/duck/out/renderer/index.html')), policy)).toBeNull()
    expect(identifySender(eventFrom(fakeSender(1, 'duck://elsewhere/index.html')), policy)).toBeNull()
    expect(identifySender(eventFrom(fakeSender(99, MAIN_URL)), policy)).toBeNull()
    expect(identifySender(eventFrom(fakeSender(3, MAIN_URL)), policy)).toBeNull()
    expect(identifySender(eventFrom(fakeSender(1, SHEET_URL)), policy)).toBeNull()
    expect(identifySender({ sender: fakeSender(1, MAIN_URL), senderFrame: null }, policy)).toBeNull()
    const withIds = { ...fakeSender(1, MAIN_URL), mainFrame: { url: MAIN_URL, processId: 4, routingId: 1 } }
    expect(
      identifySender(
        { sender: withIds, senderFrame: { url: MAIN_URL, processId: 4, routingId: 1 } as { url: string } },
        policy
      )?.page
    ).toBe('main')
    expect(
      identifySender(
        { sender: withIds, senderFrame: { url: MAIN_URL, processId: 4, routingId: 7 } as { url: string } },
        policy
      )
    ).toBeNull()
  })
})

describe('registerHandlers', () => {
  const log = vi.fn()

  function setup() {
    const ipcMain = fakeIpcMain()
    const seen: unknown[][] = []
    const remove = registerHandlers(
      ipcMain,
      {
        'system.health': (_ctx, ...args) => {
          seen.push(args)
          return { status: 'ok' }
        },
        'tasks.get': (_ctx, id) => {
          if (id === 'missing') throw new DuckApiError('not_found', 'No task missing.')
          throw new Error('database exploded with secret sk-abcdefgh12345')
        }
      },
      { pages: ['main', 'quick-ask'], policy, log }
    )
    return { ipcMain, seen, remove }
  }

  it('answers {ok: true, value} to our own window and passes the arguments on', async () => {
    const { ipcMain, seen } = setup()
    const result = await ipcMain.call(invokeChannel('system.health'), eventFrom(fakeSender(1, MAIN_URL)), 'a', { b: 1 })
    expect(result).toEqual({ ok: true, value: { status: 'ok' } })
    expect(seen).toEqual([['a', { b: 1 }]])
  })

  it('answers forbidden to a foreign sender and to a page not allowed this table, without running the handler', async () => {
    const { ipcMain, seen } = setup()
    const forbidden = { ok: false, error: { code: 'forbidden', message: 'This window may not call Duck.' } }
    expect(
      await ipcMain.call(invokeChannel('system.health'), eventFrom(fakeSender(1, 'https://evil.example/')))
    ).toEqual(forbidden)
    expect(
      await ipcMain.call(invokeChannel('system.health'), eventFrom(fakeSender(1, MAIN_URL), { subframeUrl: MAIN_URL }))
    ).toEqual(forbidden)
    expect(await ipcMain.call(invokeChannel('system.health'), eventFrom(fakeSender(3, SHEET_URL)))).toEqual(forbidden)
    expect(seen).toEqual([])
  })

  it('turns a DuckApiError into its code and message, and anything else into a generic internal error', async () => {
    const { ipcMain } = setup()
    const event = eventFrom(fakeSender(2, QUICK_ASK_URL))
    expect(await ipcMain.call(invokeChannel('tasks.get'), event, 'missing')).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'No task missing.' }
    })
    const internal = await ipcMain.call(invokeChannel('tasks.get'), event, 'boom')
    expect(internal).toEqual({ ok: false, error: { code: 'internal', message: 'Something went wrong inside Duck.' } })
    expect(log).toHaveBeenCalledWith('IPC tasks.get failed', expect.any(Error))
  })

  it('removes what it registered', () => {
    const { ipcMain, remove } = setup()
    expect(ipcMain.channels()).toEqual([invokeChannel('system.health'), invokeChannel('tasks.get')])
    remove()
    expect(ipcMain.channels()).toEqual([])
  })
})
