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
    maximize: () => undefined,
    restore: () => undefined,
    show: () => void (win.visible = true),
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

function setup() {
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
  const main = new MainWindow({ factory, readState: () => undefined, saveState: () => undefined, workAreas: () => [] })
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
