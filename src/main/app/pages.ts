/** Duck's pages; each window kind shows exactly one of them. */
export type PageName = 'main' | 'quick-ask' | 'password-sheet'

export const PAGE_FILES: Record<PageName, string> = {
  main: 'index.html',
  'quick-ask': 'quick-ask.html',
  'password-sheet': 'password-sheet.html'
}

/**
 * A built app's pages come from this scheme (`duck://app/index.html`), served by
 * `app-protocol.ts` from `out/renderer` only — not from `file://`, where `'self'` in a CSP would
 * cover every file on the disk.
 */
export const APP_SCHEME = 'duck'
export const APP_HOST = 'app'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`

export interface PageLocator {
  /** The address to load a page at, with an optional query (`?conversation=<id>`). */
  url(page: PageName, query?: Record<string, string>): string
  /** Which of our pages an address shows (query and hash ignored), or null for anything else. */
  pageOf(url: string): PageName | null
}

function withoutQuery(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`
}

/**
 * Pages are served at `duck://app/<page>.html` in a build, or by electron-vite's dev server in
 * development (`ELECTRON_RENDERER_URL`, never honoured in a packaged app).
 */
export function createPageLocator(options: {
  devServerUrl?: string | undefined
  /** Added to every page's address (`testHooks=1` under DUCK_TEST_HOOKS=1). */
  baseQuery?: Record<string, string> | undefined
}): PageLocator {
  const root = options.devServerUrl
    ? options.devServerUrl.endsWith('/')
      ? options.devServerUrl
      : `${options.devServerUrl}/`
    : `${APP_ORIGIN}/`
  const base = (page: PageName): URL => new URL(PAGE_FILES[page], root)
  const bases = new Map<string, PageName>()
  for (const page of Object.keys(PAGE_FILES) as PageName[]) bases.set(withoutQuery(base(page)), page)
  // The site's root is the main page (the dev server's, and ours: quick ask links to `/?conversation=`).
  bases.set(withoutQuery(new URL('/', root)), 'main')

  return {
    url(page, query) {
      const url = base(page)
      for (const [key, value] of Object.entries({ ...options.baseQuery, ...query })) url.searchParams.set(key, value)
      return url.href
    },
    pageOf(text) {
      let url: URL
      try {
        url = new URL(text)
      } catch {
        return null
      }
      if (url.username || url.password) return null
      return bases.get(withoutQuery(url)) ?? null
    }
  }
}
