import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { MemorySecretStore } from '../config/secrets'
import { parseConfig } from './config'
import { describeLaunch, fingerprint } from './launch'
import {
  extractSecretValues,
  referencedEntries,
  rememberSecret,
  resolveSecretMap,
  scrubSecrets,
  SecretUnavailableError
} from './secrets'

describe('keychain references in mcp.json', () => {
  it('accepts {"keychain": "<entry>"} in env and headers', () => {
    const parsed = parseConfig({
      mcpServers: {
        gh: { command: 'node', env: { GITHUB_TOKEN: { keychain: 'github' }, LEVEL: 'debug' } },
        web: { url: 'http://127.0.0.1:1/mcp', headers: { Authorization: { keychain: 'web.auth' } } }
      }
    })
    expect(parsed.invalid).toEqual(new Map())
    expect(parsed.servers.get('gh')?.env).toEqual({ GITHUB_TOKEN: { keychain: 'github' }, LEVEL: 'debug' })
    expect(parsed.servers.get('web')?.headers).toEqual({ Authorization: { keychain: 'web.auth' } })
  })

  it('refuses a secret value written into the file itself', () => {
    const parsed = parseConfig({
      mcpServers: { gh: { command: 'node', env: { T: { keychain: 'g', value: 's3cret' } } } }
    })
    expect(parsed.invalid.get('gh')).toMatch(/^mcpServers\.gh\.env\.T holds a secret: the file keeps only/)
  })

  it('refuses a plain value that is too long, with the limit', () => {
    const parsed = parseConfig({ mcpServers: { gh: { command: 'node', env: { T: 'x'.repeat(32_769) } } } })
    expect(parsed.invalid.get('gh')).toBe('mcpServers.gh.env.T is longer than 32,768 characters')
  })

  it('the fingerprint holds the variable names whether a value is plain or in the keychain', () => {
    const plain = parseConfig({ mcpServers: { a: { command: '/bin/sh', env: { T: 'x' } } } }).servers.get('a')
    const kept = parseConfig({ mcpServers: { a: { command: '/bin/sh', env: { T: { keychain: 't' } } } } }).servers.get(
      'a'
    )
    if (!plain || !kept) throw new Error('both entries parse')
    const launch = describeLaunch(kept, '/usr/bin:/bin', '/')
    expect(launch.env_names).toEqual(['T'])
    expect(fingerprint(launch)).toBe(fingerprint(describeLaunch(plain, '/usr/bin:/bin', '/')))
  })
})

describe('extractSecretValues', () => {
  it('takes the values out and leaves the references', () => {
    const { servers, values, problem } = extractSecretValues({
      a: { command: 'x', env: { T: { keychain: 'one', value: 'v1' }, P: 'plain' } },
      b: { url: 'http://127.0.0.1:1/', headers: { Authorization: { keychain: 'two', value: 'Bearer v2' } } },
      c: 'not an entry'
    })
    expect(problem).toBeNull()
    expect(servers).toEqual({
      a: { command: 'x', env: { T: { keychain: 'one' }, P: 'plain' } },
      b: { url: 'http://127.0.0.1:1/', headers: { Authorization: { keychain: 'two' } } },
      c: 'not an entry'
    })
    expect(values).toEqual(
      new Map([
        ['one', 'v1'],
        ['two', 'Bearer v2']
      ])
    )
    expect(referencedEntries(servers)).toEqual(new Set(['one', 'two']))
  })

  it('refuses one entry given two different values', () => {
    const { problem } = extractSecretValues({
      a: { command: 'x', env: { T: { keychain: 'one', value: 'v1' } } },
      b: { command: 'x', env: { T: { keychain: 'one', value: 'v2' } } }
    })
    expect(problem).toBe('mcpServers.b.env.T: the keychain entry "one" is given two different values')
  })
})

describe('resolveSecretMap', () => {
  it('reads references from the mcp: accounts and never the model API key', async () => {
    const store = new MemorySecretStore()
    await store.set('mcp:gh', 'from-keychain')
    await store.set('model-api-key', 'sk-model')
    const open = () => Promise.resolve(store)
    expect(await resolveSecretMap({ A: { keychain: 'gh' }, B: 'plain' }, 'env', 's', open)).toEqual({
      A: 'from-keychain',
      B: 'plain'
    })
    const missing = resolveSecretMap({ A: { keychain: 'model-api-key' } }, 'env', 's', open)
    await expect(missing).rejects.toBeInstanceOf(SecretUnavailableError)
    await expect(missing).rejects.toThrow(
      /env\.A is to come from the keychain entry "model-api-key", which is not there/
    )
  })

  it('says why when the store cannot be read, without the value', async () => {
    const store = new MemorySecretStore()
    store.get = () => Promise.reject(new Error('the keychain is locked\nmore'))
    await expect(
      resolveSecretMap({ A: { keychain: 'gh' } }, 'headers', 's', () => Promise.resolve(store))
    ).rejects.toThrow(
      'headers.A is to come from the keychain entry "gh", which could not be read (the keychain is locked)'
    )
  })
})

describe('scrubSecrets', () => {
  it('replaces remembered values, longest first, also as they read inside JSON', () => {
    const id = randomUUID()
    const short = `s-${id}`
    const long = `${short}-and-more`
    const quoted = `q"${id}\\x`
    rememberSecret(short)
    rememberSecret(long)
    rememberSecret(quoted)
    expect(scrubSecrets(`a ${long} b ${short} c`)).toBe('a [secret] b [secret] c')
    expect(scrubSecrets(JSON.stringify({ v: quoted }))).toBe('{"v":"[secret]"}')
  })

  it('leaves values too short to scrub, and text without secrets, alone', () => {
    rememberSecret('abc')
    expect(scrubSecrets('abc abcd')).toBe('abc abcd')
  })

  it('plain values count as secrets when the name says so', async () => {
    const token = `plain-${randomUUID()}`
    const note = `note-${randomUUID()}`
    await resolveSecretMap({ API_TOKEN: token, NOTE: note }, 'env', 's', () => Promise.resolve(new MemorySecretStore()))
    expect(scrubSecrets(`${token} ${note}`)).toBe(`[secret] ${note}`)
  })
})
