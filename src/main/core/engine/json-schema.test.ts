import { getLlama, type Llama } from 'node-llama-cpp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ActionDirectiveSchema, MemoryDecisionSchema } from '../../../shared/schemas'
import { JsonSchemaConversionError, toGbnfJsonSchema } from './json-schema'

const ANY = {
  oneOf: [
    { type: ['string', 'number', 'boolean', 'null'] },
    { type: 'array' },
    { type: 'object', additionalProperties: true }
  ]
}

/** The planner's schema: ActionDirective with `actions.items` as one branch per tool. */
function plannerSchema(): object {
  const tool = <T extends string>(name: T, args: z.ZodObject) =>
    z.object({ tool: z.literal(name), args, reason: z.string().max(2000) })
  const Directive = ActionDirectiveSchema.extend({
    actions: z
      .array(
        z.discriminatedUnion('tool', [
          tool('file_read', z.object({ path: z.string().min(1).max(4096) })),
          tool('list_dir', z.object({ path: z.string().default('.') })),
          tool(
            'shell_exec_safe',
            z.object({ command: z.string().min(1), timeout_s: z.number().int().min(1).optional() })
          )
        ])
      )
      .max(16)
  })
  return z.toJSONSchema(Directive)
}

describe('toGbnfJsonSchema', () => {
  const cases: Array<{ name: string; input: unknown; expected: unknown; dropped?: string[] }> = [
    { name: 'a primitive type', input: { type: 'integer' }, expected: { type: 'integer' } },
    {
      name: 'a string with bounds keeps them, drops the pattern',
      input: { type: 'string', minLength: 1, maxLength: 100, pattern: '^a+$' },
      expected: { type: 'string', minLength: 1, maxLength: 100 },
      dropped: ['/: pattern']
    },
    {
      name: 'a string bound above the limit is dropped',
      input: { type: 'string', maxLength: 2000 },
      expected: { type: 'string' },
      dropped: ['/: maxLength 2000 (above 512)']
    },
    {
      name: 'a supported format',
      input: { type: 'string', format: 'date-time', pattern: '^…$' },
      expected: { type: 'string', format: 'date-time' },
      dropped: ['/: pattern']
    },
    {
      name: 'an unsupported format becomes a plain string',
      input: { type: 'string', format: 'email' },
      expected: { type: 'string' },
      dropped: ['/: format "email"']
    },
    { name: 'const drops its type', input: { type: 'string', const: 'x' }, expected: { const: 'x' } },
    {
      name: 'enum keeps primitive values',
      input: { type: 'string', enum: ['a', 'b', 1, null] },
      expected: { enum: ['a', 'b', 1, null] }
    },
    {
      name: 'numbers lose minimum and maximum',
      input: { type: 'number', minimum: 0, maximum: 1, default: 0.5 },
      expected: { type: 'number' },
      dropped: ['/: minimum', '/: maximum']
    },
    { name: 'a primitive type list', input: { type: ['string', 'null'] }, expected: { type: ['string', 'null'] } },
    {
      name: 'a type list with object becomes oneOf',
      input: { type: ['object', 'null'], properties: { a: { type: 'string' } } },
      expected: { oneOf: [{ type: 'object', properties: { a: { type: 'string' } } }, { type: 'null' }] }
    },
    { name: 'the empty schema is any value', input: {}, expected: ANY },
    { name: 'true is any value', input: true, expected: ANY },
    {
      name: 'anyOf becomes oneOf',
      input: { anyOf: [{ type: 'string' }, { type: 'null' }] },
      expected: { oneOf: [{ type: 'string' }, { type: 'null' }] }
    },
    {
      name: 'a single alternative is unwrapped',
      input: { anyOf: [{ type: 'string' }] },
      expected: { type: 'string' }
    },
    {
      name: 'keywords beside oneOf are merged into each branch',
      input: {
        type: 'object',
        properties: { kind: { type: 'string' } },
        required: ['kind'],
        oneOf: [{ properties: { a: { type: 'number' } }, required: ['a'] }, { properties: { b: { type: 'boolean' } } }]
      },
      expected: {
        oneOf: [
          {
            type: 'object',
            properties: { kind: { type: 'string' }, a: { type: 'number' } },
            required: ['kind', 'a']
          },
          { type: 'object', properties: { kind: { type: 'string' }, b: { type: 'boolean' } }, required: ['kind'] }
        ]
      }
    },
    {
      name: 'allOf is merged',
      input: {
        allOf: [
          { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
          { properties: { b: { type: 'integer' } }, required: ['b'], additionalProperties: false }
        ]
      },
      expected: {
        type: 'object',
        properties: { a: { type: 'string' }, b: { type: 'integer' } },
        required: ['a', 'b'],
        additionalProperties: false
      }
    },
    {
      name: 'nullable (OpenAPI) becomes oneOf with null',
      input: { type: 'string', nullable: true },
      expected: { oneOf: [{ type: 'string' }, { type: 'null' }] }
    },
    {
      name: 'an object: record of unknown becomes free additional properties',
      input: { type: 'object', propertyNames: { type: 'string' }, additionalProperties: {} },
      expected: { type: 'object', additionalProperties: true }
    },
    {
      name: 'an object alone is any object',
      input: { type: 'object' },
      expected: { type: 'object', additionalProperties: true }
    },
    {
      name: 'required keeps only listed properties; false removes a property',
      input: {
        type: 'object',
        properties: { a: { type: 'string' }, gone: false },
        required: ['a', 'gone', 'missing'],
        additionalProperties: false,
        maxProperties: 1
      },
      expected: {
        type: 'object',
        properties: { a: { type: 'string' } },
        required: ['a'],
        additionalProperties: false,
        maxProperties: 1
      },
      dropped: ['/properties/gone: false (property removed)']
    },
    {
      name: 'additionalProperties as a schema',
      input: { type: 'object', additionalProperties: { type: 'number' } },
      expected: { type: 'object', additionalProperties: { type: 'number' } }
    },
    {
      name: 'an array with maxItems',
      input: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 16 },
      expected: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 16 }
    },
    {
      name: 'a tuple closed with items: false',
      input: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: false, minItems: 2 },
      expected: {
        type: 'array',
        prefixItems: [{ type: 'string' }, { type: 'number' }],
        minItems: 2,
        maxItems: 2
      }
    },
    {
      name: 'a draft-04 tuple',
      input: { type: 'array', items: [{ type: 'string' }], additionalItems: false },
      expected: { type: 'array', prefixItems: [{ type: 'string' }], maxItems: 1 }
    },
    {
      name: 'an array of any is an array',
      input: { type: 'array', items: {} },
      expected: { type: 'array' }
    },
    {
      name: 'a type inferred from properties',
      input: { properties: { a: { type: 'null' } } },
      expected: { type: 'object', properties: { a: { type: 'null' } } }
    },
    {
      name: 'descriptions are kept',
      input: { type: 'string', description: 'a path' },
      expected: { type: 'string', description: 'a path' }
    },
    {
      name: '$defs references stay references',
      input: {
        type: 'object',
        properties: { a: { $ref: '#/$defs/Path' }, b: { $ref: '#/definitions/Path' } },
        $defs: { Path: { type: 'string', minLength: 1 } },
        definitions: { Path: { type: 'string', minLength: 1 } }
      },
      expected: {
        type: 'object',
        properties: { a: { $ref: '#/$defs/Path' }, b: { $ref: '#/$defs/Path_2' } },
        $defs: { Path: { type: 'string', minLength: 1 }, Path_2: { type: 'string', minLength: 1 } }
      }
    },
    {
      name: 'recursion to the root becomes a definition',
      input: {
        type: 'object',
        properties: { v: { type: 'string' }, kids: { type: 'array', items: { $ref: '#' } } },
        required: ['v', 'kids'],
        additionalProperties: false
      },
      expected: {
        type: 'object',
        properties: { v: { type: 'string' }, kids: { type: 'array', items: { $ref: '#/$defs/root' } } },
        required: ['v', 'kids'],
        additionalProperties: false,
        $defs: {
          root: {
            type: 'object',
            properties: { v: { type: 'string' }, kids: { type: 'array', items: { $ref: '#/$defs/root' } } },
            required: ['v', 'kids'],
            additionalProperties: false
          }
        }
      }
    },
    {
      name: 'a reference that points nowhere is any value',
      input: { $ref: '#/$defs/nope' },
      expected: ANY,
      dropped: ['/: $ref "#/$defs/nope" that points nowhere (any value)']
    },
    {
      name: 'definitions under a primitive root are carried by a oneOf',
      input: { anyOf: [{ $ref: '#/$defs/a' }], $defs: { a: { type: 'boolean' } } },
      expected: { $ref: '#/$defs/a', $defs: { a: { type: 'boolean' } } }
    },
    {
      name: 'annotations are dropped silently',
      input: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        title: 'T',
        default: 'x',
        examples: ['x'],
        type: 'boolean'
      },
      expected: { type: 'boolean' },
      dropped: []
    }
  ]

  it.each(cases)('$name', ({ input, expected, dropped }) => {
    const result = toGbnfJsonSchema(input)
    expect(result.schema).toEqual(expected)
    if (dropped !== undefined) expect(result.dropped).toEqual(dropped)
  })

  it('refuses a schema that allows nothing', () => {
    expect(() => toGbnfJsonSchema(false)).toThrow(JsonSchemaConversionError)
    expect(() => toGbnfJsonSchema({ anyOf: [false] })).toThrow(/allows no value/)
  })

  it('converts zod schemas Duck uses', () => {
    const memory = toGbnfJsonSchema(z.toJSONSchema(MemoryDecisionSchema)).schema
    expect(memory).toMatchObject({
      type: 'object',
      properties: {
        should_store: { type: 'boolean' },
        importance: { type: 'number' },
        scope: { enum: ['workspace', 'global'] },
        metadata: { type: 'object', additionalProperties: true }
      },
      additionalProperties: false
    })
    expect(JSON.stringify(memory)).not.toMatch(/default|\$schema|minimum|propertyNames/)
  })

  it('converts the planner schema with one branch per tool', () => {
    const { schema } = toGbnfJsonSchema(plannerSchema())
    const actions = (
      schema as unknown as { properties: { actions: { items: { oneOf: Array<Record<string, unknown>> } } } }
    ).properties.actions
    expect(actions).toMatchObject({ type: 'array', maxItems: 16 })
    const branches = actions.items.oneOf
    expect(branches.map((b) => (b['properties'] as { tool: unknown }).tool)).toEqual([
      { const: 'file_read' },
      { const: 'list_dir' },
      { const: 'shell_exec_safe' }
    ])
    expect(branches[0]).toEqual({
      type: 'object',
      properties: {
        tool: { const: 'file_read' },
        args: {
          type: 'object',
          properties: { path: { type: 'string', minLength: 1 } },
          required: ['path'],
          additionalProperties: false
        },
        reason: { type: 'string' }
      },
      required: ['tool', 'args', 'reason'],
      additionalProperties: false
    })
  })
})

describe('the converted schema in node-llama-cpp', () => {
  let llama: Llama
  beforeAll(async () => {
    llama = await getLlama({ gpu: false, build: 'never' })
  })
  afterAll(async () => {
    await llama.dispose()
  })

  it('makes a grammar that only allows the listed tools', async () => {
    const grammar = await llama.createGrammarForJsonSchema(toGbnfJsonSchema(plannerSchema()).schema as never)
    const ok = {
      kind: 'action_directive',
      intent: 'read it',
      risk_level: 'low',
      actions: [{ tool: 'file_read', args: { path: 'a.txt' }, reason: 'asked' }]
    }
    expect(grammar.parse(JSON.stringify(ok))).toEqual(ok)
    const unknownTool = { ...ok, actions: [{ tool: 'rm_rf', args: { path: '/' }, reason: 'x' }] }
    expect(() => grammar.parse(JSON.stringify(unknownTool))).toThrow()
    const wrongArgs = { ...ok, actions: [{ tool: 'file_read', args: { command: 'ls' }, reason: 'x' }] }
    expect(() => grammar.parse(JSON.stringify(wrongArgs))).toThrow()
    // The grammar text names each tool and no other.
    expect(grammar.grammar).toContain('file_read')
    expect(grammar.grammar).toContain('shell_exec_safe')
  })

  it('makes grammars from recursive and any-valued schemas', async () => {
    const Node: z.ZodType = z.lazy(() => z.object({ v: z.string(), kids: z.array(Node) }))
    const tree = await llama.createGrammarForJsonSchema(toGbnfJsonSchema(z.toJSONSchema(Node)).schema as never)
    const value = { v: 'a', kids: [{ v: 'b', kids: [] }] }
    expect(tree.parse(JSON.stringify(value))).toEqual(value)
    const anything = await llama.createGrammarForJsonSchema(
      toGbnfJsonSchema(z.toJSONSchema(z.object({ u: z.unknown() }))).schema as never
    )
    expect(anything.parse('{"u": [1, {"x": null}]}')).toEqual({ u: [1, { x: null }] })
  })
})
