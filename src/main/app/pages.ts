import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

/** Duck's pages; each window kind shows exactly one of them. */
export type PageName = 'main' | 'quick-ask' | 'password-sheet'

export const PAGE_FILES: Record<PageName, string> = {
  main: 'index.html',
  'quick-ask': 'quick-ask.html',
  'password-sheet': 'password-sheet.html'
}

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
 * Pages are files in `out/renderer` in a build, or served by electron-vite's dev server in
 * development (`ELECTRON_RENDERER_URL`, never honoured in a packaged app).
 */
export function createPageLocator(options: {
  rendererDir: string
  devServerUrl?: string | undefined
  /** Added to every page's address (`testHooks=1` under DUCK_TEST_HOOKS=1). */
  baseQuery?: Record<string, string> | undefined
}): PageLocator {
  const bases = new Map<string, PageName>()
  const base = (page: PageName): URL =>
    options.devServerUrl
      ? new URL(
          PAGE_FILES[page],
          options.devServerUrl.endsWith('/') ? options.devServerUrl : `${options.devServerUrl}/`
        )
      : pathToFileURL(join(options.rendererDir, PAGE_FILES[page]))
  for (const page of Object.keys(PAGE_FILES) as PageName[]) bases.set(withoutQuery(base(page)), page)
  if (options.devServerUrl) bases.set(withoutQuery(new URL('/', options.devServerUrl)), 'main')

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
