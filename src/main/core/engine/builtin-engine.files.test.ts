/**
 * The built-in engine refusing bad model files: a clear `ModelError` a person can act on, and
 * nothing left hanging. Real worker process, real node-llama-cpp, the tiny test models.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { tinyModelPath } from '../../../../test/support/tiny-models'
import type { ModelRole } from '../../../shared/schemas'
import { isModelError, ModelError } from '../model/errors'
import type { ChatMessage } from '../model/types'
import { BuiltinEngine, type BuiltinEngineOptions } from './builtin-engine'

// A test here starts an engine worker, which loads llama.cpp before it reads the file: 4-6 s on a
// quiet 2-core machine, and more than twice that while other test files run beside it.
vi.setConfig({ testTimeout: 60_000 })

const HELLO: ChatMessage[] = [{ role: 'user', content: 'Hello there' }]

function allRoles(path: string): Record<ModelRole, string> {
  return { action: path, thinker: path, memory_policy: path, critic: path }
}

function engine(options: Partial<BuiltinEngineOptions> & { models: Record<ModelRole, string> }): BuiltinEngine {
  return new BuiltinEngine({ contextLength: 1024, threads: 1, gpu: 'cpu', onLog: () => undefined, ...options })
}

/** The first `bytes` bytes of a file. */
function head(path: string, bytes: number): Buffer {
  const out = Buffer.alloc(bytes)
  const fd = openSync(path, 'r')
  try {
    readSync(fd, out, 0, bytes, 0)
  } finally {
    closeSync(fd)
  }
  return out
}

let plain: string
let dir: string

beforeAll(async () => {
  plain = await tinyModelPath('plain')
  dir = mkdtempSync(join(tmpdir(), 'duck-engine-files-'))
}, 120_000)
afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
})

describe('bad model files', () => {
  async function loadError(
    path: string,
    options: Partial<BuiltinEngineOptions> = {},
    checkGoodModel = false
  ): Promise<ModelError> {
    // The answer role keeps a good model: a bad file must not leave the engine unusable.
    const duck = engine({ models: { ...allRoles(plain), action: path }, ...options })
    try {
      const started = performance.now()
      const error = await duck.load('action').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ModelError)
      expect(performance.now() - started).toBeLessThan(15_000)
      expect(duck.status.state).toBe('error')
      // A chat on the bad file fails the same way…
      const again = await duck.chat('action', HELLO, { maxTokens: 4 }).catch((e: unknown) => e)
      expect((again as Error).message).toBe((error as Error).message)
      if (checkGoodModel) {
        // …and the good one still answers.
        const ok = await duck.chat('thinker', HELLO, { maxTokens: 4 })
        expect(ok.usageCompletionTokens).toBeGreaterThan(0)
      }
      return error as ModelError
    } finally {
      await duck.close()
    }
  }

  it('a missing file', async () => {
    const error = await loadError(join(dir, 'no-such-model.gguf'), {}, true)
    expect(error.code).toBe('engine_load_failed')
    expect(error.message).toMatch(/no-such-model\.gguf does not exist\. Choose another model or download it again\./)
  })

  it('a text file renamed .gguf', async () => {
    const path = join(dir, 'notes.gguf')
    writeFileSync(path, 'These are my notes, not a model.\n')
    const error = await loadError(path)
    expect(error.code).toBe('engine_load_failed')
    expect(error.message).toBe('notes.gguf is not a GGUF model file. Choose a .gguf model made for llama.cpp.')
  })

  it('a truncated GGUF (the first half of a real one)', async () => {
    const path = join(dir, 'half.gguf')
    writeFileSync(path, head(plain, Math.floor(statSync(plain).size / 2)))
    const error = await loadError(path)
    expect(error.code).toBe('engine_load_failed')
    expect(error.message).toMatch(/^half\.gguf is incomplete: .* Download it again\.$/)
  })

  it('a file cut off inside its header', async () => {
    const path = join(dir, 'copy.gguf')
    writeFileSync(path, head(plain, 64 * 1024))
    const error = await loadError(path)
    expect(error.code).toBe('engine_load_failed')
    expect(error.message).toMatch(/^copy\.gguf is incomplete/)
  })

  it('a model too big for the memory it may use', async () => {
    const error = await loadError(plain, { memoryCapBytes: 1024 * 1024 })
    expect(error.code).toBe('engine_load_failed')
    expect(error.message).toMatch(
      /^tiny-plain\.gguf is too big for the memory available: with a 1024-token context it needs about [\d.]+ [MG]B, and the engine may use at most 1 MB\. Choose a smaller model or a shorter context\.$/
    )
  })

  it('no model chosen', async () => {
    const duck = engine({ models: { ...allRoles(plain), critic: '' } })
    try {
      const error = await duck.chat('critic', HELLO).catch((e: unknown) => e)
      expect(isModelError(error, 'engine_no_model')).toBe(true)
      expect((error as Error).message).toMatch(/No model is chosen for the critic role/)
      expect(await duck.contextLength('critic')).toBeNull()
    } finally {
      await duck.close()
    }
  })
})
