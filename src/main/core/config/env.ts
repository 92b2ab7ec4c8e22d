import { join } from 'node:path'
import { ROLES, type ModelRole } from '../../../shared/schemas'

export const DEFAULT_MODEL_BASE_URL = 'http://127.0.0.1:8080/v1'
export const DEFAULT_MODEL = 'local-main'

/** What the environment says (each value also settable in Settings; the environment wins). */
export interface EnvConfig {
  dbPath: string
  apiToken?: string
  modelBaseUrl?: string
  modelApiKey?: string
  /** Per-role model names the environment pins (DUCK_MODEL_<ROLE>, else DUCK_MODEL). */
  models: Partial<Record<ModelRole, string>>
  /** The sudo program, where it is not `sudo` on PATH (DUCK_SUDO_PATH). */
  sudoPath?: string
}

export function readEnvConfig(userDataDir: string, env: NodeJS.ProcessEnv = process.env): EnvConfig {
  const nonEmpty = (name: string): string | undefined => {
    const value = env[name]?.trim()
    return value ? value : undefined
  }
  const models: Partial<Record<ModelRole, string>> = {}
  const all = nonEmpty('DUCK_MODEL')
  for (const role of ROLES) {
    const value = nonEmpty(`DUCK_MODEL_${role.toUpperCase()}`) ?? all
    if (value) models[role] = value
  }
  const config: EnvConfig = {
    dbPath: nonEmpty('DUCK_DB_PATH') ?? join(userDataDir, 'duck.sqlite3'),
    models
  }
  const apiToken = nonEmpty('DUCK_API_TOKEN')
  const modelBaseUrl = nonEmpty('DUCK_MODEL_BASE_URL')
  const modelApiKey = nonEmpty('DUCK_MODEL_API_KEY')
  if (apiToken) config.apiToken = apiToken
  if (modelBaseUrl) config.modelBaseUrl = modelBaseUrl
  if (modelApiKey) config.modelApiKey = modelApiKey
  const sudoPath = nonEmpty('DUCK_SUDO_PATH')
  if (sudoPath) config.sudoPath = sudoPath
  return config
}
