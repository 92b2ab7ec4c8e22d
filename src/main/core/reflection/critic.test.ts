import { describe, expect, it } from 'vitest'
import { PostTaskError } from '../memory/policy'
import { LESSON_MAX_CHARS, criticMessages, extractLesson } from './critic'

describe('extractLesson', () => {
  it('takes the text after "Reusable lesson:" when present', () => {
    expect(extractLesson('Task completed. Reusable lesson: streamed tasks need post-processing.')).toBe(
      'streamed tasks need post-processing.'
    )
    expect(
      extractLesson('Went fine.\n\n**Reusable lesson:** Read the CI workflow to find the real test command.')
    ).toBe('Read the CI workflow to find the real test command.')
    expect(
      extractLesson('Review…\nREUSABLE LESSON - no label dash\nreusable lesson: "Check the lockfile first."')
    ).toBe('Check the lockfile first.')
  })

  it('uses the whole reply, trimmed to one line, when there is no label', () => {
    expect(extractLesson('  Always list the folder\nbefore reading files.  ')).toBe(
      'Always list the folder before reading files.'
    )
  })

  it('bounds a long lesson', () => {
    const lesson = extractLesson(`Reusable lesson: ${'check the inputs twice '.repeat(100)}`)
    expect(lesson.length).toBeLessThanOrEqual(LESSON_MAX_CHARS)
    expect(lesson.endsWith('…')).toBe(true)
  })

  it('refuses empty or garbage replies', () => {
    for (const reply of [
      '',
      '   ',
      'Reusable lesson:',
      '{}[]<>###',
      '!!!! ???? 1234 5678',
      'ok',
      '```\n{"a": 1}\n```'
    ]) {
      expect(() => extractLesson(reply), JSON.stringify(reply)).toThrow(PostTaskError)
    }
  })

  it('asks for a general lesson without secrets', () => {
    const [system] = criticMessages({
      taskId: 't',
      conversationId: 'c',
      workspace: '/w',
      request: 'r',
      answer: 'a',
      actions: []
    })
    expect(system?.content).toMatch(/Reusable lesson:/)
    expect(system?.content).toMatch(/secrets/)
  })
})
