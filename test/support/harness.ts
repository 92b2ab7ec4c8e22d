import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readEnvConfig } from '../../src/main/core/config/env'
import { DuckService, type DuckServiceOptions } from '../../src/main/core/service'
import { listen, type RunningServer } from '../../src/main/server/listen'
import { startFakeModelServer, type FakeModelServer } from './fake-model-server'
import { MODELS, writeFakeSudo } from './scripting'
import { parseSse, type WireEvent } from './sse'

export { MODELS, directive, hasObservations, messagesText, writeFakeSudo as fakeSudo } from './scripting'

export interface Harness {
  fake: FakeModelServer
  duck: DuckService
  server: RunningServer
  dataDir: string
  /** A fresh workspace folder for a test. */
  workspace(): string
  api(path: string, init?: RequestInit): Promise<Response>
  /** POSTs a stream route and returns the raw body and its parsed events. */
  stream(path: string, body: unknown): Promise<{ status: number; body: string; events: WireEvent[] }>
  /** Restarts the core on the same database (as after a crash or an app restart). */
  restart(): Promise<void>
  stop(): Promise<void>
}

export interface HarnessOptions extends Partial<DuckServiceOptions> {
  /** Run sudo through a fake that accepts this password (kept in the harness's temp folder). */
  sudoPassword?: string
}

export async function startHarness({ sudoPassword, ...options }: HarnessOptions = {}): Promise<Harness> {
  const fake = await startFakeModelServer()
  const dataDir = mkdtempSync(join(tmpdir(), 'duck-seed-'))
  if (sudoPassword !== undefined) options.tools = { ...options.tools, sudoPath: writeFakeSudo(dataDir, sudoPassword) }
  const env = {
    DUCK_DB_PATH: join(dataDir, 'duck.sqlite3'),
    DUCK_MODEL_BASE_URL: fake.url,
    DUCK_MODEL_ACTION: MODELS.action,
    DUCK_MODEL_THINKER: MODELS.thinker,
    DUCK_MODEL_MEMORY_POLICY: MODELS.memory_policy,
    DUCK_MODEL_CRITIC: MODELS.critic
  }
  const make = () =>
    new DuckService({
      env: readEnvConfig(dataDir, env),
      userDataDir: dataDir,
      modelTimeouts: { timeoutMs: 5000, idleTimeoutMs: 1000 },
      ...options
    })
  let duck = make()
  let server = await listen({ service: duck, port: 0, token: 'seed-token' })
  const workspaces: string[] = []
  const harness: Harness = {
    fake,
    get duck() {
      return duck
    },
    get server() {
      return server
    },
    dataDir,
    workspace() {
      const dir = mkdtempSync(join(tmpdir(), 'duck-ws-'))
      workspaces.push(dir)
      return dir
    },
    api(path, init = {}) {
      return fetch(server.url + path, {
        ...init,
        headers: {
          Authorization: 'Bearer seed-token',
          'Content-Type': 'application/json',
          ...(init.headers as Record<string, string>)
        }
      })
    },
    async stream(path, body) {
      const response = await harness.api(path, { method: 'POST', body: JSON.stringify(body) })
      const text = await response.text()
      return { status: response.status, body: text, events: response.ok ? parseSse(text) : [] }
    },
    async restart() {
      await server.close()
      await duck.close()
      duck = make()
      server = await listen({ service: duck, port: 0, token: 'seed-token' })
    },
    async stop() {
      await server.close()
      await duck.close()
      await fake.close()
      rmSync(dataDir, { recursive: true, force: true })
      for (const dir of workspaces) rmSync(dir, { recursive: true, force: true })
    }
  }
  return harness
}
