import type { Settings } from '../../../shared/dto'
import {
  ReasoningModeSchema,
  ROLES,
  type ModelRole,
  type ReasoningMode,
  type SettingsUpdate
} from '../../../shared/schemas'
import type { Db } from '../store/database'
import { deleteSetting, getAllSettings, setSetting } from '../store/settings-repo'
import { DEFAULT_ENGINE_CONTEXT_LENGTH, DEFAULT_MODEL, DEFAULT_MODEL_BASE_URL, type EnvConfig } from './env'

/** A role's model for the built-in engine: an installed model's id (Settings) or a file (the environment). */
export type EngineModelChoice = { kind: 'installed'; id: string } | { kind: 'file'; path: string } | null

/** The settings in force: defaults, then what the user saved, then the environment. */
export interface EffectiveSettings {
  engine: 'builtin' | 'server'
  engineModels: Record<ModelRole, EngineModelChoice>
  engineContextLength: number
  modelBaseUrl: string
  models: Record<ModelRole, string>
  defaultReasoning: ReasoningMode
  memoryEnabled: boolean
  reflectionEnabled: boolean
  envOverrides: string[]
}

export function effectiveSettings(db: Db, env: EnvConfig): EffectiveSettings {
  const saved = getAllSettings(db)
  const overrides: string[] = []
  const models = {} as Record<ModelRole, string>
  for (const role of ROLES) {
    const fromEnv = env.models[role]
    if (fromEnv) overrides.push(`models.${role}`)
    models[role] = fromEnv ?? saved.get(`model.${role}`) ?? DEFAULT_MODEL
  }
  const engineModels = {} as Record<ModelRole, EngineModelChoice>
  for (const role of ROLES) {
    const path = env.engineModels[role]
    const id = saved.get(`engine_model.${role}`)
    if (path) overrides.push(`engine_models.${role}`)
    engineModels[role] = path ? { kind: 'file', path } : id ? { kind: 'installed', id } : null
  }
  const savedEngine = saved.get('engine')
  const engine = env.engine ?? (env.modelBaseUrl ? 'server' : savedEngine === 'builtin' ? 'builtin' : 'server')
  if (env.engine || env.modelBaseUrl) overrides.push('engine')
  const savedContext = Number(saved.get('engine_context_length'))
  if (env.modelBaseUrl) overrides.push('model_base_url')
  if (env.modelApiKey) overrides.push('model_api_key')
  const reasoning = ReasoningModeSchema.safeParse(saved.get('default_reasoning'))
  return {
    engine,
    engineModels,
    engineContextLength:
      Number.isInteger(savedContext) && savedContext > 0 ? savedContext : DEFAULT_ENGINE_CONTEXT_LENGTH,
    modelBaseUrl: env.modelBaseUrl ?? saved.get('model_base_url') ?? DEFAULT_MODEL_BASE_URL,
    models,
    defaultReasoning: reasoning.success ? reasoning.data : 'auto',
    memoryEnabled: saved.get('memory_enabled') !== 'false',
    reflectionEnabled: saved.get('reflection_enabled') !== 'false',
    envOverrides: overrides
  }
}

export function toSettingsDto(s: EffectiveSettings, apiKeySet: boolean): Settings {
  const engineModels = {} as Record<ModelRole, string | null>
  for (const role of ROLES) {
    const choice = s.engineModels[role]
    engineModels[role] = choice === null ? null : choice.kind === 'installed' ? choice.id : choice.path
  }
  return {
    engine: s.engine,
    engine_models: engineModels,
    engine_context_length: s.engineContextLength,
    model_base_url: s.modelBaseUrl,
    models: s.models,
    model_api_key_set: apiKeySet,
    default_reasoning: s.defaultReasoning,
    memory_enabled: s.memoryEnabled,
    reflection_enabled: s.reflectionEnabled,
    env_overrides: s.envOverrides
  }
}

/** Saves what the update names (the API key is handled by the secret store, not here). */
export function saveSettings(db: Db, update: SettingsUpdate): void {
  db.transaction(() => {
    if (update.model_base_url !== undefined) setSetting(db, 'model_base_url', update.model_base_url.replace(/\/+$/, ''))
    for (const role of ROLES) {
      const value = update.models?.[role]
      if (value !== undefined) setSetting(db, `model.${role}`, value)
    }
    if (update.engine !== undefined) setSetting(db, 'engine', update.engine)
    for (const role of ROLES) {
      const value = update.engine_models?.[role]
      if (value === null) deleteSetting(db, `engine_model.${role}`)
      else if (value !== undefined) setSetting(db, `engine_model.${role}`, value)
    }
    if (update.engine_context_length !== undefined)
      setSetting(db, 'engine_context_length', String(update.engine_context_length))
    if (update.default_reasoning !== undefined) setSetting(db, 'default_reasoning', update.default_reasoning)
    if (update.memory_enabled !== undefined) setSetting(db, 'memory_enabled', String(update.memory_enabled))
    if (update.reflection_enabled !== undefined) setSetting(db, 'reflection_enabled', String(update.reflection_enabled))
  })()
}

export { deleteSetting }
