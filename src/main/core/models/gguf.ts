/**
 * Reads the header of a GGUF model file directly, without loading the model and without ever
 * reading the whole file: the fixed header, the metadata key/value pairs (values Duck does not
 * need are skipped, not read into memory) and the tensor infos (to count parameters).
 *
 * Layout (little-endian; https://github.com/ggml-org/ggml/blob/master/docs/gguf.md):
 *   magic "GGUF" · version u32 · tensor_count u64 · kv_count u64
 *   kv_count × { key: string, value_type u32, value }
 *   tensor_count × { name: string, n_dims u32, dims u64[n_dims], type u32, offset u64 }
 * where a string is `u64 length + bytes` and an array is `item_type u32 + u64 length + items`.
 *
 * Every count and length is checked against a sane bound and against what is left of the file,
 * so a corrupt or hostile file fails fast with a sentence instead of allocating gigabytes.
 */
import { open, type FileHandle } from 'node:fs/promises'
import { basename } from 'node:path'

export type GgufErrorReason = 'not_gguf' | 'truncated' | 'unsupported_version' | 'corrupt' | 'unreadable'

export class GgufError extends Error {
  constructor(
    readonly reason: GgufErrorReason,
    message: string
  ) {
    super(message)
    this.name = 'GgufError'
  }
}

export interface GgufHeader {
  version: number
  tensorCount: number
  kvCount: number
  /** `general.architecture`, e.g. "llama", "qwen3". */
  architecture: string | null
  /** `general.name`. */
  name: string | null
  /** `<arch>.context_length`: the context the model was trained for. */
  contextLength: number | null
  /** `<arch>.block_count`: the number of layers. */
  blockCount: number | null
  /** `<arch>.embedding_length`. */
  embeddingLength: number | null
  /** `<arch>.attention.head_count` (the largest, when given per layer). */
  headCount: number | null
  /** `<arch>.attention.head_count_kv` (the largest, when given per layer). */
  headCountKv: number | null
  /** `<arch>.attention.key_length`, else embedding_length / head_count. */
  headDim: number | null
  /** The sum of every tensor's element count; null when the file has no tensors. */
  parameterCount: number | null
  /** `general.file_type` (llama_ftype), e.g. 15 for Q4_K_M. */
  fileType: number | null
  /** The name of `fileType`, e.g. "Q4_K_M". */
  fileTypeName: string | null
}

export interface ReadGgufOptions {
  /** How the file is named in error messages (default: its base name). */
  label?: string
}

// Bounds well above any real model (the largest vocabularies have ~260k tokens, the largest
// MoE models a few thousand tensors), far below what would hurt.
const MAX_KV_COUNT = 65_536
const MAX_TENSOR_COUNT = 1_000_000
const MAX_KEY_LENGTH = 65_535
const MAX_STRING_LENGTH = 256 * 1024 * 1024
const MAX_ARRAY_LENGTH = 1 << 24
const MAX_ARRAY_DEPTH = 4
const MAX_DIMS = 8
/** Strings kept for the keys Duck reads; longer ones are skipped. */
const MAX_KEPT_STRING = 4096
/** Numeric arrays kept (per-layer head counts); longer ones are skipped. */
const MAX_KEPT_ARRAY = 4096
const CHUNK = 1024 * 1024

const enum T {
  U8 = 0,
  I8 = 1,
  U16 = 2,
  I16 = 3,
  U32 = 4,
  I32 = 5,
  F32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
  U64 = 10,
  I64 = 11,
  F64 = 12
}

const FIXED_SIZE: Record<number, number> = {
  [T.U8]: 1,
  [T.I8]: 1,
  [T.U16]: 2,
  [T.I16]: 2,
  [T.U32]: 4,
  [T.I32]: 4,
  [T.F32]: 4,
  [T.BOOL]: 1,
  [T.U64]: 8,
  [T.I64]: 8,
  [T.F64]: 8
}

/** llama_ftype names (llama.cpp `include/llama.h`). */
const FILE_TYPES: Record<number, string> = {
  0: 'F32',
  1: 'F16',
  2: 'Q4_0',
  3: 'Q4_1',
  7: 'Q8_0',
  8: 'Q5_0',
  9: 'Q5_1',
  10: 'Q2_K',
  11: 'Q3_K_S',
  12: 'Q3_K_M',
  13: 'Q3_K_L',
  14: 'Q4_K_S',
  15: 'Q4_K_M',
  16: 'Q5_K_S',
  17: 'Q5_K_M',
  18: 'Q6_K',
  19: 'IQ2_XXS',
  20: 'IQ2_XS',
  21: 'Q2_K_S',
  22: 'IQ3_XS',
  23: 'IQ3_XXS',
  24: 'IQ1_S',
  25: 'IQ4_NL',
  26: 'IQ3_S',
  27: 'IQ3_M',
  28: 'IQ2_S',
  29: 'IQ2_M',
  30: 'IQ4_XS',
  31: 'IQ1_M',
  32: 'BF16',
  36: 'TQ1_0',
  37: 'TQ2_0',
  38: 'MXFP4_MOE'
}

export function fileTypeName(fileType: number | null): string | null {
  return fileType === null ? null : (FILE_TYPES[fileType] ?? null)
}

type Kept = number | string | boolean | number[]

/** Keys whose values are kept: `general.*` ones and the per-architecture ones by suffix. */
const GENERAL_KEYS = new Set(['general.architecture', 'general.name', 'general.file_type', 'general.alignment'])
const ARCH_SUFFIXES = [
  '.context_length',
  '.block_count',
  '.embedding_length',
  '.attention.head_count',
  '.attention.head_count_kv',
  '.attention.key_length'
]
function wanted(key: string): boolean {
  return GENERAL_KEYS.has(key) || ARCH_SUFFIXES.some((suffix) => key.endsWith(suffix))
}

/** Reads `path`'s GGUF header. Throws a `GgufError` with one clear sentence when it cannot. */
export async function readGgufHeader(path: string, options: ReadGgufOptions = {}): Promise<GgufHeader> {
  const label = options.label ?? basename(path)
  let handle: FileHandle
  try {
    handle = await open(path, 'r')
  } catch (error) {
    throw new GgufError('unreadable', `${label} cannot be opened (${describeFsError(error)}).`)
  }
  try {
    const stats = await handle.stat()
    if (!stats.isFile()) throw new GgufError('unreadable', `${label} is not a regular file.`)
    return await parse(new Reader(handle, stats.size, label))
  } catch (error) {
    if (error instanceof GgufError) throw error
    throw new GgufError('unreadable', `${label} cannot be read (${describeFsError(error)}).`)
  } finally {
    await handle.close()
  }
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ENOENT') return 'no such file'
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied'
  if (code === 'EISDIR') return 'it is a folder'
  return error instanceof Error ? error.message : String(error)
}

async function parse(r: Reader): Promise<GgufHeader> {
  if (r.size === 0) throw new GgufError('not_gguf', `${r.label} is empty, not a GGUF model file.`)
  const magicLength = Math.min(4, r.size)
  const magic = (await r.bytes(magicLength)).toString('latin1')
  if (magic !== 'GGUF'.slice(0, magicLength)) {
    throw new GgufError('not_gguf', `${r.label} is not a GGUF model file (it does not start with "GGUF").`)
  }
  if (magicLength < 4) throw r.truncated()

  const version = await r.u32()
  if (version === 0x02000000 || version === 0x03000000) {
    throw new GgufError('unsupported_version', `${r.label} is a big-endian GGUF file, which Duck cannot read.`)
  }
  if (version === 1) {
    throw new GgufError(
      'unsupported_version',
      `${r.label} uses GGUF version 1, an early format Duck does not read; download a current conversion of the model.`
    )
  }
  if (version !== 2 && version !== 3) {
    throw new GgufError(
      'unsupported_version',
      `${r.label} uses GGUF version ${version}, which Duck does not know (it reads versions 2 and 3).`
    )
  }

  const tensorCount = await r.count('tensor count', MAX_TENSOR_COUNT)
  const kvCount = await r.count('metadata count', MAX_KV_COUNT)

  const kept = new Map<string, Kept>()
  for (let i = 0; i < kvCount; i++) {
    const keyLength = await r.count('key length', MAX_KEY_LENGTH)
    const key = (await r.bytes(keyLength)).toString('utf8')
    const type = await r.u32()
    if (wanted(key)) {
      const value = await readKept(r, type)
      if (value !== undefined) kept.set(key, value)
    } else {
      await skipValue(r, type, 0)
    }
  }

  let parameterCount: number | null = null
  let lastTensorOffset = -1
  if (tensorCount > 0) {
    let total = 0
    for (let i = 0; i < tensorCount; i++) {
      const nameLength = await r.count('tensor name length', MAX_KEY_LENGTH)
      await r.skip(nameLength)
      const dims = await r.u32()
      if (dims > MAX_DIMS) throw r.corrupt(`a tensor with ${dims} dimensions`)
      let elements = 1
      for (let d = 0; d < dims; d++) {
        const size = await r.u64()
        if (size > BigInt(Number.MAX_SAFE_INTEGER)) throw r.corrupt('a tensor dimension too large to be real')
        elements *= Number(size)
      }
      await r.u32() // ggml type
      const offset = await r.u64()
      if (offset > BigInt(Number.MAX_SAFE_INTEGER)) throw r.corrupt('a tensor offset beyond any file')
      lastTensorOffset = Math.max(lastTensorOffset, Number(offset))
      total += elements
    }
    parameterCount = Number.isSafeInteger(total) ? total : null
  }

  // The tensor data starts at the next multiple of general.alignment (default 32) after the
  // header. A file cut anywhere before its last tensor starts is truncated, not a model.
  if (lastTensorOffset >= 0) {
    const alignmentValue = kept.get('general.alignment')
    const alignment = typeof alignmentValue === 'number' && alignmentValue > 0 ? alignmentValue : 32
    const dataStart = Math.ceil(r.pos / alignment) * alignment
    if (dataStart + lastTensorOffset >= r.size) {
      throw new GgufError(
        'truncated',
        `${r.label} is truncated: its tensors start beyond the end of the file (${r.size} bytes).`
      )
    }
  }

  const str = (key: string): string | null => {
    const value = kept.get(key)
    return typeof value === 'string' ? value : null
  }
  const num = (key: string): number | null => {
    const value = kept.get(key)
    if (typeof value === 'number') return value
    if (Array.isArray(value) && value.length > 0) return Math.max(...value)
    return null
  }
  const architecture = str('general.architecture')
  const archNum = (suffix: string): number | null => (architecture ? num(`${architecture}.${suffix}`) : null)
  const embeddingLength = archNum('embedding_length')
  const headCount = archNum('attention.head_count')
  const keyLength = archNum('attention.key_length')
  const fileType = num('general.file_type')
  return {
    version,
    tensorCount,
    kvCount,
    architecture,
    name: str('general.name'),
    contextLength: archNum('context_length'),
    blockCount: archNum('block_count'),
    embeddingLength,
    headCount,
    headCountKv: archNum('attention.head_count_kv'),
    headDim: keyLength ?? (embeddingLength && headCount ? Math.floor(embeddingLength / headCount) : null),
    parameterCount,
    fileType,
    fileTypeName: fileTypeName(fileType)
  }
}

async function readKept(r: Reader, type: number): Promise<Kept | undefined> {
  switch (type) {
    case T.STRING: {
      const length = await r.count('string length', MAX_STRING_LENGTH)
      if (length > MAX_KEPT_STRING) {
        await r.skip(length)
        return undefined
      }
      return (await r.bytes(length)).toString('utf8')
    }
    case T.ARRAY: {
      const itemType = await r.u32()
      const length = await r.count('array length', MAX_ARRAY_LENGTH)
      const size = FIXED_SIZE[itemType]
      if (size === undefined || itemType === T.BOOL || length > MAX_KEPT_ARRAY) {
        await skipArrayItems(r, itemType, length, 1)
        return undefined
      }
      const items: number[] = []
      for (let i = 0; i < length; i++) items.push(await readNumber(r, itemType))
      return items
    }
    case T.BOOL:
      return (await r.bytes(1))[0] !== 0
    default:
      if (FIXED_SIZE[type] === undefined) throw r.corrupt(`an unknown value type ${type}`)
      return readNumber(r, type)
  }
}

async function readNumber(r: Reader, type: number): Promise<number> {
  const size = FIXED_SIZE[type]
  if (size === undefined) throw r.corrupt(`an unknown value type ${type}`)
  const b = await r.bytes(size)
  switch (type) {
    case T.U8:
    case T.BOOL:
      return b.readUInt8(0)
    case T.I8:
      return b.readInt8(0)
    case T.U16:
      return b.readUInt16LE(0)
    case T.I16:
      return b.readInt16LE(0)
    case T.U32:
      return b.readUInt32LE(0)
    case T.I32:
      return b.readInt32LE(0)
    case T.F32:
      return b.readFloatLE(0)
    case T.U64:
      return Number(b.readBigUInt64LE(0))
    case T.I64:
      return Number(b.readBigInt64LE(0))
    default:
      return b.readDoubleLE(0)
  }
}

async function skipValue(r: Reader, type: number, depth: number): Promise<void> {
  if (type === T.STRING) {
    await r.skip(await r.count('string length', MAX_STRING_LENGTH))
    return
  }
  if (type === T.ARRAY) {
    if (depth >= MAX_ARRAY_DEPTH) throw r.corrupt('arrays nested too deeply')
    const itemType = await r.u32()
    const length = await r.count('array length', MAX_ARRAY_LENGTH)
    await skipArrayItems(r, itemType, length, depth + 1)
    return
  }
  const size = FIXED_SIZE[type]
  if (size === undefined) throw r.corrupt(`an unknown value type ${type}`)
  await r.skip(size)
}

async function skipArrayItems(r: Reader, itemType: number, length: number, depth: number): Promise<void> {
  const size = FIXED_SIZE[itemType]
  if (size !== undefined) {
    await r.skip(size * length)
    return
  }
  if (itemType === T.STRING) {
    await r.skipStrings(length)
    return
  }
  if (itemType !== T.ARRAY) throw r.corrupt(`an array of unknown type ${itemType}`)
  for (let i = 0; i < length; i++) await skipValue(r, itemType, depth)
}

/** Sequential little-endian reads through one reused buffer, bounded by the file's size. */
class Reader {
  pos = 0
  private buffer = Buffer.alloc(CHUNK)
  private bufferStart = 0
  private bufferLength = 0

  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
    readonly label: string
  ) {}

  truncated(): GgufError {
    return new GgufError(
      'truncated',
      `${this.label} is truncated: its GGUF header ends early (the file has only ${this.size} bytes).`
    )
  }

  corrupt(what: string): GgufError {
    return new GgufError('corrupt', `${this.label} has a corrupt GGUF header: ${what} at byte ${this.pos}.`)
  }

  /** The next `n` bytes (a view into the buffer, valid until the next read). */
  async bytes(n: number): Promise<Buffer> {
    if (this.pos + n > this.size) throw this.truncated()
    const end = this.pos + n
    if (this.pos < this.bufferStart || end > this.bufferStart + this.bufferLength) {
      if (n > this.buffer.length) this.buffer = Buffer.alloc(n)
      const { bytesRead } = await this.handle.read(
        this.buffer,
        0,
        Math.min(this.buffer.length, this.size - this.pos),
        this.pos
      )
      this.bufferStart = this.pos
      this.bufferLength = bytesRead
      if (bytesRead < n) throw this.truncated()
    }
    const at = this.pos - this.bufferStart
    this.pos = end
    return this.buffer.subarray(at, at + n)
  }

  /**
   * Skips `count` strings (a vocabulary: hundreds of thousands of them). Reads from the buffer
   * synchronously and awaits only to refill it, which keeps a 6 MB vocabulary to a few ms.
   */
  async skipStrings(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      let at = this.pos - this.bufferStart
      if (this.pos < this.bufferStart || at + 8 > this.bufferLength) {
        await this.bytes(8)
        this.pos -= 8
        at = this.pos - this.bufferStart
      }
      const length = this.buffer.readBigUInt64LE(at)
      if (length > BigInt(MAX_STRING_LENGTH)) throw this.corrupt(`a string length of ${length}`)
      const end = this.pos + 8 + Number(length)
      if (end > this.size) {
        this.pos = this.size
        throw this.truncated()
      }
      this.pos = end
    }
  }

  async skip(n: number): Promise<void> {
    if (this.pos + n > this.size) {
      this.pos = this.size
      throw this.truncated()
    }
    this.pos += n
  }

  async u32(): Promise<number> {
    return (await this.bytes(4)).readUInt32LE(0)
  }

  async u64(): Promise<bigint> {
    return (await this.bytes(8)).readBigUInt64LE(0)
  }

  /** A u64 count or length that must not exceed `max` (what is left of the file is checked as it is read). */
  async count(what: string, max: number): Promise<number> {
    const at = this.pos
    const value = await this.u64()
    if (value > BigInt(max)) {
      this.pos = at
      throw this.corrupt(`a ${what} of ${value}`)
    }
    return Number(value)
  }
}
