import { describe, expect, it } from 'vitest'
import { alternate, plannerMessages, thinkerMessages } from './prompts'

const base = {
  history: [
    { role: 'user' as const, content: 'first question' },
    // The answer to this one failed: two user turns in a row.
    { role: 'user' as const, content: 'second question' },
    { role: 'assistant' as const, content: 'second answer' }
  ],
  workspace: '/ws',
  request: 'third question',
  observations: [{ call_id: 'c1', tool: 'list_dir', args: { path: '.' }, ok: true, output: 'a.txt' }]
}

describe('prompts', () => {
  it('alternate user and assistant turns after the system prompt', () => {
    const messages = thinkerMessages({
      ...base,
      context: { reference: ['Reference material: x'], plannerReference: [] }
    })
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user'])
    expect(messages[1]?.content).toBe('first question\n\nsecond question')
  })

  it('put reference material, the request and the observations in the last user turn, never in a system message', () => {
    const messages = plannerMessages({
      ...base,
      tools: [],
      context: { reference: ['Reference material: memory'], plannerReference: ['Active skill: demo'] }
    })
    const last = messages.at(-1)?.content ?? ''
    expect(last.indexOf('Active skill: demo')).toBeLessThan(last.indexOf('Reference material: memory'))
    expect(last.indexOf('Reference material: memory')).toBeLessThan(last.indexOf('third question'))
    expect(last.indexOf('third question')).toBeLessThan(last.indexOf('tool_observations'))
    expect(messages.filter((m) => m.role === 'system')).toHaveLength(1)
    expect(messages[0]?.content).not.toContain('tool_observations')
  })

  it('keep the planner-only blocks from the thinker', () => {
    const messages = thinkerMessages({ ...base, context: { reference: [], plannerReference: ['Active skill: demo'] } })
    expect(messages.some((m) => m.content.includes('Active skill'))).toBe(false)
  })

  it('merge only neighbours of the same role', () => {
    expect(
      alternate([
        { role: 'system', content: 's' },
        { role: 'user', content: 'a' },
        { role: 'user', content: 'b' },
        { role: 'assistant', content: 'c' }
      ])
    ).toEqual([
      { role: 'system', content: 's' },
      { role: 'user', content: 'a\n\nb' },
      { role: 'assistant', content: 'c' }
    ])
  })
})
