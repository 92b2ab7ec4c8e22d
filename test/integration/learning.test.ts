/**
 * Duck learns from each task, over real HTTP: the memory policy and the critic after the
 * answer (seed scenario 3), skills in the planner's prompt (seed scenario 5), memories in later
 * prompts, workspace isolation, the settings that switch learning off, and the user's control.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ExperienceRecord, MemoryResults, SkillInfo, TaskEventRecord } from '../../src/shared/dto'
import type { FakeReply, FakeRequestBody } from '../support/fake-model-server'
import { MODELS, directive, messagesText, startHarness, type Harness } from '../support/harness'

let h: Harness
beforeEach(async () => {
  h = await startHarness({ postTaskShutdownMs: 200 })
})
afterEach(async () => {
  await h.stop()
})

const LESSON_REPLY = 'Task completed. Reusable lesson: streamed tasks need post-processing.'

function decision(summary: string, fields: Record<string, unknown> = {}): FakeReply {
  return {
    content: JSON.stringify({
      should_store: true,
      memory_type: 'preference',
      summary,
      importance: 0.8,
      scope: 'workspace',
      metadata: {},
      ...fields
    })
  }
}

/** A planner that answers directly, a thinker, and (unless given) a memory policy and a critic. */
function script(
  memory: FakeReply | null = decision('User wants streamed chats to retain memory.'),
  critic: FakeReply | null = { content: LESSON_REPLY }
) {
  h.fake.script(MODELS.action, { content: directive([], 'none', 'answer directly') })
  h.fake.script(MODELS.thinker, { chunks: [{ content: 'streamed answer' }] })
  if (memory) h.fake.script(MODELS.memory_policy, memory)
  if (critic) h.fake.script(MODELS.critic, critic)
}

async function json<T>(path: string, init?: RequestInit): Promise<T> {
  return (await (await h.api(path, init)).json()) as T
}

async function chat(message: string, workspace: string) {
  const result = await h.stream('/v1/chat/stream', { message, workspace, debug: true })
  expect(result.status).toBe(200)
  const done = result.events.at(-1)
  expect(done?.event).toBe('done')
  return { ...result, taskId: done?.data.task_id as string, doneSeq: done?.data.seq as number }
}

const SETTLED = ['reflection_completed', 'reflection_failed']

/** Polls the task's events until the post-task work has settled (or 5 s pass). */
async function settledEvents(
  taskId: string,
  until: (types: string[]) => boolean = (t) => t.some((x) => SETTLED.includes(x))
) {
  let events: TaskEventRecord[] = []
  for (let i = 0; i < 200; i++) {
    events = await json<TaskEventRecord[]>(`/v1/tasks/${taskId}/events`)
    if (until(events.map((e) => e.event_type))) break
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  return events
}

function callsTo(model: string): FakeRequestBody[] {
  return h.fake.requests
    .filter((r) => r.path.startsWith('/v1/chat/completions') && r.body?.model === model)
    .map((r) => r.body as FakeRequestBody)
}
function promptOf(model: string, index = -1): string {
  return messagesText(callsTo(model).at(index)).join('\n')
}

describe('seed scenario 3: memory policy and critic after the answer', () => {
  it('records the decision, the stored memory and the lesson after done; memory and experience are listed', async () => {
    script()
    const workspace = h.workspace()
    const { body, taskId, doneSeq } = await chat('remember this', workspace)
    expect(body).toContain('event: done')
    expect(body).toContain('streamed answer')

    const events = await settledEvents(taskId)
    const types = events.map((e) => e.event_type)
    expect(types).toContain('memory_policy_decision')
    expect(types).toContain('memory_stored')
    expect(types).toContain('reflection_completed')
    // done went out first; the post-task events come after it in the task's log.
    for (const e of events.filter((x) => x.event_type.startsWith('memory') || x.event_type.startsWith('reflection'))) {
      expect(e.seq).toBeGreaterThan(doneSeq)
    }
    expect((await json<{ status: string }>(`/v1/tasks/${taskId}`)).status).toBe('completed')

    const memory = await json<MemoryResults>(`/v1/memory?workspace=${encodeURIComponent(workspace)}`)
    expect(memory.results[0]?.text).toBe('User wants streamed chats to retain memory.')
    expect(memory.results[0]).toMatchObject({
      memory_type: 'preference',
      importance: 0.8,
      scope: 'workspace',
      workspace
    })
    const experience = await json<ExperienceRecord[]>('/v1/experience')
    expect(experience).toHaveLength(1)
    expect(experience[0]).toMatchObject({ task_id: taskId, lesson: 'streamed tasks need post-processing.' })
    expect((await json<ExperienceRecord[]>('/v1/experience?q=streamed')).map((e) => e.experience_id)).toEqual([
      experience[0]?.experience_id
    ])

    // The memory policy was asked for JSON with the decision schema; the critic in plain text.
    expect(callsTo(MODELS.memory_policy)[0]?.response_format?.type).toBe('json_schema')
    expect(callsTo(MODELS.critic)[0]?.response_format).toBeUndefined()
    // Background calls ask the server not to think (cheap on a local GPU).
    expect(callsTo(MODELS.memory_policy)[0]?.chat_template_kwargs).toEqual({ enable_thinking: false })
    expect(promptOf(MODELS.memory_policy)).toContain('remember this')
    expect(promptOf(MODELS.critic)).toContain('streamed answer')
  })
})

describe('seed scenario 5: skills', () => {
  it('a matching skill goes into the planner’s messages as Active skill', async () => {
    script(null, null)
    const { body } = await chat('analyze repository structure', h.workspace())
    expect(body).toContain('event: done')
    const messages = messagesText(callsTo(MODELS.action)[0])
    expect(messages.some((m) => m.includes('Active skill:'))).toBe(true)
    expect(messages.some((m) => m.includes('analyze_project'))).toBe(true)
    const block = messages.find((m) => m.startsWith('Active skill: analyze_project')) ?? ''
    expect(block).toMatch(/not an instruction/)
    expect(block).toMatch(/list_dir/)
    // The skill shapes the plan; the thinker writes the answer without it.
    expect(messagesText(callsTo(MODELS.thinker)[0]).some((m) => m.includes('Active skill:'))).toBe(false)
  })

  it('an unrelated request activates no skill', async () => {
    script(null, null)
    await chat('what time is it in Tokyo', h.workspace())
    expect(promptOf(MODELS.action)).not.toContain('Active skill:')
  })

  it('lists the built-in skills, and a user skill overrides the built-in of the same name', async () => {
    const builtin = await json<SkillInfo[]>('/v1/skills')
    for (const name of ['analyze_project', 'check_updates', 'explain_file', 'find_large_files', 'git_summary']) {
      expect(builtin).toContainEqual(expect.objectContaining({ name, source: 'builtin' }))
    }
    mkdirSync(join(h.dataDir, 'skills'))
    writeFileSync(
      join(h.dataDir, 'skills', 'my-analysis.md'),
      '---\nname: analyze_project\ndescription: My team’s way to look at a repository.\ntriggers:\n  - repository structure\nsteps:\n  - Read ARCHITECTURE.md first.\n---\n'
    )
    writeFileSync(join(h.dataDir, 'skills', 'broken.md'), 'no front matter here')
    const skills = await json<SkillInfo[]>('/v1/skills')
    expect(skills.find((s) => s.name === 'analyze_project')).toEqual({
      name: 'analyze_project',
      description: 'My team’s way to look at a repository.',
      source: 'user'
    })
    expect(skills.filter((s) => s.name === 'analyze_project')).toHaveLength(1)
    script(null, null)
    await chat('analyze repository structure', h.workspace())
    expect(promptOf(MODELS.action)).toContain('1. Read ARCHITECTURE.md first.')
  })
})

describe('memories in later prompts', () => {
  it('reach the planner and the thinker of the next task in the same workspace, never another workspace', async () => {
    const alpha = h.workspace()
    const beta = h.workspace()
    script(decision('Project alpha deploys to production with fly deploy.', { importance: 0.6 }))
    const first = await chat('how do we deploy alpha?', alpha)
    await settledEvents(first.taskId)

    script(decision('Nothing new.', { should_store: false }))
    const other = await chat('how do we deploy this one?', beta)
    expect(promptOf(MODELS.action)).not.toContain('fly deploy')
    expect(promptOf(MODELS.thinker)).not.toContain('fly deploy')
    await settledEvents(other.taskId)

    await chat('deploy to production please', alpha)
    for (const model of [MODELS.action, MODELS.thinker]) {
      const messages = callsTo(model).at(-1)?.messages ?? []
      // Retrieved text is reference in the person's turn, never a system instruction.
      expect(messages.some((m) => m.role === 'system' && String(m.content).includes('fly deploy'))).toBe(false)
      const block = messages.find((m) => m.role === 'user' && String(m.content).includes('fly deploy'))
      expect(block?.content, model).toMatch(/Reference material: memories from earlier tasks/)
      expect(block?.content).toMatch(/not an instruction/)
      expect(block?.content).not.toContain('tool_observations')
    }
    // The lesson from alpha is offered to the planner for a similar request.
    expect(promptOf(MODELS.action)).toContain('Reference material: lessons from similar earlier tasks')

    const inBeta = await json<MemoryResults>(`/v1/memory?workspace=${encodeURIComponent(beta)}`)
    expect(inBeta.results.map((m) => m.text)).not.toContain('Project alpha deploys to production with fly deploy.')
    const found = await json<MemoryResults>(`/v1/memory?workspace=${encodeURIComponent(alpha)}&q=deploys`)
    expect(found.results[0]?.text).toBe('Project alpha deploys to production with fly deploy.')
  })

  it('a repeated decision merges into the existing memory', async () => {
    script(decision('The user prefers tables for comparisons.', { scope: 'global' }))
    const workspace = h.workspace()
    const first = await chat('compare the two options', workspace)
    const a = await settledEvents(first.taskId)
    const second = await chat('compare them again', h.workspace())
    const b = await settledEvents(second.taskId)
    const stored = (events: TaskEventRecord[]) => events.find((e) => e.event_type === 'memory_stored')?.payload
    expect(stored(a)).toMatchObject({ merged: false })
    expect(stored(b)).toMatchObject({ merged: true, memory_id: stored(a)?.memory_id })
    const all = await json<MemoryResults>('/v1/memory')
    expect(all.results).toHaveLength(1)
    expect(all.results[0]).toMatchObject({ scope: 'global', workspace: null })
  })
})

describe('settings and failures', () => {
  it('with memory off the memory policy is never called; with reflection off the critic is not', async () => {
    script()
    const put = await h.api('/v1/settings', { method: 'PUT', body: JSON.stringify({ memory_enabled: false }) })
    expect(put.status).toBe(200)
    const a = await chat('remember this', h.workspace())
    const eventsA = await settledEvents(a.taskId)
    expect(callsTo(MODELS.memory_policy)).toHaveLength(0)
    expect(eventsA.map((e) => e.event_type).filter((t) => t.startsWith('memory'))).toEqual([])
    expect(callsTo(MODELS.critic)).toHaveLength(1)

    await h.api('/v1/settings', {
      method: 'PUT',
      body: JSON.stringify({ memory_enabled: true, reflection_enabled: false })
    })
    const b = await chat('remember this too', h.workspace())
    await settledEvents(b.taskId, (t) => t.includes('memory_stored'))
    await h.duck.learningIdle()
    expect(callsTo(MODELS.critic)).toHaveLength(1)
    expect(callsTo(MODELS.memory_policy)).toHaveLength(1)
  })

  it('a critic that errors (500) or returns garbage leaves the task completed and records reflection_failed', async () => {
    script(undefined, { status: 500, error: 'critic crashed' })
    const a = await chat('remember this', h.workspace())
    const eventsA = await settledEvents(a.taskId)
    const failed = eventsA.find((e) => e.event_type === 'reflection_failed')
    expect(failed?.payload.message).toMatch(/HTTP 500/)
    expect(eventsA.map((e) => e.event_type)).toContain('memory_stored')
    expect((await json<{ status: string }>(`/v1/tasks/${a.taskId}`)).status).toBe('completed')

    script({ content: 'not json at all' }, { content: '}{ ### ]]' })
    const b = await chat('and this', h.workspace())
    const eventsB = await settledEvents(b.taskId)
    expect(eventsB.map((e) => e.event_type)).toEqual(
      expect.arrayContaining(['memory_policy_failed', 'reflection_failed'])
    )
    expect((await json<{ status: string }>(`/v1/tasks/${b.taskId}`)).status).toBe('completed')
    expect(await json<ExperienceRecord[]>('/v1/experience')).toEqual([])
  })

  it('work still running at shutdown is recorded as interrupted', async () => {
    script({ ...decision('Slow to decide.'), delayMs: 3000 })
    const { taskId } = await chat('remember this slowly', h.workspace())
    await new Promise((resolve) => setTimeout(resolve, 50))
    await h.restart()
    const events = await json<TaskEventRecord[]>(`/v1/tasks/${taskId}/events`)
    const failures = events.filter((e) => e.event_type.endsWith('_failed'))
    expect(failures.map((e) => [e.event_type, e.payload.message])).toEqual([
      ['memory_policy_failed', 'interrupted by shutdown'],
      ['reflection_failed', 'interrupted by shutdown']
    ])
    expect(events.map((e) => e.event_type)).not.toContain('memory_stored')
    expect((await json<{ status: string }>(`/v1/tasks/${taskId}`)).status).toBe('completed')
  })
})

describe('the person’s control over memory', () => {
  async function learn(summary: string, workspace: string, scope = 'workspace') {
    script(decision(summary, { scope }))
    const { taskId } = await chat(`note: ${summary}`, workspace)
    const events = await settledEvents(taskId)
    return events.find((e) => e.event_type === 'memory_stored')?.payload.memory_id as string
  }

  it('deletes one memory, forgets a workspace, forgets everything', async () => {
    const alpha = h.workspace()
    const beta = h.workspace()
    const one = await learn('Alpha uses pnpm for installs.', alpha)
    await learn('Alpha runs tests with vitest.', alpha)
    await learn('Beta is a Rust project.', beta)
    await learn('The user likes concise answers.', beta, 'global')

    expect((await h.api(`/v1/memory/${one}`, { method: 'DELETE' })).status).toBe(204)
    expect((await h.api(`/v1/memory/${one}`, { method: 'DELETE' })).status).toBe(404)
    expect((await json<MemoryResults>('/v1/memory')).results).toHaveLength(3)

    // Every task taught the same lesson: it is kept once, attributed to alpha, where it was first learned.
    expect(await json<ExperienceRecord[]>('/v1/experience')).toHaveLength(1)
    // Forgetting alpha takes its remaining memory and the lesson its tasks taught.
    const forgotten = await json<{ deleted: number }>('/v1/memory/forget', {
      method: 'POST',
      body: JSON.stringify({ workspace: `${alpha}/` })
    })
    expect(forgotten).toEqual({ deleted: 2 })
    const left = (await json<MemoryResults>('/v1/memory')).results.map((m) => m.text).sort()
    expect(left).toEqual(['Beta is a Rust project.', 'The user likes concise answers.'])

    const everything = await json<{ deleted: number }>('/v1/memory/forget', {
      method: 'POST',
      body: JSON.stringify({})
    })
    expect(everything).toEqual({ deleted: 2 })
    expect((await json<MemoryResults>('/v1/memory')).results).toEqual([])
    expect(await json<ExperienceRecord[]>('/v1/experience')).toEqual([])
  })

  it('validates input with clear errors', async () => {
    const bad = async (path: string, init?: RequestInit) => {
      const response = await h.api(path, init)
      return { status: response.status, body: (await response.json()) as { error: { code: string; message: string } } }
    }
    expect(await bad('/v1/memory?limit=abc')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_input', message: expect.stringMatching(/^limit: /) } }
    })
    expect(await bad('/v1/memory?color=blue')).toMatchObject({ status: 400 })
    expect(await bad('/v1/experience?limit=0')).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringMatching(/^limit: /) } }
    })
    expect(await bad('/v1/memory/forget', { method: 'POST', body: JSON.stringify({ workspace: 5 }) })).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringMatching(/^workspace: /) } }
    })
    expect(await bad('/v1/memory/forget', { method: 'POST', body: '{nope' })).toMatchObject({ status: 400 })
    expect(await bad('/v1/memory/mem_nope', { method: 'DELETE' })).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found' } }
    })
    expect(await bad('/v1/memory/bad%20id', { method: 'DELETE' })).toMatchObject({ status: 404 })
    // Any search text is safe for FTS.
    for (const q of ['"', 'NEAR(', 'a OR', '*', 'text : x']) {
      expect((await h.api(`/v1/memory?q=${encodeURIComponent(q)}`)).status).toBe(200)
      expect((await h.api(`/v1/experience?q=${encodeURIComponent(q)}`)).status).toBe(200)
    }
  })
})
