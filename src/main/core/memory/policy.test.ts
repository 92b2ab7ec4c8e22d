import { describe, expect, it } from 'vitest'
import { describeTask, type TaskDigest } from './digest'
import { MEMORY_DECISION_JSON_SCHEMA, PostTaskError, memoryPolicyMessages, parseMemoryDecision } from './policy'

const digest: TaskDigest = {
  taskId: 'task_1',
  conversationId: 'conv_1',
  workspace: '/work/alpha',
  request: 'remember that we deploy with fly',
  answer: 'Noted: deploys go through Fly.io.',
  actions: [
    { call_id: 'c1', tool: 'file_read', args: { path: 'fly.toml' }, ok: true, output: 'app = "alpha"\n'.repeat(200) }
  ]
}

describe('memory policy', () => {
  it('reads a decision, with code fences or text around it, and fills defaults', () => {
    expect(parseMemoryDecision('{"should_store": false}')).toEqual({
      should_store: false,
      memory_type: 'fact',
      summary: '',
      importance: 0.5,
      scope: 'workspace',
      metadata: {}
    })
    const fenced = parseMemoryDecision(
      'Sure:\n```json\n{"should_store": true, "memory_type": "project", "summary": " Deploys use Fly.io. ", "importance": 0.6, "scope": "workspace", "metadata": {"source": "chat"}}\n```'
    )
    expect(fenced).toMatchObject({ should_store: true, summary: 'Deploys use Fly.io.', metadata: { source: 'chat' } })
  })

  it('explains what is wrong with a bad reply', () => {
    expect(() => parseMemoryDecision('no json here')).toThrow(PostTaskError)
    expect(() => parseMemoryDecision('{"should_store": tru')).toThrow(/without a JSON object/)
    expect(() => parseMemoryDecision('{"should_store": true,}')).toThrow(/not valid JSON/)
    expect(() => parseMemoryDecision('{"should_store": "yes"}')).toThrow(/should_store/)
    expect(() => parseMemoryDecision('{"should_store": true, "importance": 3}')).toThrow(/importance/)
    expect(() => parseMemoryDecision('{"should_store": true, "scope": "everyone"}')).toThrow(/scope/)
  })

  it('asks with the JSON schema and a bounded account of the task', () => {
    // Strict: a grammar cannot stop after should_store, and OpenAI's strict mode accepts it.
    expect(MEMORY_DECISION_JSON_SCHEMA).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['should_store', 'memory_type', 'summary', 'importance', 'scope', 'metadata'],
      properties: { metadata: { type: 'object', additionalProperties: false, required: [] } }
    })
    expect(JSON.stringify(MEMORY_DECISION_JSON_SCHEMA)).not.toMatch(/"default"|\$schema/)
    const [system, user] = memoryPolicyMessages(digest)
    expect(system?.content).toMatch(/should_store/)
    expect(system?.content).toMatch(/never|secret/i)
    expect(user?.content).toContain('remember that we deploy with fly')
    expect(user?.content).toContain('file_read {"path":"fly.toml"} → ok')
    expect(user?.content).toMatch(/more characters/)
    expect(describeTask({ ...digest, actions: [] })).toContain('(none)')
  })
})
