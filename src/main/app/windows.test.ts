import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BrowserWindowConstructorOptions } from 'electron'
import { describe, expect, it } from 'vitest'
import { createPageLocator, PAGE_FILES, type PageName } from './pages'
import {
  cspProblem,
  hardenSession,
  isExternalLinkAllowed,
  lockNavigation,
  PAGE_CSP,
  pageCspHeader,
  parseCsp,
  type NavigableContents,
  type SessionLike
} from './security'
import {
  createWindowFactory,
  hardenedWebPreferences,
  windowOptions,
  type BrowserWindowLike,
  type WindowEnv
} from './windows'

const KINDS = Object.keys(PAGE_FILES) as PageName[]
const env = (isDev: boolean): WindowEnv => ({
  isDev,
  preloadDir: '/app/out/preload',
  platform: 'linux',
  secretStore: 'keychain',
  icon: '/app/icon.png'
})

describe('every window kind', () => {
  it.each(KINDS)('%s is isolated, sandboxed, without Node, webviews, spellchecker or (in a build) devtools', (kind) => {
    for (const isDev of [false, true]) {
      const prefs = windowOptions(kind, env(isDev), {
        parent: {} as BrowserWindowConstructorOptions['parent']
      }).webPreferences
      expect(prefs).toMatchObject({
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        experimentalFeatures: false,
        devTools: isDev,
        // Chromium's spellchecker would download dictionaries from a CDN.
        spellcheck: false
      })
      expect(prefs).toEqual(hardenedWebPreferences(kind, env(isDev)))
    }
  })

  it('gets its own preload: the sheet a preload that can do nothing but answer its request', () => {
    expect(hardenedWebPreferences('main', env(false)).preload).toBe('/app/out/preload/index.cjs')
    expect(hardenedWebPreferences('quick-ask', env(false)).preload).toBe('/app/out/preload/index.cjs')
    expect(hardenedWebPreferences('password-sheet', env(false)).preload).toBe('/app/out/preload/password-sheet.cjs')
    expect(hardenedWebPreferences('main', env(false)).additionalArguments).toEqual(['--duck-secret-store=keychain'])
    expect(hardenedWebPreferences('password-sheet', env(false)).additionalArguments).toEqual([])
  })

  it('has the shape its role needs', () => {
    const parent = { id: 1 } as unknown as BrowserWindowConstructorOptions['parent']
    expect(windowOptions('password-sheet', env(false), { parent })).toMatchObject({
      parent,
      modal: true,
      show: false,
      resizable: false
    })
    expect(windowOptions('quick-ask', env(false))).toMatchObject({
      frame: false,
      alwaysOnTop: true,
      skipTaskbar: true,
      show: false
    })
    expect(windowOptions('main', env(false), { bounds: { x: 10, y: 20, width: 900, height: 700 } })).toMatchObject({
      x: 10,
      y: 20,
      width: 900,
      height: 700,
      show: false
    })
  })
})

type Listener = (...args: unknown[]) => void

function fakeContents(id: number) {
  const on = new Map<string, Listener[]>()
  let openHandler: ((details: { url: string }) => unknown) | undefined
  const contents = {
    id,
    on(event: string, listener: Listener) {
      on.set(event, [...(on.get(event) ?? []), listener])
      return contents
    },
    setWindowOpenHandler(handler: (details: { url: string }) => unknown) {
      openHandler = handler
    },
    /** Emits a navigation-like event; true when it was prevented. */
    navigate(event: string, url: string): boolean {
      let prevented = false
      for (const listener of on.get(event) ?? []) listener({ preventDefault: () => (prevented = true), url }, url)
      return prevented
    },
    open: (url: string) => openHandler?.({ url })
  }
  return contents
}

describe('the window factory', () => {
  const pages = createPageLocator({})

  function setup() {
    const created: { options: BrowserWindowConstructorOptions; win: FakeWindow }[] = []
    const opened: string[] = []
    let nextId = 1
    class FakeWindow implements BrowserWindowLike {
      readonly webContents = fakeContents(nextId++) as unknown as NavigableContents & { id: number }
      loaded: string[] = []
      closed: Listener[] = []
      constructor(readonly options: BrowserWindowConstructorOptions) {
        created.push({ options, win: this })
      }
      async loadURL(url: string) {
        this.loaded.push(url)
      }
      on(_event: 'closed', listener: Listener) {
        this.closed.push(listener)
      }
    }
    const factory = createWindowFactory({
      BrowserWindow: FakeWindow,
      pages,
      env: env(false),
      openExternal: (url) => opened.push(url),
      log: () => undefined
    })
    return { factory, created, opened }
  }

  it('creates each kind with its hardened options, loads its page and remembers its kind until closed', () => {
    const { factory, created } = setup()
    const main = factory.create('main', {}, { conversation: 'conv_1' })
    const sheet = factory.create('password-sheet', {
      parent: main as unknown as BrowserWindowConstructorOptions['parent']
    })
    expect(created.map((c) => c.options.webPreferences?.sandbox)).toEqual([true, true])
    expect(main.loaded).toEqual([pages.url('main', { conversation: 'conv_1' })])
    expect(sheet.loaded).toEqual([pages.url('password-sheet')])
    expect(factory.kindOf(main.webContents.id)).toBe('main')
    expect(factory.kindOf(sheet.webContents.id)).toBe('password-sheet')
    for (const listener of sheet.closed) listener()
    expect(factory.kindOf(sheet.webContents.id)).toBeUndefined()
  })

  it('locks navigation to the window own page and sends only https links to the browser', () => {
    const { factory, opened } = setup()
    const win = factory.create('main')
    const contents = win.webContents as unknown as ReturnType<typeof fakeContents>
    for (const event of ['will-navigate', 'will-redirect', 'will-frame-navigate']) {
      expect(contents.navigate(event, 'https://evil.example/'), event).toBe(true)
      expect(contents.navigate(event, 'file:///etc/passwd'), event).toBe(true)
      // Not even the page's own file: the built pages come from duck://app/ only.
      expect(contents.navigate(event, 'file:///app/out/renderer/index.html'), event).toBe(true)
      expect(contents.navigate(event, 'duck://app/../index.html'), event).toBe(false)
      expect(contents.navigate(event, 'duck://other/index.html'), event).toBe(true)
      expect(contents.navigate(event, pages.url('password-sheet')), event).toBe(true)
      expect(contents.navigate(event, pages.url('main', { conversation: 'c1' })), event).toBe(false)
    }
    expect(contents.navigate('will-attach-webview', 'https://example.com')).toBe(true)
    expect(contents.open('https://docs.example.com/page')).toEqual({ action: 'deny' })
    expect(contents.open('http://insecure.example.com/')).toEqual({ action: 'deny' })
    expect(contents.open('file:///etc/passwd')).toEqual({ action: 'deny' })
    expect(contents.open('javascript:alert(1)')).toEqual({ action: 'deny' })
    expect(opened).toEqual(['https://docs.example.com/page'])
  })
})

describe('security helpers', () => {
  it('allows only plain https links out', () => {
    expect(isExternalLinkAllowed('https://example.com/a?b=c')).toBe(true)
    expect(isExternalLinkAllowed('https://user:pw@example.com/')).toBe(false)
    for (const url of ['http://example.com', 'file:///etc', 'mailto:a@b.c', 'smb://host/share', 'not a url'])
      expect(isExternalLinkAllowed(url)).toBe(false)
  })

  it('grants only clipboard-sanitized-write (the Copy buttons), only to the windows the factory made', () => {
    type RequestHandler = Parameters<SessionLike['setPermissionRequestHandler']>[0]
    type CheckHandler = Parameters<SessionLike['setPermissionCheckHandler']>[0]
    let request: RequestHandler | undefined
    let check: CheckHandler | undefined
    let device: (() => boolean) | undefined
    let spellchecker: boolean | undefined
    const ours = { id: 1 }
    hardenSession(
      {
        setPermissionRequestHandler: (handler) => (request = handler),
        setPermissionCheckHandler: (handler) => (check = handler),
        setDevicePermissionHandler: (handler) => (device = handler),
        setSpellCheckerEnabled: (enable) => (spellchecker = enable)
      },
      (contents) => contents === ours
    )
    const asked = (contents: unknown, permission: string): boolean => {
      let granted: boolean | undefined
      request?.(contents, permission, (g) => (granted = g))
      return granted === true
    }
    expect(asked(ours, 'clipboard-sanitized-write')).toBe(true)
    expect(check?.(ours, 'clipboard-sanitized-write')).toBe(true)
    for (const permission of [
      'clipboard-read',
      'media',
      'geolocation',
      'notifications',
      'openExternal',
      'fullscreen'
    ]) {
      expect(asked(ours, permission), permission).toBe(false)
      expect(check?.(ours, permission), permission).toBe(false)
    }
    for (const stranger of [{ id: 2 }, null, undefined]) {
      expect(asked(stranger, 'clipboard-sanitized-write')).toBe(false)
      expect(check?.(stranger, 'clipboard-sanitized-write')).toBe(false)
    }
    expect(device?.()).toBe(false)
    expect(spellchecker).toBe(false)
  })

  it('the factory knows its own webContents', () => {
    const factory = createWindowFactory({
      BrowserWindow: class {
        readonly webContents = fakeContents(7) as unknown as NavigableContents & { id: number }
        async loadURL() {}
        on() {}
      },
      pages: createPageLocator({}),
      env: env(false),
      openExternal: () => undefined,
      log: () => undefined
    })
    expect(factory.owns({ id: 7 })).toBe(false)
    factory.create('main')
    expect(factory.owns({ id: 7 })).toBe(true)
    expect(factory.owns({ id: 8 })).toBe(false)
    expect(factory.owns(null)).toBe(false)
    expect(factory.owns({ id: '7' })).toBe(false)
  })

  it('lockNavigation works on any contents', () => {
    const contents = fakeContents(9)
    lockNavigation(
      contents as unknown as NavigableContents,
      () => false,
      () => undefined
    )
    expect(contents.navigate('will-navigate', 'https://x.example/')).toBe(true)
  })
})

describe('every page', () => {
  const dir = join(process.cwd(), 'src', 'renderer')
  const htmlFiles = readdirSync(dir).filter((file) => file.endsWith('.html'))

  it('is one of the pages the windows know', () => {
    for (const file of Object.values(PAGE_FILES)) expect(htmlFiles).toContain(file)
  })

  it.each(htmlFiles)('%s declares a strict CSP without inline scripts, the one duck:// sends for it', (file) => {
    const html = readFileSync(join(dir, file), 'utf8')
    const match = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html)
    expect(match, `${file} has no CSP meta tag`).not.toBeNull()
    expect(cspProblem(match?.[1] ?? '')).toBeNull()
    const page = KINDS.find((kind) => PAGE_FILES[kind] === file)
    expect(page, `${file} is none of the pages`).toBeDefined()
    if (page) {
      expect(parseCsp(match?.[1] ?? '')).toEqual(parseCsp(PAGE_CSP[page]))
      expect(cspProblem(pageCspHeader(page))).toBeNull()
      expect(parseCsp(pageCspHeader(page)).get('frame-ancestors')).toEqual(["'none'"])
    }
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i)
    expect(html).not.toMatch(/\son[a-z]+="/i)
  })

  it('a weak CSP is named', () => {
    expect(
      cspProblem("default-src 'self'; script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'")
    ).toMatch(/script-src/)
    expect(cspProblem("default-src *; script-src 'self'; object-src 'none'; base-uri 'none'")).toMatch(/default-src/)
    expect(cspProblem("script-src 'self'")).toMatch(/missing/)
  })
})
