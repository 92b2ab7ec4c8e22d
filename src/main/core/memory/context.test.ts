import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { lessonContext } from '../reflection/context'
import { closeDatabase, openDatabase, type Db } from '../store/database'
import { upsertExperience } from '../store/experience-repo'
import { guardedProvider, memoryContext, type LearningSettings } from './context'
import { remember } from './remember'

let db: Db
let settings: LearningSettings
beforeEach(() => {
  db = openDatabase(':memory:')
  settings = { memoryEnabled: true, reflectionEnabled: true }
  remember(db, {
    text: 'Deploys use fly deploy.',
    memoryType: 'fact',
    importance: 0.5,
    workspace: '/w',
    taskId: null,
    metadata: {}
  })
  upsertExperience(db, {
    experienceId: 'exp_1',
    taskId: 't',
    workspace: '/w',
    request: 'deploy it',
    lesson: 'Read the deploy config first.',
    norm: 'x'
  })
})
afterEach(() => closeDatabase(db))

const input = { workspace: '/w', request: 'how do we deploy?', taskId: 'task_1' }

describe('context providers', () => {
  it('give the memory and lesson blocks while learning is on', async () => {
    expect((await memoryContext(db, () => settings)(input))[0]).toContain('Deploys use fly deploy.')
    expect((await lessonContext(db, () => settings)(input))[0]).toContain('Read the deploy config first.')
  })

  it('give nothing while memory or reflection is switched off', async () => {
    settings = { memoryEnabled: false, reflectionEnabled: false }
    expect(await memoryContext(db, () => settings)(input)).toEqual([])
    expect(await lessonContext(db, () => settings)(input)).toEqual([])
  })

  it('never fail the task: a failing lookup logs and gives nothing', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    try {
      const broken = guardedProvider('memories', () => {
        throw new Error('disk on fire')
      })
      expect(await broken(input)).toEqual([])
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/could not retrieve memories for task task_1/)
    } finally {
      warn.mockRestore()
    }
  })
})
