/**
 * Hardening that applies to every window. No electron value import: `main.ts` passes the real
 * objects, the tests fakes.
 */
import type { PageName } from './pages'

/** Links the app may hand to the OS browser: https only, without credentials in the address. */
export function isExternalLinkAllowed(url: string): boolean {
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === ''
  } catch {
    return false
  }
}

/** The parts of WebContents that navigation locking uses. */
export interface NavigableContents {
  on(
    event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate',
    listener: (event: { preventDefault(): void; url?: string }, url?: string) => void
  ): unknown
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void
}

/**
 * No navigation away from the window's own page, no webviews, no new windows; allow-listed
 * (https) links open in the OS browser instead.
 */
export function lockNavigation(
  contents: NavigableContents,
  isOwnPage: (url: string) => boolean,
  openExternal: (url: string) => void
): void {
  const guard = (event: { preventDefault(): void; url?: string }, url?: string): void => {
    const target = url ?? event.url ?? ''
    if (!isOwnPage(target)) event.preventDefault()
  }
  contents.on('will-navigate', guard)
  contents.on('will-redirect', guard)
  contents.on('will-frame-navigate', guard)
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLinkAllowed(url)) openExternal(url)
    return { action: 'deny' }
  })
}

export interface PermissionSession {
  setPermissionRequestHandler(
    handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void
  ): void
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void
  setDevicePermissionHandler(handler: () => boolean): void
}

/**
 * The one permission Duck's pages use: `navigator.clipboard.writeText` (every Copy button) needs
 * `clipboard-sanitized-write`. Reading the clipboard, camera, microphone, notifications from a
 * page, geolocation, USB…: never.
 */
export const GRANTED_PERMISSIONS: readonly string[] = ['clipboard-sanitized-write']

/**
 * Grants `GRANTED_PERMISSIONS` to the webContents of our own windows (`isAppContents`: made by
 * the window factory) and denies everything else, requests and checks alike.
 */
export function restrictPermissions(session: PermissionSession, isAppContents: (contents: unknown) => boolean): void {
  const allowed = (contents: unknown, permission: string): boolean =>
    GRANTED_PERMISSIONS.includes(permission) && contents !== null && contents !== undefined && isAppContents(contents)
  session.setPermissionRequestHandler((contents, permission, callback) => callback(allowed(contents, permission)))
  session.setPermissionCheckHandler((contents, permission) => allowed(contents, permission))
  session.setDevicePermissionHandler(() => false)
}

export interface SessionLike extends PermissionSession {
  setSpellCheckerEnabled(enable: boolean): void
}

/**
 * The default session's rules: the permission policy above, and no spellchecker (on Linux and
 * Windows it would download its dictionaries from Google's CDN; webPreferences turn it off too).
 */
export function hardenSession(session: SessionLike, isAppContents: (contents: unknown) => boolean): void {
  restrictPermissions(session, isAppContents)
  session.setSpellCheckerEnabled(false)
}

/** What every Duck page's CSP must say (a test checks each HTML file against it). */
export const PAGE_CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"]
} as const

const WINDOW_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'"
const SHEET_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'"

/**
 * Each page's CSP: the same policy its HTML declares in a meta tag (for the headless server's
 * browser too; a test keeps the two in step), sent by `duck://` as a response header, where
 * `frame-ancestors` also works.
 */
export const PAGE_CSP: Record<PageName, string> = {
  main: WINDOW_CSP,
  'quick-ask': WINDOW_CSP,
  'password-sheet': SHEET_CSP
}

export function pageCspHeader(page: PageName): string {
  return `${PAGE_CSP[page]}; frame-ancestors 'none'`
}

/** Parses a CSP string into directive → sources. */
export function parseCsp(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>()
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/)
    if (name) directives.set(name.toLowerCase(), sources)
  }
  return directives
}

/** Why a page's CSP is not strict enough, or null when it is. */
export function cspProblem(policy: string): string | null {
  const csp = parseCsp(policy)
  for (const [name, expected] of Object.entries(PAGE_CSP_DIRECTIVES)) {
    const sources = csp.get(name)
    if (!sources) return `${name} is missing`
    if (sources.join(' ') !== expected.join(' '))
      return `${name} is "${sources.join(' ')}", expected "${expected.join(' ')}"`
  }
  for (const [name, sources] of csp) {
    if (sources.some((s) => s === "'unsafe-eval'" || s === '*')) return `${name} allows ${sources.join(' ')}`
    if ((name === 'script-src' || name === 'default-src') && sources.includes("'unsafe-inline'"))
      return `${name} allows inline scripts`
  }
  return null
}
