import { join, resolve } from 'node:path'
import { ROLES, type ModelRole } from '../../../shared/schemas'

export const DEFAULT_MODEL_BASE_URL = 'http://127.0.0.1:8080/v1'
export const DEFAULT_MODEL = 'local-main'
export const DEFAULT_ENGINE_CONTEXT_LENGTH = 8192

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
  /** DUCK_ENGINE; when unset, `server` if DUCK_MODEL_BASE_URL is set, else what Settings say. */
  engine?: 'builtin' | 'server'
  /** Per-role `.gguf` paths the environment pins for the built-in engine (DUCK_ENGINE_MODEL[_<ROLE>]). */
  engineModels: Partial<Record<ModelRole, string>>
  /** Where the model manager keeps models (DUCK_MODELS_DIR). */
  modelsDir: string
  /** Another model catalog file (DUCK_MODEL_CATALOG), e.g. for tests or an organisation's own list. */
  modelCatalog?: string
  /** The MCP configuration file (DUCK_MCP_CONFIG); default `<user data dir>/mcp.json`. */
  mcpConfig?: string
}

export class EnvConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'EnvConfigError'
  }
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
  const engineModels: Partial<Record<ModelRole, string>> = {}
  const allEngine = nonEmpty('DUCK_ENGINE_MODEL')
  for (const role of ROLES) {
    const value = nonEmpty(`DUCK_ENGINE_MODEL_${role.toUpperCase()}`) ?? allEngine
    if (value) engineModels[role] = resolve(value)
  }
  const config: EnvConfig = {
    dbPath: nonEmpty('DUCK_DB_PATH') ?? join(userDataDir, 'duck.sqlite3'),
    models,
    engineModels,
    modelsDir: resolve(nonEmpty('DUCK_MODELS_DIR') ?? join(userDataDir, 'models'))
  }
  const engine = nonEmpty('DUCK_ENGINE')?.toLowerCase()
  if (engine !== undefined) {
    if (engine !== 'builtin' && engine !== 'server') {
      throw new EnvConfigError(`DUCK_ENGINE must be "builtin" or "server", not "${engine}".`)
    }
    config.engine = engine
  }
  const catalog = nonEmpty('DUCK_MODEL_CATALOG')
  if (catalog) config.modelCatalog = resolve(catalog)
  const apiToken = nonEmpty('DUCK_API_TOKEN')
  const modelBaseUrl = nonEmpty('DUCK_MODEL_BASE_URL')
  const modelApiKey = nonEmpty('DUCK_MODEL_API_KEY')
  if (apiToken) config.apiToken = apiToken
  if (modelBaseUrl) config.modelBaseUrl = modelBaseUrl
  if (modelApiKey) config.modelApiKey = modelApiKey
  const mcpConfig = nonEmpty('DUCK_MCP_CONFIG')
  if (mcpConfig) config.mcpConfig = resolve(mcpConfig)
  const sudoPath = nonEmpty('DUCK_SUDO_PATH')
  if (sudoPath) config.sudoPath = sudoPath
  return config
}
