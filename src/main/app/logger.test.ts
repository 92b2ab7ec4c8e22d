import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { captureConsole, createRotatingLogger } from './logger'
import { redact, redactText, redactToString, REDACTED } from './redact'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function logDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'duck-logs-'))
  dirs.push(dir)
  return dir
}

describe('redaction', () => {
  it('replaces secret-named keys anywhere in an object', () => {
    const value = {
      password: 'hunter2',
      model_api_key: 'sk-live-1234567890',
      modelApiKey: 'sk-live-abc',
      nested: [{ Authorization: 'Bearer abc.def' }, { access_token: 't0k3n' }],
      output_tokens: 42,
      model_api_key_set: true,
      command: 'sudo apt update'
    }
    const out = JSON.stringify(redact(value))
    for (const secret of ['hunter2', 'sk-live', 'abc.def', 't0k3n']) expect(out).not.toContain(secret)
    expect(redact(value)).toMatchObject({
      password: REDACTED,
      output_tokens: 42,
      model_api_key_set: true,
      command: 'sudo apt update'
    })
  })

  it('replaces known secret shapes in text and errors', () => {
    const text = redactText(
      'GET /v1/x?token=abcdef123 Authorization: Bearer eyJhbGciOi.xyz key sk-proj-ABCDEFGH12345678 {"password":"pw 1"} password=hunter2 ghp_abcdefghijklmnop1234'
    )
    for (const secret of ['abcdef123', 'eyJhbGciOi', 'sk-proj-ABCDEFGH', 'pw 1', 'hunter2', 'ghp_abcdefghijklmnop'])
      expect(text).not.toContain(secret)
    const error = redactToString(new Error('auth failed for Bearer s3cr3t-token'))
    expect(error).toContain('auth failed')
    expect(error).not.toContain('s3cr3t-token')
  })

  it('copes with cycles and depth', () => {
    const a: Record<string, unknown> = { name: 'a' }
    a.self = a
    expect(redactToString(a)).toContain('"self":"[…]"')
  })
})

describe('the rotating logger', () => {
  it('writes redacted lines to userData/logs/duck.log', () => {
    const dir = logDir()
    const logger = createRotatingLogger({ dir, now: () => new Date('2025-01-01T00:00:00Z') })
    logger.info('settings updated', { model_api_key: 'sk-very-secret-key', models: { action: 'm' } })
    logger.error('request failed', new Error('401 for Bearer abcdefg'))
    const text = readFileSync(join(dir, 'duck.log'), 'utf8')
    expect(text).toContain(
      '2025-01-01T00:00:00.000Z INFO settings updated {"model_api_key":"[redacted]","models":{"action":"m"}}'
    )
    expect(text).toContain('ERROR request failed')
    expect(text).not.toContain('sk-very-secret-key')
    expect(text).not.toContain('abcdefg')
  })

  it('rolls over at the size limit and keeps three files at most', () => {
    const dir = logDir()
    const logger = createRotatingLogger({ dir, maxBytes: 1024, files: 3 })
    for (let i = 0; i < 200; i++) logger.info(`line ${i} ${'x'.repeat(40)}`)
    expect(readdirSync(dir).sort()).toEqual(['duck.1.log', 'duck.2.log', 'duck.log'])
    for (const file of readdirSync(dir)) expect(statSync(join(dir, file)).size).toBeLessThanOrEqual(1024)
    expect(readFileSync(join(dir, 'duck.log'), 'utf8')).toContain('line 199')
    // A new logger continues the current file's size.
    const again = createRotatingLogger({ dir, maxBytes: 1024, files: 3 })
    again.info('one more')
    expect(statSync(join(dir, 'duck.log')).size).toBeLessThanOrEqual(1024)
  })

  it('copies console output into the log, redacted', () => {
    const dir = logDir()
    const logger = createRotatingLogger({ dir })
    const printed: unknown[][] = []
    const target = {
      log: (...args: unknown[]) => printed.push(args),
      info: (...args: unknown[]) => printed.push(args),
      warn: (...args: unknown[]) => printed.push(args),
      error: (...args: unknown[]) => printed.push(args)
    }
    captureConsole(logger, target)
    target.error('[duck] failed:', { password: 'hunter2' })
    expect(printed).toHaveLength(1)
    const text = readFileSync(join(dir, 'duck.log'), 'utf8')
    expect(text).toContain('ERROR [duck] failed: {"password":"[redacted]"}')
  })
})
