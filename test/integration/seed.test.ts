/**
 * The original system's smoke test, scenario by scenario, over real HTTP: the headless server
 * and a fake OpenAI-compatible server, so the real openai SDK does the talking.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { FakeRequestBody } from '../support/fake-model-server'
import { MODELS, directive, hasObservations, messagesText, startHarness, type Harness } from '../support/harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ sudoPassword: 'secret' })
})
afterEach(() => h.fake.reset())
afterAll(async () => {
  await h.stop()
})

function actionCalls(): FakeRequestBody[] {
  return h.fake.requests.filter((r) => r.body?.model === MODELS.action).map((r) => r.body as FakeRequestBody)
}
function thinkerCalls(): FakeRequestBody[] {
  return h.fake.requests.filter((r) => r.body?.model === MODELS.thinker).map((r) => r.body as FakeRequestBody)
}
function taskIdOf(body: string): string {
  return (/"task_id":"([^"]+)"/.exec(body) as RegExpExecArray)[1] as string
}

describe('seed scenarios', () => {
  it('1. streams reasoning, content and a done with generation stats', async () => {
    h.fake.script(MODELS.action, { content: directive([], 'none', 'answer directly') })
    h.fake.script(MODELS.thinker, { chunks: [{ reasoning: 'thinking' }, { content: 'answer' }] })
    const { status, body, events } = await h.stream('/v1/chat/stream', {
      message: 'hello',
      workspace: h.workspace(),
      debug: true
    })
    expect(status).toBe(200)
    expect(body).toContain('event: reasoning_delta')
    expect(body).toContain('event: content_delta')
    expect(body).toContain('event: done')
    for (const key of [
      '"generation_stats":',
      '"min_tokens_per_second":',
      '"avg_tokens_per_second":',
      '"max_tokens_per_second":'
    ]) {
      expect(body).toContain(key)
    }
    expect(body).toContain('thinking')
    expect(body).toContain('answer')
    // Every data object carries the ids and a seq that only increases; exactly one done.
    const seqs = events.map((e) => e.data.seq as number)
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
    expect(new Set(seqs).size).toBe(seqs.length)
    expect(events.filter((e) => e.event === 'done')).toHaveLength(1)
    expect(events.at(-1)?.data).toMatchObject({ status: 'completed' })
    expect(body).toMatch(/event: runtime_status\ndata: \{"task_id":/)
  })

  it('2. forwards the reasoning toggle to the thinker', async () => {
    h.fake.script(MODELS.action, { content: directive([], 'none') })
    h.fake.script(MODELS.thinker, { content: 'answer' })
    const { body } = await h.stream('/v1/chat/stream', {
      message: 'hello',
      workspace: h.workspace(),
      debug: true,
      reasoning: 'off'
    })
    expect(body).toContain('event: done')
    const [thinker] = thinkerCalls()
    expect(thinker?.chat_template_kwargs).toEqual({ enable_thinking: false })
    expect(thinkerCalls()).toHaveLength(1)
    const on = await h.stream('/v1/chat/stream', { message: 'hello again', workspace: h.workspace(), reasoning: 'on' })
    expect(on.body).toContain('event: done')
    expect(thinkerCalls()[1]?.chat_template_kwargs).toEqual({ enable_thinking: true })
  })

  it('4. runs a tool before streaming the answer, and the thinker sees the observations', async () => {
    const workspace = h.workspace()
    writeFileSync(join(workspace, 'note.txt'), 'stream tool content')
    h.fake.script(MODELS.action, (body) => ({
      content: hasObservations(body)
        ? directive([], 'low', 'read requested file')
        : directive([{ tool: 'file_read', args: { path: 'note.txt' }, reason: 'User asked for file contents' }], 'low')
    }))
    h.fake.script(MODELS.thinker, (body) => {
      expect(hasObservations(body)).toBe(true)
      return { chunks: [{ content: 'answer from tool' }] }
    })
    const { status, body } = await h.stream('/v1/chat/stream', { message: 'read note.txt', workspace, debug: true })
    expect(status).toBe(200)
    expect(body).toMatch(/event: runtime_status\ndata: \{"task_id":/)
    expect(body).toContain('"stage":"planning"')
    expect(body.indexOf('"stage":"planning"')).toBeLessThan(body.indexOf('event: tool_call_started'))
    expect(body).toContain('event: tool_call_finished')
    expect(body).toContain('stream tool content')
    expect(body).toContain('answer from tool')
    expect(body).toContain('event: done')
    expect(thinkerCalls().some((call) => messagesText(call).some((t) => t.includes('stream tool content')))).toBe(true)
  })

  it('6. asks before listing a directory outside the workspace', async () => {
    const root = h.workspace()
    const workspace = join(root, 'workspace')
    const outside = join(root, 'outside')
    mkdirSync(workspace)
    mkdirSync(outside)
    writeFileSync(join(outside, 'note.txt'), 'external')
    h.fake.script(MODELS.action, {
      content: directive(
        [{ tool: 'list_dir', args: { path: outside }, reason: 'User asked for that directory' }],
        'low'
      )
    })
    const { status, body, events } = await h.stream('/v1/chat/stream', {
      message: 'show outside',
      workspace,
      debug: true
    })
    expect(status).toBe(200)
    expect(body).toContain('event: tool_approval_requested')
    expect(body).toContain('"tool":"list_dir"')
    expect(body).toContain(outside)
    expect(body).toContain('"status":"waiting_for_approval"')
    const requested = events.find((e) => e.event === 'tool_approval_requested')
    expect(requested?.data.outside_workspace).toEqual([outside])
    expect(events.at(-1)?.data).toMatchObject({ status: 'waiting_for_approval' })
    expect(body).not.toContain('external')
  })

  it('7. after allow_once, continue runs the tool and streams the answer with one planning call', async () => {
    h.fake.script(MODELS.action, (body) => ({
      content: hasObservations(body)
        ? directive([], 'medium')
        : directive(
            [{ tool: 'shell_exec_safe', args: { command: 'uname -a' }, reason: 'User asked for system information' }],
            'medium',
            'run command'
          )
    }))
    h.fake.script(MODELS.thinker, (body) => {
      const observation = messagesText(body).find((t) => t.includes('tool_observations'))
      expect(observation).toContain('uname')
      return { chunks: [{ content: 'continued after approval' }] }
    })
    const workspace = h.workspace()
    const initial = await h.stream('/v1/chat/stream', { message: 'run uname', workspace, debug: true })
    const taskId = taskIdOf(initial.body)
    const pending = (await (await h.api('/v1/approvals/pending')).json()) as { approval_id: string; task_id: string }[]
    const approval = pending.find((item) => item.task_id === taskId)
    expect(approval).toBeDefined()
    const allowed = await h.api(`/v1/approvals/${approval?.approval_id}/allow_once`, { method: 'POST' })
    expect(await allowed.json()).toEqual({ approval_id: approval?.approval_id, status: 'allowed_once' })
    const { status, body } = await h.stream(`/v1/tasks/${taskId}/continue/stream`, {
      approval_id: approval?.approval_id
    })
    expect(initial.body).toContain('event: tool_approval_requested')
    expect(status).toBe(200)
    expect(body).toContain('"stage":"running_tool"')
    expect(body.indexOf('"stage":"running_tool"')).toBeLessThan(body.indexOf('event: tool_call_finished'))
    expect(body).toContain('event: content_delta')
    expect(body).toContain('continued after approval')
    expect(body).toContain('event: done')
    expect(actionCalls()).toHaveLength(1)
    const conversationId = (/"conversation_id":"([^"]+)"/.exec(initial.body) as RegExpExecArray)[1]
    const conversation = (await (await h.api(`/v1/conversations/${conversationId}`)).json()) as {
      messages: { content: string; status: string }[]
    }
    expect(conversation.messages.at(-1)?.content).toBe('continued after approval')
    expect(conversation.messages.at(-1)?.status).toBe('completed')
    // The seq keeps increasing across the task's two streams.
    const lastSeq = Number((/"seq":(\d+)[^]*$/.exec(initial.body) as RegExpExecArray)[1])
    expect(Number((/"seq":(\d+)/.exec(body) as RegExpExecArray)[1])).toBeGreaterThan(lastSeq)
  })

  async function sudoUpToPassword(workspace: string) {
    h.fake.script(MODELS.action, (body) => ({
      content: hasObservations(body)
        ? directive([], 'medium')
        : directive(
            [
              {
                tool: 'shell_exec_safe',
                args: { command: 'sudo apt update' },
                reason: 'Check updates with root privileges'
              }
            ],
            'medium'
          )
    }))
    const initial = await h.stream('/v1/chat/stream', { message: 'run sudo update', workspace, debug: true })
    const taskId = taskIdOf(initial.body)
    const pending = (await (await h.api('/v1/approvals/pending')).json()) as {
      approval_id: string
      task_id: string
      rule_preview: unknown
    }[]
    const approval = pending.find((item) => item.task_id === taskId)
    if (!approval) throw new Error('no approval for the sudo task')
    expect(approval.rule_preview).toBeNull()
    await h.api(`/v1/approvals/${approval.approval_id}/allow_once`, { method: 'POST' })
    const cont = await h.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approval.approval_id })
    return { taskId, approvalId: approval.approval_id, cont }
  }

  it('8. an approved sudo command asks for the password', async () => {
    const { cont } = await sudoUpToPassword(h.workspace())
    expect(cont.status).toBe(200)
    expect(cont.body).toContain('event: tool_password_requested')
    expect(cont.body).toContain('waiting_for_password')
    expect(cont.body.toLowerCase()).toContain('password')
    expect(cont.events.at(-1)?.data).toMatchObject({ status: 'waiting_for_password' })
  })

  it('9. password/stream runs sudo with the password on stdin and streams the answer', async () => {
    const workspace = h.workspace()
    const { taskId, approvalId } = await sudoUpToPassword(workspace)
    h.fake.script(MODELS.thinker, (body) => {
      const observation = messagesText(body).find((t) => t.includes('tool_observations')) ?? ''
      expect(observation).toContain('sudo updated')
      expect(observation).not.toContain('secret')
      return { chunks: [{ content: 'sudo command completed' }] }
    })
    const { status, body } = await h.stream(`/v1/tasks/${taskId}/password/stream`, {
      approval_id: approvalId,
      password: 'secret'
    })
    expect(status).toBe(200)
    // The fake sudo printed this only because stdin carried exactly "secret\n".
    expect(body).toContain('sudo updated: apt update')
    expect(body).toContain('event: tool_call_finished')
    expect(body).toContain('event: content_delta')
    expect(body).toContain('sudo command completed')
    expect(body).not.toContain('secret')
  })

  it('10. the command audit lists the shell command with risk, action type and approved false', async () => {
    h.fake.script(MODELS.action, (body) => ({
      content: hasObservations(body)
        ? directive([], 'low')
        : directive(
            [
              { tool: 'shell_exec_safe', args: { command: 'apt list --upgradable' }, reason: 'Check available updates' }
            ],
            'low',
            'check updates'
          )
    }))
    h.fake.script(MODELS.thinker, { chunks: [{ content: 'updates checked' }] })
    const { status } = await h.stream('/v1/chat/stream', {
      message: 'check updates',
      workspace: h.workspace(),
      debug: true
    })
    expect(status).toBe(200)
    const audit = (await (await h.api('/v1/audit/commands')).json()) as {
      event_type: string
      payload: Record<string, unknown>
    }[]
    expect(audit[0]?.event_type).toBe('command_audit')
    expect(audit[0]?.payload).toMatchObject({
      command: 'apt list --upgradable',
      risk_level: 'low',
      action_type: 'package_check',
      approved: false,
      decision: 'auto_allowed'
    })
    expect(JSON.stringify(audit).toLowerCase()).not.toContain('password')
  })
})
