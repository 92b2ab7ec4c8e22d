import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readEnvConfig } from '../../src/main/core/config/env'
import { DuckService } from '../../src/main/core/service'
import { listen, type RunningServer } from '../../src/main/server/listen'

export interface TestDuck {
  server: RunningServer
  service: DuckService
  dataDir: string
  /** fetch against the server with the bearer token. */
  api(path: string, init?: RequestInit): Promise<Response>
  stop(): Promise<void>
}

/** The real headless server, in process, on a free loopback port, with a fresh database. */
export async function startTestDuck(env: Record<string, string> = {}): Promise<TestDuck> {
  const dataDir = mkdtempSync(join(tmpdir(), 'duck-it-'))
  const service = new DuckService({
    env: readEnvConfig(dataDir, { DUCK_DB_PATH: join(dataDir, 'duck.sqlite3'), ...env }),
    userDataDir: dataDir
  })
  const server = await listen({ service, port: 0, token: 'test-token' })
  return {
    server,
    service,
    dataDir,
    api: (path, init = {}) =>
      fetch(server.url + path, {
        ...init,
        headers: {
          Authorization: `Bearer ${server.token}`,
          ...(init.body ? { 'Content-Type': 'application/json' } : {}),
          ...(init.headers as Record<string, string> | undefined)
        }
      }),
    async stop() {
      await server.close()
      await service.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}
