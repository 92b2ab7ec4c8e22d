import { timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { sendError } from './errors'

/** Only the loopback names of our own port are accepted (DNS-rebinding protection). */
export function hostCheck(getPort: () => number): MiddlewareHandler {
  return async (c, next) => {
    const port = getPort()
    const allowed = new Set([`127.0.0.1:${port}`, `localhost:${port}`])
    const host = c.req.header('host')?.toLowerCase()
    if (!host || !allowed.has(host)) {
      return sendError(c, 'forbidden', 'This Duck server only answers requests addressed to 127.0.0.1 or localhost.')
    }
    const origin = c.req.header('origin')
    if (origin && origin !== 'null') {
      let originHost: string | undefined
      try {
        originHost = new URL(origin).host.toLowerCase()
      } catch {
        originHost = undefined
      }
      if (!originHost || !allowed.has(originHost)) {
        return sendError(c, 'forbidden', 'Cross-origin requests are not allowed.')
      }
    }
    await next()
  }
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** `Authorization: Bearer <token>` on every /v1 route except /v1/health. */
export function bearerAuth(token: string): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.path === '/v1/health') return next()
    const header = c.req.header('authorization') ?? ''
    const match = /^Bearer\s+(.+)$/i.exec(header)
    if (!match?.[1] || !sameToken(match[1].trim(), token)) {
      return sendError(c, 'unauthorized', 'Missing or wrong API token. Send "Authorization: Bearer <token>".')
    }
    await next()
  }
}

/** Sent with every response (task streams, written straight to the socket, send them themselves). */
export const RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Resource-Policy': 'same-origin'
}
