import { randomBytes } from 'node:crypto'
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import type { DuckService } from '../core/service'
import { createApp } from './app'

export const LOOPBACK = '127.0.0.1'

export interface RunningServer {
  url: string
  port: number
  token: string
  close(): Promise<void>
}

export interface ListenOptions {
  service: DuckService
  port: number
  /** DUCK_API_TOKEN, else a random token written to `<userDataDir>/api-token` (0600). */
  token?: string
  rendererDir?: string
}

export function generateToken(userDataDir: string): string {
  const token = randomBytes(24).toString('base64url')
  mkdirSync(userDataDir, { recursive: true })
  const file = join(userDataDir, 'api-token')
  // Written to a fresh 0600 file and renamed over the old one, so the token is never readable
  // through an older file's looser permissions.
  const temp = `${file}.${process.pid}.tmp`
  writeFileSync(temp, token + '\n', { mode: 0o600, flag: 'wx' })
  renameSync(temp, file)
  return token
}

/** Serves the local API on 127.0.0.1 only. Resolves once it accepts connections. */
export function listen(options: ListenOptions): Promise<RunningServer> {
  const token = options.token ?? generateToken(options.service.userDataDir)
  let port = options.port
  const app = createApp({
    service: options.service,
    token,
    getPort: () => port,
    ...(options.rendererDir ? { rendererDir: options.rendererDir } : {})
  })
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: LOOPBACK }, (info: AddressInfo) => {
      port = info.port
      resolve({
        url: `http://${LOOPBACK}:${port}`,
        port,
        token,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done())
            if ('closeAllConnections' in server) server.closeAllConnections()
          })
      })
    })
    server.once('error', reject)
  })
}
