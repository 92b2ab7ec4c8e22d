import type { Health } from '../../shared/dto'
import { closeDatabase, openDatabase, type Db } from './store/database'
import { DUCK_VERSION } from './version'
import type { EnvConfig } from './config/env'

export interface DuckServiceOptions {
  env: EnvConfig
  userDataDir: string
  /** A better-sqlite3 binding for the running runtime (Electron). */
  nativeBinding?: string
}

/**
 * The one façade over Duck's core. The HTTP routes and the IPC handlers are thin adapters
 * over this class; a feature is added here once and both transports get it.
 */
export class DuckService {
  readonly db: Db
  readonly env: EnvConfig
  readonly userDataDir: string
  private closed = false

  constructor(options: DuckServiceOptions) {
    this.env = options.env
    this.userDataDir = options.userDataDir
    this.db = openDatabase(
      options.env.dbPath,
      options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}
    )
  }

  health(): Health {
    return { status: 'ok', version: DUCK_VERSION }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    closeDatabase(this.db)
  }
}
