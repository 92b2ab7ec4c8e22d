import { existsSync } from 'node:fs'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { DuckService } from '../core/service'
import { sendError, toErrorResponse } from './errors'
import { registerRoutes } from './routes'
import { bearerAuth, hostCheck, RESPONSE_HEADERS } from './security'

export const MAX_BODY_BYTES = 1024 * 1024

/** The page's policy: only our own scripts, styles and API; no inline script, no framing. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')

export interface AppOptions {
  service: DuckService
  token: string
  /** The port the server is bound to (known after listen). */
  getPort: () => number
  /** The built renderer (out/renderer); the UI is served from it at `/`. */
  rendererDir?: string
}

export function createApp(options: AppOptions): Hono {
  const app = new Hono()

  app.use('*', async (c, next) => {
    await next()
    for (const [name, value] of Object.entries(RESPONSE_HEADERS)) c.header(name, value)
    if (!c.req.path.startsWith('/v1/')) c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
  })
  app.use('*', hostCheck(options.getPort))
  app.use('/v1/*', bearerAuth(options.token))
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      // The unread rest of the body would otherwise sit on a keep-alive connection until the
      // server drops it under the client's next request: say the connection ends here.
      onError: (c) => {
        c.header('Connection', 'close')
        return sendError(c, 'payload_too_large', `The request body is larger than ${MAX_BODY_BYTES} bytes.`)
      }
    })
  )

  registerRoutes(app, options.service)

  app.all('/v1/*', (c) => sendError(c, 'not_found', `No route ${c.req.method} ${c.req.path}.`))

  const rendererDir = options.rendererDir
  if (rendererDir && existsSync(rendererDir)) {
    app.use('/*', serveStatic({ root: rendererDir }))
    // Unknown page paths fall back to the app shell.
    app.get('/*', serveStatic({ root: rendererDir, path: 'index.html' }))
  } else {
    app.get('/', (c) => c.text('Duck is running, but its window was not built. Run `npm run build` and restart.', 503))
  }

  app.notFound((c) => sendError(c, 'not_found', `Nothing at ${c.req.path}.`))
  app.onError((error, c) => toErrorResponse(c, error))
  return app
}
