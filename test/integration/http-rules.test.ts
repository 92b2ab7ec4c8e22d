import { Agent, request } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
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

  it('after a 413 the next request on the same connection still works', async () => {
    // One socket for both requests, as a keep-alive client (Node's fetch) reuses it.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const send = (body: string) =>
      new Promise<{ status: number; body: string; socket: unknown }>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: duck.server.port,
            path: '/v1/settings',
            method: body ? 'PUT' : 'GET',
            agent,
            headers: { Authorization: 'Bearer test-token', 'Content-Type': 'application/json' }
          },
          (res) => {
            let text = ''
            res.on('data', (chunk: Buffer) => (text += chunk.toString()))
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, socket: res.socket }))
          }
        )
        req.on('error', reject)
        req.end(body)
      })
    try {
      const big = await send('{"x":"' + 'y'.repeat(2 * 1024 * 1024) + '"}')
      expect(big.status).toBe(413)
      expect(JSON.parse(big.body)).toMatchObject({ error: { code: 'payload_too_large' } })
      // Requests that follow at once and over the next second all succeed.
      for (let i = 0; i < 6; i++) {
        expect((await send('')).status).toBe(200)
        await new Promise((r) => setTimeout(r, 150))
      }
    } finally {
      agent.destroy()
    }
    // The same with fetch, which keeps connections alive by default.
    const big = await duck.api('/v1/settings', { method: 'PUT', body: 'z'.repeat(2 * 1024 * 1024) })
    expect(big.status).toBe(413)
    for (let i = 0; i < 4; i++) {
      expect((await duck.api('/v1/settings')).status).toBe(200)
      await new Promise((r) => setTimeout(r, 200))
    }
  })

  it('refuses a JSON body that is not valid UTF-8, and stores nothing', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'duck-utf8-'))
    try {
      const before = await (await duck.api('/v1/conversations')).json()
      const prefix = Buffer.from(`{"workspace":${JSON.stringify(workspace)},"message":"hi `)
      for (const bad of [[0xff], [0xc3, 0x28], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe0, 0x80, 0xaf]]) {
        const body = Buffer.concat([prefix, Buffer.from(bad), Buffer.from('"}')])
        const response = await duck.api('/v1/chat/stream', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body
        })
        expect(response.status, `bytes ${bad.join(' ')}`).toBe(400)
        expect(await response.json()).toEqual({
          error: { code: 'invalid_input', message: expect.stringMatching(/UTF-8/) }
        })
      }
      expect(await (await duck.api('/v1/conversations')).json()).toEqual(before)
    } finally {
      rmSync(workspace, { recursive: true, force: true })
    }
  })

  it('a workspace must exist as the filesystem sees it: "/missing/.." is not "/"', async () => {
    const response = await duck.api('/v1/chat/stream', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ workspace: '/duck-no-such-folder/..', message: 'hi' })
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({
      error: { code: 'invalid_input', message: expect.stringMatching(/does not exist/) }
    })
  })
})
