/**
 * One model download: HTTP GET into `<modelsDir>/.partial/<id>.part`, resumed with a Range
 * request from the partial file's size (after a pause, a dropped connection or a quit),
 * then verified (SHA-256, GGUF header) and only then moved into place.
 *
 * The partial file is the truth about what was received: a resume starts from its size, and
 * a server that ignores the Range (200 instead of 206) or whose file changed (a different
 * ETag) makes the download start over from zero rather than splice two files together.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, stat, truncate } from 'node:fs/promises'

/** How a download ends one run. */
export type RunOutcome =
  | { kind: 'complete'; sha256: string; bytes: number }
  | { kind: 'stopped' }
  | { kind: 'failed'; error: string; keepPartial: boolean }

export interface RunInput {
  url: string
  partialPath: string
  /** The ETag seen when the partial was started; a different one means the file changed. */
  etag: string | null
  signal: AbortSignal
  fetch: typeof fetch
  /** Called as bytes arrive (at most every `progressMs`) and once the size is known. */
  onProgress(received: number, total: number | null): void
  onHeaders(info: {
    total: number | null
    etag: string | null
    lastModified: string | null
    linkedSha256: string | null
  }): void
  /** Free space check before writing: returns a sentence when `needed` more bytes will not fit. */
  checkSpace(needed: number): Promise<string | null>
  /** Called when every byte is in and the hash is being computed. */
  onVerifying?(): void
  progressMs?: number
  /** Attempts after a dropped connection before the download is marked failed. */
  retries?: number
  retryDelayMs?: number
}

const HEX64 = /^[0-9a-f]{64}$/

export function linkedSha256(headers: Headers): string | null {
  // Hugging Face's resolve URLs name the LFS object's SHA-256 in X-Linked-Etag (quoted).
  for (const name of ['x-linked-etag', 'x-xet-hash-sha256', 'etag']) {
    const value = headers.get(name)?.replace(/^W\//, '').replace(/"/g, '').trim().toLowerCase()
    if (value && HEX64.test(value)) return value
  }
  return null
}

async function partialSize(path: string): Promise<number> {
  try {
    const info = await stat(path)
    return info.isFile() ? info.size : 0
  } catch {
    return 0
  }
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  const code = cause?.code ?? (error as { code?: string }).code
  if (code === 'ECONNREFUSED') return 'the server refused the connection'
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the server could not be found (check the connection)'
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'the connection dropped'
  if (code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') return 'the server stopped sending'
  return cause?.message ?? (error instanceof Error ? error.message : String(error))
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true })
  })

/** Downloads until the whole file is in the partial, retrying dropped connections from where they stopped. */
export async function runDownload(input: RunInput): Promise<RunOutcome> {
  const retries = input.retries ?? 4
  let attempt = 0
  let lastError = ''
  for (;;) {
    if (input.signal.aborted) return { kind: 'stopped' }
    const outcome = await attemptOnce(input)
    if (outcome.kind !== 'retry') {
      if (outcome.kind !== 'complete') return outcome
      return verify(input, outcome.bytes)
    }
    lastError = outcome.error
    if (outcome.progressed) attempt = 0
    attempt += 1
    if (attempt > retries) {
      const received = await partialSize(input.partialPath)
      return {
        kind: 'failed',
        error: `The download stopped: ${lastError}. Resume to go on from ${received} bytes.`,
        keepPartial: true
      }
    }
    await sleep((input.retryDelayMs ?? 1000) * 2 ** (attempt - 1), input.signal)
  }
}

type Attempt =
  | { kind: 'complete'; bytes: number }
  | { kind: 'retry'; error: string; progressed: boolean }
  | { kind: 'stopped' }
  | { kind: 'failed'; error: string; keepPartial: boolean }

async function attemptOnce(input: RunInput): Promise<Attempt> {
  let start = await partialSize(input.partialPath)
  const headers: Record<string, string> = { 'Accept-Encoding': 'identity' }
  if (start > 0) {
    headers.Range = `bytes=${start}-`
    if (input.etag) headers['If-Range'] = input.etag
  }
  let response: Response
  try {
    response = await input.fetch(input.url, { headers, signal: input.signal, redirect: 'follow' })
  } catch (error) {
    if (input.signal.aborted) return { kind: 'stopped' }
    return { kind: 'retry', error: describeNetworkError(error), progressed: false }
  }
  if (response.status === 416 && start > 0) {
    // Asked for bytes past the end: either the partial is already whole, or it is not this file.
    const total = Number(/\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1] ?? NaN)
    await response.body?.cancel()
    if (total === start) return { kind: 'complete', bytes: start }
    await truncate(input.partialPath, 0)
    return { kind: 'retry', error: 'the server no longer has the same file', progressed: true }
  }
  if (response.status >= 500 || response.status === 429) {
    await response.body?.cancel()
    return { kind: 'retry', error: `the server answered ${response.status}`, progressed: false }
  }
  if (response.status !== 200 && response.status !== 206) {
    await response.body?.cancel()
    const what = response.status === 404 ? 'the file is not there (404)' : `the server answered ${response.status}`
    return { kind: 'failed', error: `The download could not start: ${what}.`, keepPartial: false }
  }
  if (!response.body) return { kind: 'retry', error: 'the server sent no body', progressed: false }

  const etag = response.headers.get('etag')
  const sameFile = !input.etag || !etag || etag === input.etag
  if (response.status === 200 || !sameFile) start = 0
  const length = Number(response.headers.get('content-length') ?? NaN)
  const rangeTotal = Number(/\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1] ?? NaN)
  const total =
    response.status === 206 && Number.isFinite(rangeTotal)
      ? rangeTotal
      : Number.isFinite(length)
        ? start + length
        : null
  input.onHeaders({
    total,
    etag,
    lastModified: response.headers.get('last-modified'),
    linkedSha256: linkedSha256(response.headers)
  })
  if (total !== null) {
    const problem = await input.checkSpace(total - start)
    if (problem) {
      await response.body.cancel()
      return { kind: 'failed', error: problem, keepPartial: true }
    }
  }

  const file = await open(input.partialPath, start === 0 ? 'w' : 'a')
  let received = start
  let lastReport = 0
  const progressMs = input.progressMs ?? 250
  input.onProgress(received, total)
  try {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      await file.write(chunk)
      received += chunk.byteLength
      const at = Date.now()
      if (at - lastReport >= progressMs) {
        lastReport = at
        input.onProgress(received, total)
      }
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      return {
        kind: 'failed',
        error: 'The disk is full: Duck could not write the rest of the model. Free up some space, then resume.',
        keepPartial: true
      }
    }
    if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM') {
      return { kind: 'failed', error: `Duck cannot write to the models folder (${code}).`, keepPartial: true }
    }
    if (input.signal.aborted) return { kind: 'stopped' }
    return { kind: 'retry', error: describeNetworkError(error), progressed: received > start }
  } finally {
    await file.close().catch(() => undefined)
    input.onProgress(received, total)
  }
  if (input.signal.aborted) return { kind: 'stopped' }
  if (total !== null && received < total) {
    return { kind: 'retry', error: 'the connection dropped before the end of the file', progressed: received > start }
  }
  if (total !== null && received > total) {
    await truncate(input.partialPath, 0)
    return { kind: 'retry', error: 'the server sent more than the file size it announced', progressed: true }
  }
  return { kind: 'complete', bytes: received }
}

async function verify(input: RunInput, bytes: number): Promise<RunOutcome> {
  input.onVerifying?.()
  const hash = createHash('sha256')
  try {
    for await (const chunk of createReadStream(input.partialPath, { signal: input.signal }))
      hash.update(chunk as Buffer)
  } catch (error) {
    if (input.signal.aborted) return { kind: 'stopped' }
    return {
      kind: 'failed',
      error: `Duck could not read the downloaded file back: ${String(error)}`,
      keepPartial: false
    }
  }
  return { kind: 'complete', sha256: hash.digest('hex'), bytes }
}
