/**
 * Turns a JSON schema as Duck writes them (zod's `z.toJSONSchema`, draft 2020-12) into the
 * subset node-llama-cpp's grammar generator understands (`GbnfJsonSchema`), so the built-in
 * engine can decode structured roles under a grammar.
 *
 * What the grammar generator accepts (node-llama-cpp 3.22, `utils/gbnfJson/types.d.ts`):
 *   - `{type}` for string | number | integer | boolean | null, or an array of those;
 *   - strings with `minLength` / `maxLength`, or with `format` date-time | time | date;
 *   - `const` and `enum` of primitive values;
 *   - `oneOf` (alternatives), `$ref: "#/$defs/…"` with `$defs`;
 *   - objects with `properties`, `required`, `additionalProperties` (boolean or a schema),
 *     `minProperties`, `maxProperties`;
 *   - arrays with `items`, `prefixItems`, `minItems`, `maxItems`;
 *   - `description` anywhere.
 *
 * How the rest maps:
 *   - `anyOf` becomes `oneOf` (a grammar has no notion of "exactly one");
 *   - `allOf` is merged into one schema (properties and `required` joined);
 *   - keywords beside `oneOf`/`anyOf` are merged into each alternative;
 *   - a `type` list with object/array members becomes a `oneOf` of one schema per type;
 *   - `{}` / `true` (any value) becomes a `oneOf` of every JSON kind;
 *   - `false` removes the property, alternative or tuple tail it stands for;
 *   - `items: false` after `prefixItems` caps the array at the tuple's length;
 *   - `$ref: "#"` (recursion to the root) and other JSON pointers become `$defs` entries;
 *   - `definitions` is read like `$defs`;
 *   - dropped, since a grammar cannot express them (zod validates them afterwards):
 *     `$schema`, `$id`, `title`, `default`, `examples`, `pattern`, other string formats,
 *     `minimum`/`maximum`/`exclusive*`/`multipleOf`, `propertyNames`, `patternProperties`,
 *     `uniqueItems`, `contains`, `not`, `if`/`then`/`else`, `dependent*`, `readOnly`, …;
 *     string bounds above `maxStringLength` (a huge repetition makes a slow grammar).
 *
 * Note that the grammar generator emits every listed property, optional or not, in the
 * order they are listed: the output always has all of them, which still validates.
 */
import type { GbnfJsonSchema } from 'node-llama-cpp'

export interface ToGbnfOptions {
  /** String length bounds above this are dropped from the grammar (default 512). */
  maxStringLength?: number
}

export interface ToGbnfResult {
  schema: GbnfJsonSchema
  /** Where something was dropped or approximated, e.g. "/properties/n: minimum". */
  dropped: string[]
}

export class JsonSchemaConversionError extends Error {
  override readonly name = 'JsonSchemaConversionError'
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type Obj = { [key: string]: Json }
/** A converted schema. Built as plain objects, then typed as `GbnfJsonSchema` once at the end. */
type Out = Record<string, unknown>

const PRIMITIVE_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null'])
const ALL_TYPES = ['string', 'number', 'integer', 'boolean', 'null', 'object', 'array']
const STRING_FORMATS = new Set(['date-time', 'time', 'date'])
const DEFAULT_MAX_STRING_LENGTH = 512

/** Keywords that carry no constraint a grammar could use. Dropped without a note. */
const ANNOTATIONS = new Set([
  '$schema',
  '$id',
  '$anchor',
  '$comment',
  '$vocabulary',
  'title',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  'propertyNames'
])

/** Every keyword this converter reads; anything else is reported as dropped. */
const UNDERSTOOD = new Set([
  'type',
  'description',
  'const',
  'enum',
  'oneOf',
  'anyOf',
  'allOf',
  '$ref',
  '$defs',
  'definitions',
  'properties',
  'required',
  'additionalProperties',
  'minProperties',
  'maxProperties',
  'items',
  'prefixItems',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'format',
  'nullable'
])

/** Schema conversion: one instance per call holds the root, the collected `$defs` and notes. */
class Converter {
  readonly defs = new Map<string, Out>()
  readonly dropped: string[] = []
  private readonly refNames = new Map<string, string>()
  private readonly converting = new Set<string>()
  private readonly maxStringLength: number

  constructor(
    private readonly root: Json,
    options: ToGbnfOptions
  ) {
    this.maxStringLength = options.maxStringLength ?? DEFAULT_MAX_STRING_LENGTH
  }

  /** `null` means "no value is valid here" (the schema `false`). */
  convert(node: Json | undefined, path: string): Out | null {
    if (node === undefined || node === true) return anyValue()
    if (node === false) return null
    if (!isObj(node)) {
      this.note(path, 'not a schema (treated as any value)')
      return anyValue()
    }
    for (const key of Object.keys(node)) {
      if (!UNDERSTOOD.has(key) && !ANNOTATIONS.has(key)) this.note(path, key)
    }
    const description = typeof node['description'] === 'string' ? node['description'] : undefined
    const withDescription = (out: Out | null): Out | null => {
      if (out === null || description === undefined || 'description' in out) return out
      return { ...out, description }
    }

    if (typeof node['$ref'] === 'string') return withDescription(this.ref(node['$ref'], path))

    if (Array.isArray(node['allOf'])) {
      const { allOf, ...rest } = node
      return this.convert(this.mergeAll([rest, ...(allOf as Json[])], `${path}/allOf`), path)
    }

    const alternatives = Array.isArray(node['oneOf'])
      ? { key: 'oneOf', list: node['oneOf'] }
      : Array.isArray(node['anyOf'])
        ? { key: 'anyOf', list: node['anyOf'] }
        : null
    if (alternatives !== null) {
      const siblings: Obj = {}
      for (const [key, value] of Object.entries(node)) {
        if (key !== 'oneOf' && key !== 'anyOf' && key !== 'description' && !ANNOTATIONS.has(key)) {
          siblings[key] = value
        }
      }
      if (Array.isArray(node['oneOf']) && Array.isArray(node['anyOf'])) this.note(path, 'anyOf beside oneOf')
      const branches: Out[] = []
      alternatives.list.forEach((branch, index) => {
        const merged = Object.keys(siblings).length > 0 ? this.mergeAll([siblings, branch], path) : branch
        const out = this.convert(merged, `${path}/${alternatives.key}/${index}`)
        if (out !== null) branches.push(out)
      })
      return withDescription(oneOf(branches))
    }

    if (node['nullable'] === true) {
      const { nullable: _nullable, ...rest } = node
      return withDescription(oneOf([this.convert(rest, path), { type: 'null' }].filter(isOut)))
    }

    if ('const' in node) {
      const value = node['const']
      if (isPrimitive(value)) return withDescription({ const: value })
      this.note(path, 'const of an object or array (any value of its kind)')
      return withDescription(this.convert({ type: Array.isArray(value) ? 'array' : 'object' }, path))
    }

    if (Array.isArray(node['enum'])) {
      const values = node['enum'].filter(isPrimitive)
      if (values.length < node['enum'].length) this.note(path, 'enum values that are objects or arrays')
      if (values.length === 0) return withDescription(anyValue())
      return withDescription({ enum: values })
    }

    const type = node['type']
    if (Array.isArray(type)) {
      const types = type.filter((t): t is string => typeof t === 'string' && ALL_TYPES.includes(t))
      if (types.length === 0) return withDescription(anyValue())
      if (types.every((t) => PRIMITIVE_TYPES.has(t)) && !hasStringBounds(node)) {
        return withDescription(types.length === 1 ? { type: types[0] } : { type: types })
      }
      const branches = types.map((t) => this.convert({ ...node, type: t }, path)).filter(isOut)
      return withDescription(oneOf(branches))
    }
    if (typeof type !== 'string') {
      // No type: infer it from the keywords, or any value.
      if (isObj(node['properties']) || 'additionalProperties' in node)
        return this.convert({ ...node, type: 'object' }, path)
      if ('items' in node || 'prefixItems' in node) return this.convert({ ...node, type: 'array' }, path)
      if (hasStringBounds(node)) return this.convert({ ...node, type: 'string' }, path)
      return withDescription(anyValue())
    }

    switch (type) {
      case 'string':
        return withDescription(this.string(node, path))
      case 'number':
      case 'integer':
      case 'boolean':
      case 'null':
        return withDescription({ type })
      case 'object':
        return withDescription(this.object(node, path))
      case 'array':
        return withDescription(this.array(node, path))
      default:
        this.note(path, `type "${type}" (treated as any value)`)
        return withDescription(anyValue())
    }
  }

  private string(node: Obj, path: string): Out {
    const format = node['format']
    if (typeof format === 'string') {
      if (STRING_FORMATS.has(format)) {
        if ('minLength' in node || 'maxLength' in node) this.note(path, 'minLength/maxLength beside format')
        return { type: 'string', format }
      }
      this.note(path, `format "${format}"`)
    }
    const out: Out = { type: 'string' }
    const min = nonNegativeInt(node['minLength'])
    const max = nonNegativeInt(node['maxLength'])
    if (min !== undefined) {
      if (min <= this.maxStringLength) out['minLength'] = min
      else this.note(path, `minLength ${min} (above ${this.maxStringLength})`)
    }
    if (max !== undefined) {
      if (max <= this.maxStringLength) out['maxLength'] = Math.max(max, (out['minLength'] as number | undefined) ?? 0)
      else this.note(path, `maxLength ${max} (above ${this.maxStringLength})`)
    }
    return out
  }

  private object(node: Obj, path: string): Out {
    const out: Out = { type: 'object' }
    const properties: Record<string, Out> = {}
    const source = isObj(node['properties']) ? node['properties'] : {}
    for (const [name, schema] of Object.entries(source)) {
      const converted = this.convert(schema, `${path}/properties/${name}`)
      if (converted === null) this.note(`${path}/properties/${name}`, 'false (property removed)')
      else properties[name] = converted
    }
    if (Object.keys(properties).length > 0) out['properties'] = properties
    if (Array.isArray(node['required'])) {
      const required = node['required'].filter((name): name is string => typeof name === 'string' && name in properties)
      if (required.length > 0) out['required'] = required
    }
    const additional = node['additionalProperties']
    if (additional === true || (isObj(additional) && isAnySchema(additional))) {
      out['additionalProperties'] = true
    } else if (isObj(additional)) {
      const converted = this.convert(additional, `${path}/additionalProperties`)
      out['additionalProperties'] = converted === null ? false : converted
    } else if (additional === false) {
      out['additionalProperties'] = false
    } else if (additional === undefined && Object.keys(properties).length === 0 && !isObj(node['properties'])) {
      // `{type: 'object'}` alone: any object.
      out['additionalProperties'] = true
    }
    const minProperties = nonNegativeInt(node['minProperties'])
    const maxProperties = nonNegativeInt(node['maxProperties'])
    if (minProperties !== undefined) out['minProperties'] = minProperties
    if (maxProperties !== undefined) out['maxProperties'] = Math.max(maxProperties, Object.keys(properties).length)
    return out
  }

  private array(node: Obj, path: string): Out {
    const out: Out = { type: 'array' }
    let maxItems = nonNegativeInt(node['maxItems'])
    const minItems = nonNegativeInt(node['minItems'])
    let prefix: Out[] | undefined
    let items = node['items']
    if (Array.isArray(node['prefixItems'])) {
      prefix = []
      for (const [index, item] of node['prefixItems'].entries()) {
        const converted = this.convert(item, `${path}/prefixItems/${index}`)
        if (converted === null) {
          // Nothing is valid at this position: the array ends before it.
          maxItems = Math.min(maxItems ?? index, index)
          break
        }
        prefix.push(converted)
      }
    } else if (Array.isArray(items)) {
      // Draft-04 tuples: `items` is the list, `additionalItems` the rest.
      prefix = items.map((item, index) => this.convert(item, `${path}/items/${index}`) ?? anyValue())
      items = node['additionalItems'] ?? true
    }
    if (prefix !== undefined && prefix.length > 0) out['prefixItems'] = prefix
    if (items === false) {
      maxItems = Math.min(maxItems ?? prefix?.length ?? 0, prefix?.length ?? 0)
    } else if (items !== undefined && items !== true && !(isObj(items) && isAnySchema(items))) {
      const converted = this.convert(items, `${path}/items`)
      if (converted === null) maxItems = Math.min(maxItems ?? prefix?.length ?? 0, prefix?.length ?? 0)
      else out['items'] = converted
    }
    if (minItems !== undefined) out['minItems'] = minItems
    if (maxItems !== undefined) out['maxItems'] = Math.max(maxItems, minItems ?? 0)
    return out
  }

  /** A `$ref`: every target becomes a `$defs` entry, converted once. */
  private ref(ref: string, path: string): Out {
    const existing = this.refNames.get(ref)
    if (existing !== undefined) return { $ref: `#/$defs/${existing}` }
    const target = resolvePointer(this.root, ref)
    if (target === undefined) {
      this.note(path, `$ref "${ref}" that points nowhere (any value)`)
      return anyValue()
    }
    const name = this.defName(ref)
    this.refNames.set(ref, name)
    if (!this.converting.has(name)) {
      this.converting.add(name)
      // A placeholder first, so a recursive reference inside finds the name.
      this.defs.set(name, anyValue())
      const converted = this.convert(target, ref.startsWith('#') ? ref.slice(1) || '/' : ref)
      this.defs.set(name, converted ?? { type: 'null' })
      if (converted === null) this.note(path, `$ref "${ref}" to false`)
    }
    return { $ref: `#/$defs/${name}` }
  }

  private defName(ref: string): string {
    const match = /^#\/(?:\$defs|definitions)\/([^/]+)$/.exec(ref)
    const base = match?.[1] !== undefined ? decodePointerPart(match[1]) : ref === '#' ? 'root' : 'ref'
    let name = base.replace(/[^A-Za-z0-9_-]/g, '_') || 'ref'
    for (let n = 2; [...this.refNames.values()].includes(name); n++) name = `${base}_${n}`
    return name
  }

  /** A shallow merge of schemas (for `allOf` and keywords beside `oneOf`). */
  private mergeAll(parts: Json[], path: string): Json {
    const merged: Obj = {}
    for (const part of parts) {
      if (part === true || part === undefined) continue
      if (part === false) return false
      if (!isObj(part)) continue
      for (const [key, value] of Object.entries(part)) {
        const current = merged[key]
        if (current === undefined) merged[key] = value
        else if (key === 'properties' && isObj(current) && isObj(value)) merged[key] = { ...current, ...value }
        else if (key === 'required' && Array.isArray(current) && Array.isArray(value)) {
          merged[key] = [...new Set([...current, ...value])]
        } else if (key === 'maxLength' || key === 'maxItems' || key === 'maxProperties') {
          merged[key] = Math.min(Number(current), Number(value))
        } else if (key === 'minLength' || key === 'minItems' || key === 'minProperties') {
          merged[key] = Math.max(Number(current), Number(value))
        } else if (JSON.stringify(current) !== JSON.stringify(value)) {
          this.note(path, `${key} (conflicting values merged; the first kept)`)
        }
      }
    }
    return merged
  }

  private note(path: string, what: string): void {
    this.dropped.push(`${path || '/'}: ${what}`)
  }
}

/**
 * Converts a JSON schema to node-llama-cpp's `GbnfJsonSchema`. Throws
 * `JsonSchemaConversionError` when no value at all could match (the schema `false`).
 */
export function toGbnfJsonSchema(schema: unknown, options: ToGbnfOptions = {}): ToGbnfResult {
  const root = toJson(schema)
  const converter = new Converter(root, options)
  // `$defs` are converted on demand, through the references that use them.
  const converted = converter.convert(root, '')
  if (converted === null) throw new JsonSchemaConversionError('The response schema allows no value at all.')
  let out: Out = converted
  if (converter.defs.size > 0) {
    const defs = Object.fromEntries(converter.defs)
    out = canCarryDefs(out)
      ? { ...out, $defs: { ...defs, ...(out['$defs'] as object | undefined) } }
      : { oneOf: [out], $defs: defs }
  }
  return { schema: out as GbnfJsonSchema, dropped: converter.dropped }
}

/** `$defs` may sit on an object, array, oneOf or $ref schema (GbnfJsonSchema's rule). */
function canCarryDefs(schema: Out): boolean {
  return 'oneOf' in schema || '$ref' in schema || schema['type'] === 'object' || schema['type'] === 'array'
}

/** Any JSON value. */
function anyValue(): Out {
  return {
    oneOf: [
      { type: ['string', 'number', 'boolean', 'null'] },
      { type: 'array' },
      { type: 'object', additionalProperties: true }
    ]
  }
}

function oneOf(branches: Out[]): Out | null {
  if (branches.length === 0) return null
  if (branches.length === 1) return branches[0] ?? null
  return { oneOf: branches }
}

function isAnySchema(node: Obj): boolean {
  return Object.keys(node).every((key) => ANNOTATIONS.has(key) || key === 'description')
}

function hasStringBounds(node: Obj): boolean {
  return 'minLength' in node || 'maxLength' in node || 'format' in node || 'pattern' in node
}

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isOut(value: Out | null): value is Out {
  return value !== null
}

function isPrimitive(value: Json | undefined): value is string | number | boolean | null {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
}

function nonNegativeInt(value: Json | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined
}

function decodePointerPart(part: string): string {
  return decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~')
}

/** `#`, `#/$defs/a`, `#/properties/x/items`; other forms (URLs, anchors) resolve to nothing. */
function resolvePointer(root: Json, ref: string): Json | undefined {
  if (ref === '#') return root
  if (!ref.startsWith('#/')) return undefined
  let node: Json | undefined = root
  for (const raw of ref.slice(2).split('/')) {
    const part = decodePointerPart(raw)
    if (Array.isArray(node)) node = node[Number(part)]
    else if (isObj(node)) node = node[part]
    else return undefined
    if (node === undefined) return undefined
  }
  return node
}

/** A deep copy as plain JSON (no prototypes, functions, undefined or cycles). */
function toJson(value: unknown): Json {
  try {
    return JSON.parse(JSON.stringify(value ?? true)) as Json
  } catch (error) {
    throw new JsonSchemaConversionError(
      `The response schema is not plain JSON: ${error instanceof Error ? error.message : String(error)}`
    )
  }
}
