/**
 * The `duck://app/` scheme: the built pages and their assets, served from `out/renderer` only.
 * Registered privileged before ready (standard, so relative URLs, storage and an origin of its
 * own; secure; fetch), handled with `protocol.handle` after. A path that leaves the folder — `..`,
 * encoded separators, a symlink out — is refused; each file goes out with its MIME type, `nosniff`
 * and, for a page, its CSP as a response header. No electron import: `main.ts` passes the real
 * `protocol`, the tests call the handler with plain `Request`s.
 */
import { promises as fsp } from 'node:fs'
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { APP_HOST, APP_SCHEME, PAGE_FILES, type PageName } from './pages'
import { pageCspHeader } from './security'

/** What `protocol.registerSchemesAsPrivileged` gets, before the app is ready. */
export const APP_SCHEME_PRIVILEGED: {
  scheme: string
  privileges: { standard: boolean; secure: boolean; supportFetchAPI: boolean }
} = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true }
}

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm'
}

export function mimeType(path: string): string {
  return MIME_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream'
}

const PAGE_BY_FILE = new Map<string, PageName>(
  (Object.entries(PAGE_FILES) as [PageName, string][]).map(([page, file]) => [file, page])
)

/**
 * The file under `rendererDir` a `duck://app/…` address names, or null when it names none:
 * another scheme or host, credentials, `..` or `.` segments (also percent-encoded), encoded
 * slashes or backslashes, NUL, empty segments. `/` is the main page.
 */
export function resolveAppPath(rendererDir: string, address: string): string | null {
  let url: URL
  try {
    url = new URL(address)
  } catch {
    return null
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || url.username || url.password) return null
  const pathname = url.pathname === '/' ? `/${PAGE_FILES.main}` : url.pathname
  let segments: string[]
  try {
    segments = pathname.split('/').slice(1).map(decodeURIComponent)
  } catch {
    return null
  }
  if (segments.some((s) => s === '' || s === '.' || s === '..' || /[\\/:\0]/.test(s))) return null
  const root = resolve(rendererDir)
  const path = join(root, ...segments)
  const inside = relative(root, path)
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return null
  return path
}

function isInside(root: string, path: string): boolean {
  return path.startsWith(root.endsWith(sep) ? root : root + sep)
}

export interface AppFiles {
  realpath(path: string): Promise<string>
  readFile(path: string): Promise<Uint8Array>
}

const diskFiles: AppFiles = {
  // fs.promises is what Electron's asar support patches: these read inside app.asar too.
  realpath: (path) => fsp.realpath(path),
  readFile: (path) => fsp.readFile(path)
}

function refusal(status: 400 | 404 | 405): Response {
  const text = status === 405 ? 'Method not allowed' : status === 400 ? 'Bad request' : 'Not found'
  return new Response(text, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }
  })
}

/** The `protocol.handle(APP_SCHEME, …)` handler: GET and HEAD of files under `rendererDir`. */
export function createAppProtocolHandler(options: {
  rendererDir: string
  files?: AppFiles
}): (request: Request) => Promise<Response> {
  const files = options.files ?? diskFiles
  let realRoot: Promise<string> | null = null
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refusal(405)
    const path = resolveAppPath(options.rendererDir, request.url)
    if (path === null) return refusal(400)
    let real: string
    let body: Uint8Array
    try {
      realRoot ??= files.realpath(resolve(options.rendererDir))
      // Following symlinks: a link inside the folder must not lead out of it.
      real = await files.realpath(path)
      if (!isInside(await realRoot, real)) return refusal(404)
      body = await files.readFile(real)
    } catch {
      // Missing, a folder, unreadable: nothing to serve either way.
      realRoot = null
      return refusal(404)
    }
    const headers: Record<string, string> = {
      'Content-Type': mimeType(real),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache'
    }
    if (extname(real).toLowerCase() === '.html') {
      const page = PAGE_BY_FILE.get(relative(await realRoot, real))
      // Only the three pages are documents here, each with its own policy.
      if (!page) return refusal(404)
      headers['Content-Security-Policy'] = pageCspHeader(page)
    }
    return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers })
  }
}
