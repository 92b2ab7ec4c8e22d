import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { DESKTOP_METHODS, SHEET_METHODS } from '../../shared/ipc'
import type { StreamEvent } from '../../shared/events'
import type { CallContext } from './ipc'
import { createDesktopHandlers, createSheetHandlers } from './ipc-desktop'
import { appMenuTemplate, trayMenuTemplate } from './menus'
import { resolveSqliteBinding } from './native'
import { attentionFor, createNotifier } from './notifications'
import { createPageLocator } from './pages'
import { enableWaylandShortcuts, isWayland, withFeature } from './display-server'
import { QuickAskController, quickAskPosition, type PlacementScreen, type QuickAskWindowLike } from './quick-ask'
import { checkAccelerator, DEFAULT_QUICK_ASK_SHORTCUT } from './shortcut'
import { fakeSender, QUICK_ASK_URL } from './testing/fakes'
import { parseWindowState, restorableBounds, trackWindowState } from './window-state'

describe('the desktop handler tables', () => {
  it('have one handler per desktop and sheet method', () => {
    const desktop = createDesktopHandlers({
      pickFolder: async () => null,
      openConversation: () => undefined,
      openPasswordSheet: () => undefined,
      quickAskShortcut: () => ({ accelerator: 'x', registered: true, paused: false }),
      setQuickAskShortcut: () => ({ accelerator: 'x', registered: true, paused: false })
    })
    expect(Object.keys(desktop).sort()).toEqual([...DESKTOP_METHODS].sort())
    const sheet = createSheetHandlers({
      view: () => ({ tool: '', command: '', attempts_left: 3, error: null, busy: false }),
      submit: () => undefined,
      cancel: () => undefined
    })
    expect(Object.keys(sheet).sort()).toEqual([...SHEET_METHODS].sort())
    const ctx = { page: 'password-sheet', sender: fakeSender(3, '') } as CallContext
    expect(() => sheet['sheet.submit'](ctx, '')).toThrow(/password/)
    expect(() => sheet['sheet.submit'](ctx, 'x'.repeat(1025))).toThrow(/password/)
    expect(() => desktop['desktop.setQuickAskShortcut'](ctx, { evil: true })).toThrow(/accelerator/)
  })
})

describe('pages', () => {
  it('knows its pages by address in a build (duck://app/) and in development, and nothing else', () => {
    const built = createPageLocator({ baseQuery: { testHooks: '1' } })
    expect(built.url('main', { conversation: 'conv_1' })).toBe('duck://app/index.html?testHooks=1&conversation=conv_1')
    expect(built.url('password-sheet')).toBe('duck://app/password-sheet.html?testHooks=1')
    expect(built.pageOf('duck://app/index.html?conversation=c#x')).toBe('main')
    expect(built.pageOf('duck://app/')).toBe('main')
    expect(built.pageOf('duck://app/password-sheet.html')).toBe('password-sheet')
    expect(built.pageOf('duck://app/assets/../quick-ask.html')).toBe('quick-ask')
    // file:// is no page of ours any more, not even out/renderer's own files.
    expect(built.pageOf('file:///opt/duck/out/renderer/index.html')).toBeNull()
    expect(built.pageOf('duck://evil/index.html')).toBeNull()
    expect(built.pageOf('duck://user:pw@app/index.html')).toBeNull()
    expect(built.pageOf('duck://app/assets/index.js')).toBeNull()
    expect(built.pageOf('http://localhost:5173/')).toBeNull()
    const dev = createPageLocator({ devServerUrl: 'http://localhost:5173' })
    expect(dev.pageOf('http://localhost:5173/')).toBe('main')
    expect(dev.pageOf('http://localhost:5173/quick-ask.html')).toBe('quick-ask')
    expect(dev.pageOf('http://localhost:5174/')).toBeNull()
    expect(dev.url('main', { conversation: 'conv_1' })).toBe('http://localhost:5173/index.html?conversation=conv_1')
    expect(dev.pageOf('duck://app/index.html')).toBeNull()
  })
})

describe('window state', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1040 }]

  it('restores a window that is on a connected display, shrunk to fit', () => {
    expect(
      restorableBounds(parseWindowState('{"x":100,"y":80,"width":1000,"height":700,"maximized":true}'), screen)
    ).toEqual({
      x: 100,
      y: 80,
      width: 1000,
      height: 700,
      maximized: true
    })
    expect(restorableBounds({ x: 0, y: 0, width: 3000, height: 2000, maximized: false }, screen)).toMatchObject({
      width: 1920,
      height: 1040
    })
    const second = [...screen, { x: 1920, y: 0, width: 1280, height: 1000 }]
    expect(restorableBounds({ x: 2000, y: 100, width: 800, height: 600, maximized: false }, second)).toMatchObject({
      x: 2000
    })
  })

  it('ignores a window on a display that is gone, or whose title bar is out of reach', () => {
    expect(restorableBounds({ x: 2000, y: 100, width: 800, height: 600, maximized: false }, screen)).toBeNull()
    expect(restorableBounds({ x: -5000, y: -5000, width: 800, height: 600, maximized: false }, screen)).toBeNull()
    expect(restorableBounds({ x: 100, y: 1030, width: 800, height: 600, maximized: false }, screen)).toBeNull()
    expect(restorableBounds({ x: 1880, y: 100, width: 800, height: 600, maximized: false }, screen)).toBeNull()
  })

  it('ignores what is not a window state', () => {
    for (const text of [undefined, '', 'not json', '{"x":1}', '{"x":0,"y":0,"width":10,"height":10}'])
      expect(parseWindowState(text)).toBeNull()
  })

  it('saves the normal bounds when the window moves (debounced) and when it closes', () => {
    vi.useFakeTimers()
    const listeners = new Map<string, () => void>()
    const win = {
      on: (event: string, listener: () => void) => listeners.set(event, listener),
      getNormalBounds: () => ({ x: 10.4, y: 20, width: 800, height: 600 }),
      isMaximized: () => false,
      isMinimized: () => false,
      isFullScreen: () => false
    }
    const saved: unknown[] = []
    trackWindowState(win, (state) => saved.push(state), 100)
    listeners.get('move')?.()
    listeners.get('resize')?.()
    expect(saved).toEqual([])
    vi.advanceTimersByTime(150)
    expect(saved).toEqual([{ x: 10, y: 20, width: 800, height: 600, maximized: false }])
    listeners.get('close')?.()
    expect(saved).toHaveLength(2)
    vi.useRealTimers()
  })
})

describe('quick-ask shortcut', () => {
  it('accepts modifier+key accelerators in Electron spelling', () => {
    expect(checkAccelerator('CommandOrControl+Shift+Space')).toEqual({
      ok: true,
      accelerator: 'CommandOrControl+Shift+Space'
    })
    expect(checkAccelerator(' ctrl + alt + k ')).toEqual({ ok: true, accelerator: 'Ctrl+Alt+K' })
    expect(checkAccelerator('Super+F12')).toEqual({ ok: true, accelerator: 'Super+F12' })
    expect(checkAccelerator('Ctrl++')).toEqual({ ok: true, accelerator: 'Ctrl+Plus' })
  })

  it('refuses what would steal a plain key or is not an accelerator', () => {
    for (const text of ['Space', 'K', 'Shift+K', 'Ctrl+', 'Ctrl+Ctrl+K', 'Hyper+K', 'Ctrl+Banana', 'Ctrl+K+L', '']) {
      expect(checkAccelerator(text).ok, text).toBe(false)
    }
  })
})

function fakeQuickWindow() {
  const events = new Map<string, (...args: never[]) => void>()
  const win = {
    visible: false,
    destroyed: false,
    webContents: Object.assign(fakeSender(2, QUICK_ASK_URL), {
      on: (event: string, listener: (...args: never[]) => void) => events.set(`wc:${event}`, listener)
    }),
    events,
    isDestroyed: () => win.destroyed,
    isVisible: () => win.visible,
    show: () => void (win.visible = true),
    hide: () => void (win.visible = false),
    focus: () => undefined,
    on: (event: string, listener: () => void) => events.set(event, listener)
  }
  return win
}
type FakeQuickWindow = ReturnType<typeof fakeQuickWindow> & QuickAskWindowLike

describe('QuickAskController', () => {
  function setup(saved?: string, taken: string[] = []) {
    const registered = new Map<string, () => void>()
    const writes: string[] = []
    const changes = vi.fn()
    const windows: FakeQuickWindow[] = []
    const fakeWindow = (): FakeQuickWindow => {
      const win = fakeQuickWindow()
      windows.push(win)
      return win
    }
    const controller = new QuickAskController<FakeQuickWindow>({
      createWindow: fakeWindow,
      place: () => undefined,
      globalShortcut: {
        register: (accelerator, callback) => {
          if (taken.includes(accelerator)) return false
          registered.set(accelerator, callback)
          return true
        },
        unregister: (accelerator) => void registered.delete(accelerator)
      },
      readShortcut: () => saved,
      writeShortcut: (accelerator) => writes.push(accelerator),
      onChange: changes,
      log: () => undefined
    })
    return { controller, registered, writes, changes, windows }
  }

  it('registers the saved (or default) shortcut, which toggles the window', () => {
    const { controller, registered, windows } = setup()
    expect(controller.start()).toEqual({ accelerator: DEFAULT_QUICK_ASK_SHORTCUT, registered: true, paused: false })
    registered.get(DEFAULT_QUICK_ASK_SHORTCUT)?.()
    expect(windows[0]?.visible).toBe(true)
    registered.get(DEFAULT_QUICK_ASK_SHORTCUT)?.()
    expect(windows[0]?.visible).toBe(false)
    expect(setup('Alt+Q').controller.start().accelerator).toBe('Alt+Q')
    expect(setup('nonsense').controller.start().accelerator).toBe(DEFAULT_QUICK_ASK_SHORTCUT)
  })

  it('hides on blur and on Esc, unless something of its own holds it', () => {
    const { controller, windows } = setup()
    controller.start()
    controller.show()
    const win = windows[0]
    win?.events.get('blur')?.()
    expect(win?.visible).toBe(false)
    controller.show()
    const release = controller.hold()
    win?.events.get('blur')?.()
    expect(win?.visible).toBe(true)
    release()
    let prevented = false
    ;(
      win?.events.get('wc:before-input-event') as (
        e: { preventDefault(): void },
        input: { type: string; key: string }
      ) => void
    )({ preventDefault: () => (prevented = true) }, { type: 'keyDown', key: 'Escape' })
    expect(win?.visible).toBe(false)
    expect(prevented).toBe(true)
  })

  it('pausing unregisters the shortcut, hides the window and refuses tasks from quick ask', () => {
    const { controller, registered, changes, windows } = setup()
    controller.start()
    controller.show()
    controller.setPaused(true)
    expect(registered.size).toBe(0)
    expect(windows[0]?.visible).toBe(false)
    expect(controller.toggle()).toBe(false)
    expect(controller.info()).toMatchObject({ paused: true, registered: false })
    expect(() => controller.mayStartTask({ page: 'quick-ask', sender: fakeSender(2, '') })).toThrow(/paused/)
    expect(() => controller.mayStartTask({ page: 'main', sender: fakeSender(1, '') })).not.toThrow()
    controller.setPaused(false)
    expect(registered.has(DEFAULT_QUICK_ASK_SHORTCUT)).toBe(true)
    expect(changes).toHaveBeenCalledTimes(2)
  })

  it('changes the shortcut, keeping the old one when the new one is invalid or taken', () => {
    const { controller, registered, writes } = setup(undefined, ['Ctrl+Alt+T'])
    controller.start()
    expect(controller.setShortcut('alt+shift+d')).toMatchObject({ accelerator: 'Alt+Shift+D', registered: true })
    expect([...registered.keys()]).toEqual(['Alt+Shift+D'])
    expect(writes).toEqual(['Alt+Shift+D'])
    expect(() => controller.setShortcut('D')).toThrow(/accelerator/)
    expect(() => controller.setShortcut('Ctrl+Alt+T')).toThrow(/could not be registered/)
    expect([...registered.keys()]).toEqual(['Alt+Shift+D'])
    expect(writes).toEqual(['Alt+Shift+D'])
  })
})

describe('the quick-ask shortcut and window under Wayland', () => {
  const failing = (wayland: boolean) =>
    new QuickAskController({
      createWindow: () => fakeQuickWindow() as FakeQuickWindow,
      place: () => undefined,
      globalShortcut: { register: () => false, unregister: () => undefined },
      readShortcut: () => undefined,
      writeShortcut: () => undefined,
      onChange: () => undefined,
      log: () => undefined,
      wayland
    })

  it('a refused registration says what may have happened, not that another app took it', () => {
    const x11 = failing(false).start()
    expect(x11).toMatchObject({ registered: false })
    expect(x11.error).not.toMatch(/taken by another app/)
    expect(x11.error).toMatch(/could not be registered: another app may already use it, or the system refused it/)
    const wayland = failing(true).start()
    expect(wayland.error).not.toMatch(/taken by another app/)
    expect(wayland.error).toMatch(/Wayland.*Global Shortcuts portal/)
  })

  it('knows a Wayland session, unless Electron was told to use X11', () => {
    expect(isWayland('linux', { WAYLAND_DISPLAY: 'wayland-0' }, [])).toBe(true)
    expect(isWayland('linux', { XDG_SESSION_TYPE: 'wayland' }, [])).toBe(true)
    expect(isWayland('linux', { DISPLAY: ':0' }, [])).toBe(false)
    expect(isWayland('linux', { WAYLAND_DISPLAY: 'wayland-0' }, ['--ozone-platform=x11'])).toBe(false)
    expect(isWayland('linux', { WAYLAND_DISPLAY: 'wayland-0' }, ['--ozone-platform-hint=x11'])).toBe(false)
    expect(isWayland('linux', { DISPLAY: ':0' }, ['--ozone-platform=wayland'])).toBe(true)
    expect(isWayland('darwin', { WAYLAND_DISPLAY: 'wayland-0' }, [])).toBe(false)
  })

  it('turns on the GlobalShortcutsPortal feature on Wayland only, keeping other features', () => {
    const switches: [string, string | undefined][] = []
    const commandLine = (existing: string) => ({
      getSwitchValue: () => existing,
      appendSwitch: (name: string, value?: string) => void switches.push([name, value])
    })
    expect(enableWaylandShortcuts(commandLine(''), false)).toBe(false)
    expect(switches).toEqual([])
    expect(enableWaylandShortcuts(commandLine(''), true)).toBe(true)
    expect(enableWaylandShortcuts(commandLine('WebRTCPipeWireCapturer'), true)).toBe(true)
    expect(switches).toEqual([
      ['enable-features', 'GlobalShortcutsPortal'],
      ['enable-features', 'WebRTCPipeWireCapturer,GlobalShortcutsPortal']
    ])
    expect(withFeature('GlobalShortcutsPortal', 'GlobalShortcutsPortal')).toBe('GlobalShortcutsPortal')
  })

  it('puts quick ask on the display under the pointer, or on the primary display where the pointer is unknown', () => {
    const asked: string[] = []
    const screen: PlacementScreen = {
      getCursorScreenPoint: () => (asked.push('cursor'), { x: 2500, y: 300 }),
      getDisplayNearestPoint: () => ({ workArea: { x: 1920, y: 0, width: 1280, height: 1000 } }),
      getPrimaryDisplay: () => ({ workArea: { x: 0, y: 30, width: 1920, height: 1050 } })
    }
    expect(quickAskPosition(screen, 680, true)).toEqual({ x: 2220, y: 200 })
    expect(asked).toEqual(['cursor'])
    // Wayland: the pointer is not asked for at all.
    expect(quickAskPosition(screen, 680, false)).toEqual({ x: 620, y: 240 })
    expect(asked).toEqual(['cursor'])
  })
})

describe('menus', () => {
  const actions = { newChat: vi.fn(), quickAsk: vi.fn(), openLogs: vi.fn() }
  const roles = (template: ReturnType<typeof appMenuTemplate>): string[] =>
    template.flatMap((menu) =>
      Array.isArray(menu.submenu) ? menu.submenu.map((item) => item.role ?? item.label ?? item.type ?? '') : []
    )

  it('offers reload and devtools only in development', () => {
    const facts = { isMac: false, quickAskAccelerator: DEFAULT_QUICK_ASK_SHORTCUT, quickAskPaused: false }
    const built = roles(appMenuTemplate({ ...facts, isDev: false }, actions))
    expect(built).not.toContain('toggleDevTools')
    expect(built).not.toContain('reload')
    expect(built).toEqual(
      expect.arrayContaining([
        'New Chat',
        'Quick Ask',
        'undo',
        'copy',
        'paste',
        'selectAll',
        'zoomIn',
        'resetZoom',
        'minimize',
        'quit'
      ])
    )
    expect(roles(appMenuTemplate({ ...facts, isDev: true }, actions))).toEqual(
      expect.arrayContaining(['reload', 'toggleDevTools'])
    )
    const mac = appMenuTemplate({ ...facts, isMac: true, isDev: false }, actions)
    expect(mac[0]?.label).toBe('Duck')
    expect(roles(mac)).toEqual(expect.arrayContaining(['about', 'hide', 'front', 'close']))
  })

  it('shows the global shortcut beside Quick Ask without registering it again', () => {
    const file = appMenuTemplate(
      { isMac: false, isDev: false, quickAskAccelerator: 'Alt+Q', quickAskPaused: false },
      actions
    )[0]
    const item = Array.isArray(file?.submenu) ? file.submenu.find((i) => i.label === 'Quick Ask') : undefined
    expect(item).toMatchObject({ accelerator: 'Alt+Q', registerAccelerator: false })
  })

  it('tray: quick ask, open, pause or resume, quit', () => {
    const tray = { quickAsk: vi.fn(), openDuck: vi.fn(), setPaused: vi.fn(), quit: vi.fn() }
    const labels = (paused: boolean) =>
      trayMenuTemplate({ paused, quickAskAccelerator: 'Alt+Q' }, tray).map((i) => i.label ?? i.type)
    expect(labels(false)).toEqual(['Quick Ask', 'Open Duck', 'separator', 'Pause Quick Ask', 'separator', 'Quit Duck'])
    expect(labels(true)).toEqual(['Quick Ask', 'Open Duck', 'separator', 'Resume Quick Ask', 'separator', 'Quit Duck'])
    const resume = trayMenuTemplate({ paused: true, quickAskAccelerator: 'Alt+Q' }, tray).find(
      (i) => i.label === 'Resume Quick Ask'
    )
    ;(resume?.click as () => void)()
    expect(tray.setPaused).toHaveBeenCalledWith(false)
  })
})

describe('notifications', () => {
  const ids = { task_id: 'task_1', conversation_id: 'conv_1', seq: 3 }
  const approval: StreamEvent = {
    ...ids,
    type: 'tool_approval_requested',
    approval_id: 'appr_1',
    tool: 'shell_exec_safe',
    args: { command: 'rm -rf build' },
    reason: 'Clean the build',
    risk_level: 'high',
    action_type: 'file_write',
    outside_workspace: [],
    rule_preview: null,
    status: 'waiting_for_approval'
  }

  it('names what needs the person', () => {
    expect(attentionFor(approval)).toEqual({
      key: 'appr_1',
      conversationId: 'conv_1',
      title: 'Duck needs your approval',
      body: 'Clean the build: rm -rf build'
    })
    expect(attentionFor({ ...ids, type: 'runtime_status', stage: 'planning' })).toBeNull()
  })

  it('notifies once per approval, only while the window is away, and clicking reveals the conversation', () => {
    let focused = false
    const shown: (() => void)[] = []
    const reveal = vi.fn()
    const notify = createNotifier({
      windowHasFocus: () => focused,
      isSupported: () => true,
      show: (_a, onClick) => shown.push(onClick),
      reveal
    })
    focused = true
    notify(approval)
    expect(shown).toHaveLength(0)
    focused = false
    notify(approval)
    notify(approval)
    expect(shown).toHaveLength(1)
    shown[0]?.()
    expect(reveal).toHaveBeenCalledWith('conv_1')
  })
})

describe('the SQLite binding for Electron', () => {
  const facts = {
    env: {},
    isPackaged: false,
    resourcesPath: '/res',
    appPath: '/src/duck',
    electronVersion: '40.10.2',
    exists: () => true
  }
  it('comes from the environment, the packaged resources or the checkout', () => {
    expect(resolveSqliteBinding({ ...facts, env: { DUCK_SQLITE_BINDING: '/b.node' } })).toBe('/b.node')
    expect(resolveSqliteBinding({ ...facts, isPackaged: true })).toBe('/res/native/better_sqlite3.node')
    // A packaged app loads only the binding it ships: no variable can hand it another .node file.
    expect(resolveSqliteBinding({ ...facts, isPackaged: true, env: { DUCK_SQLITE_BINDING: '/tmp/evil.node' } })).toBe(
      '/res/native/better_sqlite3.node'
    )
    expect(
      resolveSqliteBinding({
        ...facts,
        isPackaged: true,
        env: { DUCK_SQLITE_BINDING: '/tmp/evil.node' },
        exists: () => false
      })
    ).toBeUndefined()
    expect(resolveSqliteBinding(facts)).toBe('/src/duck/node_modules/.duck-electron/40.10.2/better_sqlite3.node')
    expect(resolveSqliteBinding({ ...facts, exists: () => false })).toBeUndefined()
  })
})

describe('resources', () => {
  /** Width and height from a PNG's IHDR. */
  function pngSize(path: string): [number, number] {
    const bytes = readFileSync(path)
    expect(bytes.subarray(1, 4).toString('ascii'), path).toBe('PNG')
    return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)]
  }

  it('hold the app icons (electron-builder) and the tray icons at their sizes', () => {
    const dir = join(process.cwd(), 'resources')
    for (const size of [16, 32, 48, 64, 128, 256, 512])
      expect(pngSize(join(dir, 'icons', `${size}x${size}.png`))).toEqual([size, size])
    expect(pngSize(join(dir, 'icon.png'))).toEqual([1024, 1024])
    for (const name of ['trayTemplate', 'tray']) {
      expect(pngSize(join(dir, 'tray', `${name}.png`))).toEqual([16, 16])
      expect(pngSize(join(dir, 'tray', `${name}@2x.png`))).toEqual([32, 32])
    }
  })
})
