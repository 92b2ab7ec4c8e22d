import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestDuck, type TestDuck } from '../support/duck-server'

let duck: TestDuck
beforeAll(async () => {
  duck = await startTestDuck()
})
afterAll(async () => {
  await duck.stop()
})

/** A raw request, so the Host header can be anything. */
function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: duck.server.port, path, headers }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('the local API rules', () => {
  it('answers health without a token', async () => {
    const response = await fetch(`${duck.server.url}/v1/health`)
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ status: 'ok', version: expect.any(String) })
  })

  it('refuses /v1 routes without the right token', async () => {
    const none = await fetch(`${duck.server.url}/v1/conversations`)
    expect(none.status).toBe(401)
    expect(await none.json()).toEqual({ error: { code: 'unauthorized', message: expect.stringMatching(/token/) } })
    const wrong = await fetch(`${duck.server.url}/v1/conversations`, { headers: { Authorization: 'Bearer nope' } })
    expect(wrong.status).toBe(401)
  })

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const evil = await rawGet('/v1/health', { Host: 'evil.example' })
    expect(evil.status).toBe(403)
    expect(JSON.parse(evil.body)).toMatchObject({ error: { code: 'forbidden' } })
    const local = await rawGet('/v1/health', { Host: `localhost:${duck.server.port}` })
    expect(local.status).toBe(200)
  })

  it('refuses a cross-origin browser request and grants no CORS', async () => {
    const response = await fetch(`${duck.server.url}/v1/health`, { headers: { Origin: 'https://evil.example' } })
    expect(response.status).toBe(403)
    expect(response.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('answers unknown routes with a JSON 404', async () => {
    const response = await duck.api('/v1/nothing-here')
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ error: { code: 'not_found' } })
  })

  it('answers a body over the limit with 413', async () => {
    const response = await duck.api('/v1/chat/stream', { method: 'POST', body: 'x'.repeat(2 * 1024 * 1024) })
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({ error: { code: 'payload_too_large' } })
  })
})
