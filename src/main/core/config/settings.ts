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
import { DEFAULT_MODEL, DEFAULT_MODEL_BASE_URL, type EnvConfig } from './env'

/** The settings in force: defaults, then what the user saved, then the environment. */
export interface EffectiveSettings {
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
  if (env.modelBaseUrl) overrides.push('model_base_url')
  if (env.modelApiKey) overrides.push('model_api_key')
  const reasoning = ReasoningModeSchema.safeParse(saved.get('default_reasoning'))
  return {
    modelBaseUrl: env.modelBaseUrl ?? saved.get('model_base_url') ?? DEFAULT_MODEL_BASE_URL,
    models,
    defaultReasoning: reasoning.success ? reasoning.data : 'auto',
    memoryEnabled: saved.get('memory_enabled') !== 'false',
    reflectionEnabled: saved.get('reflection_enabled') !== 'false',
    envOverrides: overrides
  }
}

export function toSettingsDto(s: EffectiveSettings, apiKeySet: boolean): Settings {
  return {
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
    if (update.default_reasoning !== undefined) setSetting(db, 'default_reasoning', update.default_reasoning)
    if (update.memory_enabled !== undefined) setSetting(db, 'memory_enabled', String(update.memory_enabled))
    if (update.reflection_enabled !== undefined) setSetting(db, 'reflection_enabled', String(update.reflection_enabled))
  })()
}

export { deleteSetting }
