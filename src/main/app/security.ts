/**
 * Hardening that applies to every window. No electron value import: `main.ts` passes the real
 * objects, the tests fakes.
 */

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
  setPermissionCheckHandler(handler: () => boolean): void
  setDevicePermissionHandler(handler: () => boolean): void
}

/** Camera, microphone, notifications-from-page, geolocation, USB…: Duck's pages never need them. */
export function denyPermissions(session: PermissionSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
  session.setDevicePermissionHandler(() => false)
}

/** The CSP every Duck page declares (a test checks each HTML file against it). */
export const PAGE_CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"]
} as const

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
