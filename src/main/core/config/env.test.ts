import { describe, expect, it } from 'vitest'
import { readEnvConfig } from './env'
import { defaultUserDataDir } from './paths'

describe('readEnvConfig', () => {
  it('defaults the database into the user data folder', () => {
    expect(readEnvConfig('/data/Duck', {}).dbPath).toBe('/data/Duck/duck.sqlite3')
  })

  it('lets a per-role model override DUCK_MODEL', () => {
    const config = readEnvConfig('/d', { DUCK_MODEL: 'qwen', DUCK_MODEL_CRITIC: 'small' })
    expect(config.models).toEqual({
      action: 'qwen',
      thinker: 'qwen',
      memory_policy: 'qwen',
      critic: 'small'
    })
  })

  it('ignores empty variables', () => {
    const config = readEnvConfig('/d', { DUCK_API_TOKEN: '  ', DUCK_MODEL_BASE_URL: '' })
    expect(config.apiToken).toBeUndefined()
    expect(config.modelBaseUrl).toBeUndefined()
  })
})

describe('defaultUserDataDir', () => {
  it('follows XDG on Linux', () => {
    expect(defaultUserDataDir('linux', { XDG_CONFIG_HOME: '/x' })).toBe('/x/Duck')
  })
})
