import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { APP_SCHEME_PRIVILEGED, createAppProtocolHandler, mimeType, resolveAppPath } from './app-protocol'
import { APP_ORIGIN, createPageLocator, PAGE_FILES } from './pages'
import { pageCspHeader } from './security'

let base: string
let renderer: string
let handle: (request: Request) => Promise<Response>

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'duck-protocol-'))
  renderer = join(base, 'out', 'renderer')
  mkdirSync(join(renderer, 'assets'), { recursive: true })
  for (const file of Object.values(PAGE_FILES))
    writeFileSync(join(renderer, file), `<!doctype html><title>${file}</title>`)
  writeFileSync(join(renderer, 'assets', 'index-abc.js'), 'export const a = 1')
  writeFileSync(join(renderer, 'assets', 'index-abc.css'), 'body{}')
  writeFileSync(join(renderer, 'assets', 'logo.svg'), '<svg/>')
  writeFileSync(join(renderer, 'assets', 'font.woff2'), 'w')
  writeFileSync(join(renderer, 'assets', 'blob.bin'), 'b')
  writeFileSync(join(renderer, 'other.html'), '<p>not a page</p>')
  writeFileSync(join(base, 'secret.txt'), 'the key')
  writeFileSync(join(base, 'out', 'main.js'), 'main process code')
  symlinkSync(join(base, 'secret.txt'), join(renderer, 'assets', 'link.txt'))
  handle = createAppProtocolHandler({ rendererDir: renderer })
})
afterAll(() => rmSync(base, { recursive: true, force: true }))

const get = (path: string, method = 'GET') => handle(new Request(`${APP_ORIGIN}${path}`, { method }))

describe('the duck:// scheme', () => {
  it('is registered standard, secure and with fetch, under the name the pages use', () => {
    expect(APP_SCHEME_PRIVILEGED).toEqual({
      scheme: 'duck',
      privileges: { standard: true, secure: true, supportFetchAPI: true }
    })
    expect(createPageLocator({}).url('main').startsWith(`${APP_SCHEME_PRIVILEGED.scheme}://`)).toBe(true)
  })

  it('serves each page with its CSP as a response header', async () => {
    for (const [page, file] of Object.entries(PAGE_FILES) as [keyof typeof PAGE_FILES, string][]) {
      const response = await get(`/${file}?testHooks=1#x`)
      expect(response.status, file).toBe(200)
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(response.headers.get('content-security-policy')).toBe(pageCspHeader(page))
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
      expect(await response.text()).toContain(`<title>${file}</title>`)
    }
    const root = await get('/')
    expect(root.headers.get('content-security-policy')).toBe(pageCspHeader('main'))
    expect(await root.text()).toContain('index.html')
  })

  it('serves assets with their MIME types', async () => {
    const types: Record<string, string> = {
      '/assets/index-abc.js': 'text/javascript; charset=utf-8',
      '/assets/index-abc.css': 'text/css; charset=utf-8',
      '/assets/logo.svg': 'image/svg+xml',
      '/assets/font.woff2': 'font/woff2',
      '/assets/blob.bin': 'application/octet-stream'
    }
    for (const [path, type] of Object.entries(types)) {
      const response = await get(path)
      expect(response.status, path).toBe(200)
      expect(response.headers.get('content-type'), path).toBe(type)
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    }
    expect(await (await get('/assets/index-abc.js')).text()).toBe('export const a = 1')
    const head = await get('/assets/index-abc.js', 'HEAD')
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    expect(mimeType('X.HTML')).toBe('text/html; charset=utf-8')
  })

  it('refuses every way out of out/renderer', async () => {
    const refused = [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/..%2Fmain.js',
      '/%2e%2e%2fmain.js',
      '/..%5csecret.txt',
      '/assets/%00.js',
      '/assets//index-abc.js',
      '/%E0%A4%A',
      '/C:%5cWindows%5cwin.ini'
    ]
    for (const path of refused) {
      const response = await get(path)
      // The URL parser already drops plain `..`: what is left of those must not be the secret.
      expect([400, 404], path).toContain(response.status)
      expect(await response.text(), path).not.toMatch(/the key|main process code/)
    }
    // A symlink inside that points out of the folder.
    expect((await get('/assets/link.txt')).status).toBe(404)
    expect((await get('/assets/missing.js')).status).toBe(404)
    expect((await get('/assets')).status).toBe(404)
    // Only the three pages are documents.
    expect((await get('/other.html')).status).toBe(404)
    expect((await get('/index.html', 'POST')).status).toBe(405)
    expect((await handle(new Request('duck://elsewhere/index.html'))).status).toBe(400)
    expect(existsSync(join(base, 'secret.txt'))).toBe(true)
  })

  it('resolves only addresses of duck://app/', () => {
    expect(resolveAppPath('/r', 'duck://app/assets/a.js')).toBe(join('/r', 'assets', 'a.js'))
    expect(resolveAppPath('/r', 'duck://app/')).toBe(join('/r', 'index.html'))
    expect(resolveAppPath('/r', 'duck://app/a%20b.js')).toBe(join('/r', 'a b.js'))
    for (const address of [
      'file:///r/index.html',
      'duck://other/index.html',
      'duck://u:p@app/index.html',
      'duck://app/a%2fb.js',
      'duck://app/a%5cb.js',
      'not a url'
    ])
      expect(resolveAppPath('/r', address), address).toBeNull()
  })
})
