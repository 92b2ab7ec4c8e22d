/**
 * The catalog of recommended GGUF models: a JSON file `{version: 1, models: CatalogModel[]}`,
 * shipped as `resources/models/catalog.json` (tests point `DUCK_MODEL_CATALOG` at their own).
 * Every entry is validated; a malformed one is refused with the entry and the field named.
 */
import { readFile, stat } from 'node:fs/promises'
import { z } from 'zod'
import type { CatalogModel } from '../../../shared/engine'

const SHA256 = /^[0-9a-f]{64}$/

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}

const count = z.number().int('must be a whole number').positive('must be positive')

const CatalogModelSchema = z.strictObject({
  id: z
    .string()
    .min(1, 'must not be empty')
    .max(200, 'is too long')
    .regex(/^[A-Za-z0-9._-]+$/, 'must contain only letters, digits, ".", "-" and "_"'),
  name: z.string().min(1, 'must not be empty'),
  family: z.string().min(1, 'must not be empty'),
  parameters: z.string().min(1, 'must not be empty'),
  parameter_count: count,
  quantization: z.string().min(1, 'must not be empty'),
  file_name: z
    .string()
    .max(255, 'is too long')
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\.gguf$/i, 'must be a plain file name ending in .gguf'),
  size_bytes: count.nullable(),
  url: z.string().refine(isHttpUrl, 'must be an http or https URL'),
  sha256: z
    .string()
    .transform((value) => value.toLowerCase())
    .refine((value) => SHA256.test(value), 'must be 64 hexadecimal characters')
    .nullable(),
  context_length: count,
  license: z.string().min(1, 'must not be empty'),
  thinks: z.boolean(),
  architecture: z
    .strictObject({
      layers: count.nullable(),
      kv_heads: count.nullable(),
      head_dim: count.nullable()
    })
    .nullable(),
  recommended_for: z.array(z.enum(['planner', 'answer'])),
  notes: z.string(),
  unverified: z.array(z.string())
})

const CatalogFileSchema = z.strictObject({
  version: z.literal(1, 'must be 1'),
  models: z.array(z.unknown())
})

export class CatalogError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CatalogError'
  }
}

/** Parses catalog JSON text; `source` names the file in errors. */
export function parseCatalog(text: string, source = 'The model catalog'): CatalogModel[] {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new CatalogError(`${source} is not valid JSON (${(error as Error).message}).`)
  }
  const file = CatalogFileSchema.safeParse(json)
  if (!file.success) {
    const issue = file.error.issues[0]
    const field = issue && issue.path.length > 0 ? issue.path.join('.') : 'the top level'
    throw new CatalogError(`${source} is malformed: ${field} ${issue?.message ?? 'is invalid'}.`)
  }
  const models: CatalogModel[] = []
  const ids = new Set<string>()
  const files = new Set<string>()
  file.data.models.forEach((raw, index) => {
    const rawId = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined
    const entry = typeof rawId === 'string' && rawId ? `entry ${index} ("${rawId}")` : `entry ${index}`
    const parsed = CatalogModelSchema.safeParse(raw)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const field = issue && issue.path.length > 0 ? issue.path.join('.') : 'the entry'
      throw new CatalogError(`${source} is malformed: ${entry}, ${field} ${issue?.message ?? 'is invalid'}.`)
    }
    const model = parsed.data
    if (ids.has(model.id)) throw new CatalogError(`${source} is malformed: ${entry}, id repeats an earlier entry.`)
    const fileKey = model.file_name.toLowerCase()
    if (files.has(fileKey)) {
      throw new CatalogError(`${source} is malformed: ${entry}, file_name repeats an earlier entry.`)
    }
    ids.add(model.id)
    files.add(fileKey)
    models.push(model)
  })
  return models
}

/**
 * Reads and validates the catalog at `path`, re-reading it only when the file changed
 * (size or modification time), so an edited catalog is picked up without a restart.
 */
export class CatalogSource {
  private cached: { key: string; models: CatalogModel[] } | null = null

  constructor(readonly path: string) {}

  async load(): Promise<CatalogModel[]> {
    let key: string
    try {
      const info = await stat(this.path)
      key = `${info.size}:${info.mtimeMs}`
    } catch {
      throw new CatalogError(`The model catalog ${this.path} does not exist.`)
    }
    if (this.cached?.key === key) return this.cached.models
    const text = await readFile(this.path, 'utf8')
    const models = parseCatalog(text, `The model catalog ${this.path}`)
    this.cached = { key, models }
    return models
  }

  async find(id: string): Promise<CatalogModel | undefined> {
    return (await this.load()).find((model) => model.id === id)
  }
}
