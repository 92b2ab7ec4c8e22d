/**
 * A local HTTP server for one model file, with what real download hosts do and what goes wrong
 * with them: Range requests (206), an ETag, a throttled pace so a download can be watched,
 * paused and resumed, and faults on demand (drop the connection after N bytes, serve other bytes).
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ModelFileServerOptions {
  /** Spread the whole file over about this many seconds (default: as fast as possible). */
  seconds?: number
  /** Whether to send X-Linked-Etag with the file's SHA-256, as Hugging Face does. */
  linkedEtag?: boolean
}

export interface ModelFileServer {
  url: string
  size: number
  sha256: string
  data: Buffer
  /** The Range header of each GET (null without one). */
  ranges: (string | null)[]
  /** Destroys the connection of the next GET after it has sent this many bytes of the body. */
  dropNextAfter(bytes: number): void
  /** Serves these bytes instead of the file (same length), e.g. a corrupted copy. */
  corrupt(): void
  /** Answers every request with this status until cleared (null). */
  failWith(status: number | null): void
  close(): Promise<void>
}

export async function serveModelFile(path: string, options: ModelFileServerOptions = {}): Promise<ModelFileServer> {
  const original = readFileSync(path)
  let data = original
  const size = data.length
  const sha256 = createHash('sha256').update(data).digest('hex')
  const etag = `"${sha256.slice(0, 16)}"`
  const ranges: (string | null)[] = []
  let dropAfter: number | null = null
  let status: number | null = null
  const slice = options.seconds ? Math.max(1024, Math.ceil(size / (options.seconds * 10))) : 1 << 20
  const pace = options.seconds ? 100 : 0

  const server = http.createServer((req, res) => {
    if (req.url !== '/model.gguf' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404).end()
      return
    }
    if (status !== null) {
      res.writeHead(status).end()
      return
    }
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '')
    const ifRange = req.headers['if-range']
    const honourRange = range !== null && (ifRange === undefined || ifRange === etag)
    const start = honourRange ? Number(range[1]) : 0
    const end = honourRange && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1
    if (start >= size) {
      res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end()
      return
    }
    res.writeHead(honourRange ? 206 : 200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(end - start + 1),
      'Accept-Ranges': 'bytes',
      ETag: etag,
      ...(options.linkedEtag ? { 'X-Linked-Etag': `"${sha256}"` } : {}),
      ...(honourRange ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {})
    })
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    ranges.push(req.headers.range ?? null)
    const drop = dropAfter
    dropAfter = null
    let at = start
    let sent = 0
    let closed = false
    res.on('close', () => (closed = true))
    const pump = (): void => {
      if (closed) return
      let next = Math.min(at + slice, end + 1)
      if (drop !== null && sent + (next - at) >= drop) {
        next = at + Math.max(0, drop - sent)
        res.write(data.subarray(at, next), () => res.destroy())
        return
      }
      res.write(data.subarray(at, next))
      sent += next - at
      at = next
      if (at > end) res.end()
      else setTimeout(pump, pace)
    }
    pump()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/model.gguf`,
    size,
    sha256,
    data: original,
    ranges,
    dropNextAfter: (bytes) => (dropAfter = bytes),
    corrupt: () => {
      data = Buffer.from(original)
      data[data.length - 1] = (data[data.length - 1]! + 1) & 0xff
    },
    failWith: (code) => (status = code),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
