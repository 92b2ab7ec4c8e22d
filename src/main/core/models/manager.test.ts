/**
 * The model manager against a real local HTTP server serving a generated GGUF: progress,
 * resume after the server drops mid-file (HTTP Range), pause and resume, a hash mismatch
 * refused, cancel, a full disk, imports of good and bad files, and downloads left by a quit.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DuckApiError } from '../../../shared/api'
import type { DownloadInfo } from '../../../shared/engine'
import { serveModelFile, type ModelFileServer } from '../../../../test/support/model-file-server'
import { tinyModelPath } from '../../../../test/support/tiny-models'
import { closeDatabase, openDatabase, type Db } from '../store/database'
import { ModelManager, type ModelManagerOptions } from './manager'

let tiny: string
beforeAll(async () => {
  tiny = await tinyModelPath('plain')
}, 180_000)

let dir: string
let db: Db
let file: ModelFileServer | null = null
let manager: ModelManager | null = null

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'duck-models-'))
  db = openDatabase(join(dir, 'duck.sqlite3'))
})

afterEach(async () => {
  await manager?.close()
  manager = null
  await file?.close()
  file = null
  closeDatabase(db)
  rmSync(dir, { recursive: true, force: true })
})

function writeCatalog(server: ModelFileServer, sha256: string | null = server.sha256): string {
  const path = join(dir, 'catalog.json')
  writeFileSync(
    path,
    JSON.stringify({
      version: 1,
      models: [
        {
          id: 'tiny-plain',
          name: 'Tiny Plain',
          family: 'Tiny',
          parameters: '0.1M',
          parameter_count: 100_000,
          quantization: 'F32',
          file_name: 'tiny-plain.gguf',
          size_bytes: server.size,
          url: server.url,
          sha256,
          context_length: 4096,
          license: 'MIT',
          thinks: false,
          architecture: null,
          recommended_for: ['answer'],
          notes: '',
          unverified: sha256 ? [] : ['sha256']
        }
      ]
    })
  )
  return path
}

async function start(
  options: { seconds?: number; sha256?: string | null; linkedEtag?: boolean } & Partial<ModelManagerOptions> = {}
) {
  file = await serveModelFile(tiny, {
    ...(options.seconds ? { seconds: options.seconds } : {}),
    ...(options.linkedEtag ? { linkedEtag: true } : {})
  })
  const catalogPath = writeCatalog(file, options.sha256 === undefined ? file.sha256 : options.sha256)
  manager = new ModelManager({ db, modelsDir: join(dir, 'models'), catalogPath, retryDelayMs: 20, ...options })
  return manager
}

async function until(
  manager: ModelManager,
  id: string,
  test: (d: DownloadInfo) => boolean,
  ms = 30_000
): Promise<DownloadInfo> {
  const deadline = Date.now() + ms
  for (;;) {
    const download = manager.downloads().find((d) => d.download_id === id)!
    if (test(download)) return download
    if (Date.now() > deadline) throw new Error(`download stuck: ${JSON.stringify(download)}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

const settled = (d: DownloadInfo) => ['completed', 'failed', 'cancelled', 'paused'].includes(d.state)

function partials(): string[] {
  const partialDir = join(dir, 'models', '.partial')
  return existsSync(partialDir) ? readdirSync(partialDir) : []
}

async function rejection(promise: Promise<unknown>): Promise<DuckApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(DuckApiError)
  return error as DuckApiError
}

describe('downloads', () => {
  it('downloads, verifies and installs a catalog model, reporting progress on the way', async () => {
    const m = await start({ seconds: 1.5 })
    const started = await m.startDownload({ catalog_id: 'tiny-plain' })
    expect(['queued', 'downloading']).toContain(started.state)
    expect(m.installed()).toEqual([])
    const moving = await until(
      m,
      started.download_id,
      (d) => d.state === 'downloading' && (d.percent ?? 0) > 0 && d.bytes_per_second !== null
    )
    expect(moving.total_bytes).toBe(file!.size)
    expect(moving.percent).toBeLessThan(100)
    expect(moving.seconds_left).not.toBeNull()
    expect((await m.catalog()).models[0]?.download_id).toBe(started.download_id)
    const done = await until(m, started.download_id, settled)
    expect(done).toMatchObject({ state: 'completed', percent: 100, received_bytes: file!.size, error: null })
    const [model] = m.installed()
    expect(model).toMatchObject({
      model_id: done.model_id,
      source: 'catalog',
      catalog_id: 'tiny-plain',
      sha256: file!.sha256
    })
    expect(readFileSync(model!.path).equals(file!.data)).toBe(true)
    expect(model!.architecture).toBe('llama')
    expect(partials()).toEqual([])
    const entry = (await m.catalog()).models[0]!
    expect(entry.installed_model_id).toBe(model!.model_id)
    expect(entry.download_id).toBeNull()
    await expect(m.startDownload({ catalog_id: 'tiny-plain' })).rejects.toThrow(/already installed/)
  })

  it('goes on from where it stopped when the server drops the connection mid-file (HTTP Range)', async () => {
    const m = await start()
    file!.dropNextAfter(Math.floor(file!.size / 3))
    const started = await m.startDownload({ catalog_id: 'tiny-plain' })
    const done = await until(m, started.download_id, settled)
    expect(done.state).toBe('completed')
    expect(file!.ranges[0]).toBeNull()
    expect(file!.ranges[1]).toMatch(/^bytes=[1-9]\d*-$/)
    expect(readFileSync(m.installed()[0]!.path).equals(file!.data)).toBe(true)
  })

  it('pauses, keeps the partial, and resumes with a Range request', async () => {
    const m = await start({ seconds: 3 })
    const started = await m.startDownload({ catalog_id: 'tiny-plain' })
    await until(m, started.download_id, (d) => (d.received_bytes ?? 0) > 0)
    const paused = await m.downloadAction(started.download_id, 'pause')
    expect(paused.state).toBe('paused')
    expect(paused.received_bytes).toBeGreaterThan(0)
    expect(partials()).toHaveLength(1)
    await new Promise((r) => setTimeout(r, 300))
    expect(m.downloads()[0]!.received_bytes).toBe(paused.received_bytes)
    expect(m.installed()).toEqual([])
    await m.downloadAction(started.download_id, 'resume')
    const done = await until(m, started.download_id, settled)
    expect(done.state).toBe('completed')
    expect(file!.ranges.at(-1)).toBe(`bytes=${paused.received_bytes}-`)
    expect(readFileSync(m.installed()[0]!.path).equals(file!.data)).toBe(true)
  })

  it('refuses a file whose SHA-256 does not match: failed, nothing installed, no partial left', async () => {
    const m = await start()
    file!.corrupt()
    const started = await m.startDownload({ catalog_id: 'tiny-plain' })
    const done = await until(m, started.download_id, settled)
    expect(done.state).toBe('failed')
    expect(done.error).toMatch(/does not match .*SHA-256/)
    expect(m.installed()).toEqual([])
    expect(partials()).toEqual([])
    expect(readdirSync(join(dir, 'models')).filter((f) => f.endsWith('.gguf'))).toEqual([])
  })

  it("uses the server's X-Linked-Etag when the catalog has no hash, and refuses a file it cannot verify", async () => {
    const verified = await start({ sha256: null, linkedEtag: true })
    const a = await verified.startDownload({ catalog_id: 'tiny-plain' })
    expect((await until(verified, a.download_id, settled)).state).toBe('completed')
    await manager!.close()
    await file!.close()
    closeDatabase(db)
    db = openDatabase(join(dir, 'other.sqlite3'))
    rmSync(join(dir, 'models'), { recursive: true, force: true })
    const unverifiable = await start({ sha256: null })
    const b = await unverifiable.startDownload({ catalog_id: 'tiny-plain' })
    const done = await until(unverifiable, b.download_id, settled)
    expect(done.state).toBe('failed')
    expect(done.error).toMatch(/could not verify/)
    expect(unverifiable.installed()).toEqual([])
  })

  it('cancel stops the download and removes the partial', async () => {
    const m = await start({ seconds: 3 })
    const started = await m.startDownload({ catalog_id: 'tiny-plain' })
    await until(m, started.download_id, (d) => d.received_bytes > 0)
    const cancelled = await m.downloadAction(started.download_id, 'cancel')
    expect(cancelled.state).toBe('cancelled')
    expect(partials()).toEqual([])
    expect(m.installed()).toEqual([])
    const error = await rejection(m.downloadAction(started.download_id, 'pause'))
    expect(error.code).toBe('conflict')
    // A new download of the same model can start.
    const again = await m.startDownload({ catalog_id: 'tiny-plain' })
    expect(again.download_id).not.toBe(started.download_id)
  })

  it('checks free disk space before starting', async () => {
    const m = await start({ freeDisk: async () => 1024 })
    const error = await rejection(m.startDownload({ catalog_id: 'tiny-plain' }))
    expect(error.code).toBe('conflict')
    expect(error.message).toMatch(/not enough free disk space/)
    expect(m.downloads()).toEqual([])
  })

  it('fails clearly when the disk fills up mid-download, and can resume later', async () => {
    const m = await start({ seconds: 2 })
    const started = await m.startDownload({ catalog_id: 'tiny-plain' })
    await until(m, started.download_id, (d) => d.received_bytes > 0)
    await m.downloadAction(started.download_id, 'pause')
    // The partial now points at /dev/full: every write fails with ENOSPC.
    const [part] = partials()
    const partPath = join(dir, 'models', '.partial', part!)
    rmSync(partPath)
    symlinkSync('/dev/full', partPath)
    await m.downloadAction(started.download_id, 'resume')
    const done = await until(m, started.download_id, settled)
    expect(done.state).toBe('failed')
    expect(done.error).toMatch(/disk is full/)
    expect(m.installed()).toEqual([])
    // Space freed: resume starts over and completes.
    rmSync(partPath)
    await m.downloadAction(started.download_id, 'resume')
    expect((await until(m, started.download_id, settled)).state).toBe('completed')
  })

  it('a server error fails the download with the reason; resume tries again', async () => {
    const m = await start({ retries: 1 })
    file!.failWith(503)
    const started = await m.startDownload({ catalog_id: 'tiny-plain' })
    const failed = await until(m, started.download_id, settled)
    expect(failed.state).toBe('failed')
    expect(failed.error).toMatch(/503/)
    file!.failWith(null)
    await m.downloadAction(started.download_id, 'resume')
    expect((await until(m, started.download_id, settled)).state).toBe('completed')
  })

  it('a download moving when Duck quit is paused on the next start and resumes from its partial', async () => {
    const m = await start({ seconds: 3 })
    const started = await m.startDownload({ catalog_id: 'tiny-plain' })
    await until(m, started.download_id, (d) => d.received_bytes > 0)
    // A quit mid-download: the row still says downloading.
    await m.close()
    db.prepare(`UPDATE model_downloads SET state = 'downloading'`).run()
    const next = new ModelManager({
      db,
      modelsDir: join(dir, 'models'),
      catalogPath: join(dir, 'catalog.json'),
      retryDelayMs: 20
    })
    manager = next
    const recovered = next.downloads()[0]!
    expect(recovered.state).toBe('paused')
    expect(recovered.received_bytes).toBeGreaterThan(0)
    await next.downloadAction(started.download_id, 'resume')
    expect((await until(next, started.download_id, settled)).state).toBe('completed')
    expect(file!.ranges.at(-1)).toBe(`bytes=${recovered.received_bytes}-`)
  })

  it('refuses bad input with clear errors', async () => {
    const m = await start()
    expect((await rejection(m.startDownload({ catalog_id: 'nope' }))).code).toBe('not_found')
    expect((await rejection(m.startDownload({ catalog_id: '../x' }))).code).toBe('invalid_input')
    expect((await rejection(m.startDownload({}))).code).toBe('invalid_input')
    expect((await rejection(m.downloadAction('dl_missing', 'pause'))).code).toBe('not_found')
    const started = await m.startDownload({ catalog_id: 'tiny-plain' })
    expect((await rejection(m.downloadAction(started.download_id, 'explode'))).code).toBe('invalid_input')
    expect((await rejection(m.catalog({ context_length: 12 }))).code).toBe('invalid_input')
  })
})

describe('installed models', () => {
  it('imports a local GGUF read from its header, and deletes it without touching the file', async () => {
    const m = await start()
    const model = await m.importModel({ path: tiny })
    expect(model).toMatchObject({ source: 'import', path: tiny, architecture: 'llama', catalog_id: null })
    expect(model.parameter_count).toBeGreaterThan(0)
    expect(await m.importModel({ path: tiny })).toEqual(model)
    expect(m.get(model.model_id)).toEqual(model)
    await m.deleteModel(model.model_id)
    expect(m.installed()).toEqual([])
    expect(existsSync(tiny)).toBe(true)
    expect((await rejection(m.deleteModel(model.model_id))).code).toBe('not_found')
  })

  it('refuses files that are not models, truncated, missing or relative', async () => {
    const m = await start()
    const text = join(dir, 'notes.gguf')
    writeFileSync(text, 'just some text, not a model')
    const cut = join(dir, 'cut.gguf')
    writeFileSync(cut, readFileSync(tiny).subarray(0, 4096))
    for (const [path, pattern] of [
      [text, /not a GGUF/],
      [cut, /truncated/],
      [join(dir, 'missing.gguf'), /does not exist/],
      ['relative/model.gguf', /full path/],
      [dir, /not a file/]
    ] as const) {
      const error = await rejection(m.importModel({ path }))
      expect(error.code).toBe('invalid_input')
      expect(error.message).toMatch(pattern)
    }
    expect(m.installed()).toEqual([])
  })

  it('a downloaded model is deleted with its file; one in use cannot be deleted', async () => {
    let busy = true
    const m = await start({ inUse: () => busy })
    const started = await m.startDownload({ catalog_id: 'tiny-plain' })
    const done = await until(m, started.download_id, settled)
    const path = m.get(done.model_id!)!.path
    const error = await rejection(m.deleteModel(done.model_id))
    expect(error.code).toBe('conflict')
    busy = false
    await m.deleteModel(done.model_id)
    expect(existsSync(path)).toBe(false)
    expect((await m.catalog()).models[0]?.installed_model_id).toBeNull()
  })

  it("a model file removed behind Duck's back is no longer listed", async () => {
    const m = await start()
    const copy = join(dir, 'copy.gguf')
    writeFileSync(copy, readFileSync(tiny))
    const model = await m.importModel({ path: copy })
    rmSync(copy)
    expect(m.installed()).toEqual([])
    expect(m.get(model.model_id)).toBeUndefined()
  })
})

describe('catalog', () => {
  it('assesses every entry against this machine and recommends one that fits', async () => {
    const m = await start()
    const catalog = await m.catalog({ context_length: 2048 })
    expect(catalog.context_length).toBe(2048)
    expect(catalog.hardware.total_ram_bytes).toBeGreaterThan(0)
    expect(catalog.hardware.models_dir).toBe(join(dir, 'models'))
    const [entry] = catalog.models
    expect(entry?.fit.tier).toBe('fits')
    expect(entry?.recommended).toBe(true)
    expect(entry?.fit.summary).toMatch(/^Needs about /)
  })

  it('the shipped catalog parses and names real, pinned downloads', async () => {
    const shipped = new ModelManager({
      db,
      modelsDir: join(dir, 'models'),
      catalogPath: join(process.cwd(), 'resources', 'models', 'catalog.json')
    })
    manager = shipped
    const catalog = await shipped.catalog()
    expect(catalog.models.length).toBeGreaterThanOrEqual(5)
    for (const model of catalog.models) {
      expect(model.url).toMatch(/^https:\/\/huggingface\.co\//)
      expect(model.sha256 === null ? model.unverified : []).toEqual(
        model.sha256 === null ? expect.arrayContaining(['sha256']) : []
      )
    }
  })
})
