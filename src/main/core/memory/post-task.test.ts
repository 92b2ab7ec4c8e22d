import { EventEmitter } from 'node:events'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { TaskState } from '../agent/state'
import { ModelError } from '../model/errors'
import type { ChatModel, ChatOptions, ChatResult } from '../model/types'
import * as conversations from '../store/conversations-repo'
import { closeDatabase, openDatabase, type Db } from '../store/database'
import * as tasks from '../store/tasks-repo'
import { INTERRUPTED, INTERRUPTED_BY_CRASH, PostTaskQueue } from './post-task'

type Script = (signal: AbortSignal | undefined) => string | Promise<string>

let db: Db
let calls: string[]
let settings: { memoryEnabled: boolean; reflectionEnabled: boolean }
let logged: unknown[]

beforeEach(() => {
  db = openDatabase(':memory:')
  calls = []
  logged = []
  settings = { memoryEnabled: true, reflectionEnabled: true }
})
afterEach(() => {
  if (db.open) closeDatabase(db)
})

/** A scripted model: each role answers from its script, or fails like a server without it. */
function queue(scripts: Partial<Record<'memory_policy' | 'critic', Script>>): PostTaskQueue {
  const model = {
    async chat(role: string, _messages: unknown, opts: ChatOptions = {}): Promise<ChatResult> {
      calls.push(role)
      const script = scripts[role as 'memory_policy' | 'critic']
      if (!script) throw new ModelError('model_unavailable', `The model server is not available (HTTP 500).`)
      return { content: await script(opts.signal), reasoning: '', model: role, finishReason: 'stop', truncated: false }
    }
  } as unknown as ChatModel
  return new PostTaskQueue({
    db,
    model: () => Promise.resolve(model),
    settings: () => settings,
    log: (m, e) => logged.push([m, e])
  })
}

const hang: Script = (signal) =>
  new Promise((_, reject) =>
    signal?.addEventListener('abort', () =>
      reject(new ModelError('cancelled', 'The request to the model was cancelled.'))
    )
  )

const DECISION = JSON.stringify({
  should_store: true,
  memory_type: 'preference',
  summary: 'The user deploys with Fly.io.',
  importance: 0.7,
  scope: 'workspace',
  metadata: {}
})
const LESSON = 'Done. Reusable lesson: check the deploy config before suggesting commands.'

let counter = 0
function completedTask(workspace = '/work/alpha'): string {
  const id = `task_${++counter}`
  const conversationId = `conv_${counter}`
  const state: TaskState = {
    assistantMessageId: `msg_a${counter}`,
    observations: [],
    rounds: 1,
    plannerRisk: 'none',
    queue: [],
    paused: null
  }
  conversations.createConversation(db, conversationId, 't', workspace)
  tasks.insertTask(db, {
    id,
    conversationId,
    workspace,
    status: 'completed',
    request: 'how do we deploy?',
    options: {},
    state
  })
  conversations.addMessage(db, {
    id: state.assistantMessageId,
    conversationId,
    taskId: id,
    role: 'assistant',
    content: 'With Fly.io.',
    status: 'completed'
  })
  // The task's own stream used seqs 1..3.
  db.prepare('UPDATE tasks SET next_seq = 4 WHERE id = ?').run(id)
  return id
}

function events(taskId: string) {
  return tasks.listEvents(db, taskId)
}
function types(taskId: string) {
  return events(taskId).map((e) => e.event_type)
}

describe('post-task learning', () => {
  it('stores the memory and the lesson, as events after the task’s own', async () => {
    const q = queue({ memory_policy: () => DECISION, critic: () => LESSON })
    const id = completedTask()
    q.enqueue(id)
    await q.idle()
    expect(types(id)).toEqual(['memory_policy_decision', 'memory_stored', 'reflection_completed'])
    expect(events(id).map((e) => e.seq)).toEqual([4, 5, 6])
    expect(events(id)[0]?.payload).toMatchObject({
      should_store: true,
      summary: 'The user deploys with Fly.io.',
      scope: 'workspace'
    })
    expect(events(id)[2]?.payload).toMatchObject({ lesson: 'check the deploy config before suggesting commands.' })
    expect(db.prepare('SELECT text, workspace FROM memories').all()).toEqual([
      { text: 'The user deploys with Fly.io.', workspace: '/work/alpha' }
    ])
    expect(tasks.taskInfo(db, id)?.status).toBe('completed')
    expect(calls).toEqual(['memory_policy', 'critic'])
  })

  it('a second identical decision merges; a lesson seen again is not stored twice', async () => {
    const q = queue({ memory_policy: () => DECISION, critic: () => LESSON })
    const first = completedTask()
    const second = completedTask()
    q.enqueue(first)
    q.enqueue(second)
    await q.idle()
    expect(events(second)[1]?.payload).toMatchObject({ merged: true, memory_id: events(first)[1]?.payload.memory_id })
    expect(events(second)[2]?.payload.experience_id).toBe(events(first)[2]?.payload.experience_id)
    expect(db.prepare('SELECT COUNT(*) AS n FROM experiences').get()).toEqual({ n: 1 })
  })

  it('a decision not to store records only the decision', async () => {
    const q = queue({ memory_policy: () => '{"should_store": false, "summary": ""}', critic: () => LESSON })
    const id = completedTask()
    q.enqueue(id)
    await q.idle()
    expect(types(id)).toEqual(['memory_policy_decision', 'reflection_completed'])
  })

  it('with memory or reflection off, that role is not called at all', async () => {
    const q = queue({ memory_policy: () => DECISION, critic: () => LESSON })
    settings = { memoryEnabled: false, reflectionEnabled: true }
    const a = completedTask()
    q.enqueue(a)
    await q.idle()
    expect(calls).toEqual(['critic'])
    expect(types(a)).toEqual(['reflection_completed'])
    settings = { memoryEnabled: true, reflectionEnabled: false }
    const b = completedTask()
    q.enqueue(b)
    await q.idle()
    expect(calls).toEqual(['critic', 'memory_policy'])
    expect(types(b)).toEqual(['memory_policy_decision', 'memory_stored'])
  })

  it('failures are recorded as events and never change the task', async () => {
    const q = queue({ critic: () => '### {}' })
    const id = completedTask()
    q.enqueue(id)
    await q.idle()
    expect(types(id)).toEqual(['memory_policy_failed', 'reflection_failed'])
    expect(events(id)[0]?.payload.message).toMatch(/HTTP 500/)
    expect(events(id)[1]?.payload.message).toMatch(/no usable lesson/)
    expect(tasks.taskInfo(db, id)?.status).toBe('completed')
    expect(logged).toEqual([])
  })

  it('a bad decision fails the policy step; an empty summary fails the store step', async () => {
    const bad = queue({ memory_policy: () => 'I would remember that.', critic: () => LESSON })
    const a = completedTask()
    bad.enqueue(a)
    await bad.idle()
    expect(types(a)).toEqual(['memory_policy_failed', 'reflection_completed'])
    const empty = queue({ memory_policy: () => '{"should_store": true, "summary": "  "}', critic: () => LESSON })
    const b = completedTask()
    empty.enqueue(b)
    await empty.idle()
    expect(types(b)).toEqual(['memory_policy_decision', 'memory_store_failed', 'reflection_completed'])
    expect(db.prepare('SELECT COUNT(*) AS n FROM memories').get()).toEqual({ n: 0 })
  })

  it('a task deleted meanwhile is skipped quietly', async () => {
    const q = queue({ memory_policy: () => DECISION, critic: () => LESSON })
    const id = completedTask()
    conversations.deleteConversation(db, tasks.taskInfo(db, id)?.conversation_id ?? '')
    q.enqueue(id)
    await q.idle()
    expect(calls).toEqual([])
    expect(logged).toEqual([])
  })

  it('at shutdown, unfinished work is recorded as interrupted and nothing is written after', async () => {
    const q = queue({ memory_policy: hang, critic: () => LESSON })
    const running = completedTask()
    const waiting = completedTask()
    q.enqueue(running)
    q.enqueue(waiting)
    while (calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    await q.close(30)
    expect(types(running)).toEqual(['memory_policy_failed', 'reflection_failed'])
    expect(events(running).map((e) => e.payload.message)).toEqual([INTERRUPTED, INTERRUPTED])
    expect(types(waiting)).toEqual(['memory_policy_failed', 'reflection_failed'])
    closeDatabase(db)
    await q.idle()
    expect(calls).toEqual(['memory_policy'])
    expect(logged).toEqual([])
  })

  it('close waits for work that finishes in time', async () => {
    const q = queue({
      memory_policy: () => new Promise((resolve) => setTimeout(() => resolve(DECISION), 30)),
      critic: () => LESSON
    })
    const id = completedTask()
    q.enqueue(id)
    await q.close(2000)
    expect(types(id)).toEqual(['memory_policy_decision', 'memory_stored', 'reflection_completed'])
    const late = completedTask()
    q.enqueue(late)
    expect(types(late)).toEqual(['memory_policy_failed', 'reflection_failed'])
  })
})

describe('learning cut off by a crash', () => {
  /** A crash: the queue is dropped without close(), its model call never answers. */
  function crashMidway(): string {
    const q = queue({ memory_policy: () => DECISION, critic: hang })
    const id = completedTask()
    q.enqueue(id)
    return id
  }

  it('runs again at the next start, only the steps without an outcome', async () => {
    const id = crashMidway()
    while (!types(id).includes('memory_stored')) await new Promise((resolve) => setTimeout(resolve, 5))
    calls = []
    const next = queue({ memory_policy: () => DECISION, critic: () => LESSON })
    next.recover()
    await next.idle()
    expect(calls).toEqual(['critic'])
    expect(types(id)).toEqual(['memory_policy_decision', 'memory_stored', 'reflection_completed'])
    // Nothing is owed any more: a third start does nothing.
    calls = []
    const third = queue({ memory_policy: () => DECISION, critic: () => LESSON })
    third.recover()
    await third.idle()
    expect(calls).toEqual([])
  })

  it('cut off again, it is recorded as interrupted and not run a third time', async () => {
    const id = crashMidway()
    while (calls.length < 2) await new Promise((resolve) => setTimeout(resolve, 5))
    const second = queue({ critic: hang })
    second.recover()
    while (calls.length < 3) await new Promise((resolve) => setTimeout(resolve, 5))
    calls = []
    const third = queue({ memory_policy: () => DECISION, critic: () => LESSON })
    third.recover()
    await third.idle()
    expect(calls).toEqual([])
    expect(types(id)).toEqual(['memory_policy_decision', 'memory_stored', 'reflection_failed'])
    expect(events(id).at(-1)?.payload.message).toBe(INTERRUPTED_BY_CRASH)
  })

  it('each model call gets its own signal: the stop signal collects no listeners', async () => {
    const seen = new Set<AbortSignal>()
    const q = queue({
      memory_policy: (signal) => (seen.add(signal!), DECISION),
      critic: (signal) => (seen.add(signal!), LESSON)
    })
    for (let i = 0; i < 20; i++) q.enqueue(completedTask())
    await q.idle()
    expect(seen.size).toBe(40)
    const stop = (q as unknown as { stop: AbortController }).stop.signal
    expect(EventEmitter.getEventListeners(stop, 'abort')).toHaveLength(0)
  })
})
