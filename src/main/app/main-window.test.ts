import type { BrowserWindow } from 'electron'
import { describe, expect, it } from 'vitest'
import { IPC_EVENTS } from '../../shared/ipc'
import { MainWindow } from './main-window'
import type { WindowFactory } from './windows'

type Listener = () => void

function fakeWindow() {
  const once = new Map<string, Listener[]>()
  const contentsOnce = new Map<string, Listener[]>()
  const fire = (map: Map<string, Listener[]>, event: string): void => {
    const listeners = map.get(event) ?? []
    map.delete(event)
    for (const listener of listeners) listener()
  }
  const win = {
    visible: false,
    focused: 0,
    /** What happened to the window, in order. */
    calls: [] as string[],
    loading: true,
    sent: [] as { channel: string; payload: unknown }[],
    webContents: {
      id: 1,
      isLoading: () => win.loading,
      send: (channel: string, payload: unknown) => void win.sent.push({ channel, payload }),
      once: (event: string, listener: Listener) =>
        void contentsOnce.set(event, [...(contentsOnce.get(event) ?? []), listener])
    },
    isDestroyed: () => false,
    isMinimized: () => false,
    isMaximized: () => false,
    isFullScreen: () => false,
    isVisible: () => win.visible,
    getNormalBounds: () => ({ x: 0, y: 0, width: 800, height: 600 }),
    maximize: () => void win.calls.push(win.visible ? 'maximize' : 'maximize while hidden'),
    restore: () => undefined,
    show: () => void ((win.visible = true), win.calls.push('show')),
    focus: () => void win.focused++,
    on: () => win,
    once: (event: string, listener: Listener) => void once.set(event, [...(once.get(event) ?? []), listener]),
    /** The page painted and finished loading. */
    finishLoad(): void {
      win.loading = false
      fire(once, 'ready-to-show')
      fire(contentsOnce, 'did-finish-load')
    }
  }
  return win
}

function setup(savedState?: string) {
  const created: { win: ReturnType<typeof fakeWindow>; query?: Record<string, string> }[] = []
  const loads: { win: unknown; query?: Record<string, string> }[] = []
  const factory = {
    create: (_kind: string, _extras: unknown, query?: Record<string, string>) => {
      const win = fakeWindow()
      created.push({ win, query })
      return win
    },
    load: (win: unknown, _kind: string, query?: Record<string, string>) => void loads.push({ win, query })
  } as unknown as WindowFactory<BrowserWindow>
  const main = new MainWindow({
    factory,
    readState: () => savedState,
    saveState: () => undefined,
    workAreas: () => [{ x: 0, y: 0, width: 1920, height: 1040 }]
  })
  return { main, created, loads }
}

describe('MainWindow.showConversation', () => {
  it('creates the window on the conversation when there is none', () => {
    const { main, created, loads } = setup()
    main.showConversation('conv_1')
    expect(created.map((c) => c.query)).toEqual([{ conversation: 'conv_1' }])
    expect(loads).toEqual([])
    created[0]?.win.finishLoad()
    expect(created[0]?.win.visible).toBe(true)
    expect(created[0]?.win.sent).toEqual([])
  })

  it('tells a loaded page to open it, without reloading it (drafts and live streams stay)', () => {
    const { main, created, loads } = setup()
    main.show()
    const win = created[0]?.win
    win?.finishLoad()
    const focusedBefore = win?.focused ?? 0
    main.showConversation('conv_2')
    expect(created).toHaveLength(1)
    expect(loads).toEqual([])
    expect(win?.sent).toEqual([
      { channel: IPC_EVENTS.command, payload: { type: 'open-conversation', conversation_id: 'conv_2' } }
    ])
    expect(win?.visible).toBe(true)
    expect(win?.focused).toBe(focusedBefore + 1)
  })

  it('loads a page that is still loading on the conversation instead', () => {
    const { main, created, loads } = setup()
    main.show()
    const win = created[0]?.win
    main.showConversation('conv_3')
    expect(loads).toEqual([{ win, query: { conversation: 'conv_3' } }])
    expect(win?.sent).toEqual([])
  })
})

describe('MainWindow restored maximized', () => {
  it('maximizes once the page is ready to show, not before (no empty window flashing)', () => {
    const { main, created } = setup(JSON.stringify({ x: 10, y: 10, width: 900, height: 700, maximized: true }))
    main.show()
    const win = created[0]?.win
    expect(win?.calls).toEqual([])
    win?.finishLoad()
    expect(win?.calls).toEqual(['maximize while hidden', 'show'])
  })

  it('does not maximize a window that was not', () => {
    const { main, created } = setup(JSON.stringify({ x: 10, y: 10, width: 900, height: 700, maximized: false }))
    main.show()
    created[0]?.win.finishLoad()
    expect(created[0]?.win.calls).toEqual(['show'])
  })
})
