/** The agent runtime's behaviour beyond the seed: approvals, policy, failures, restarts. */
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { MODELS, directive, hasObservations, messagesText, startHarness, type Harness } from '../support/harness'
import type { WireEvent } from '../support/sse'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ sudoPassword: 'correct horse' })
})
afterEach(() => h.fake.reset())
afterAll(async () => {
  await h.stop()
})

function planOnce(actions: Parameters<typeof directive>[0], risk = 'low') {
  h.fake.script(MODELS.action, (body) => ({
    content: hasObservations(body) ? directive([], risk) : directive(actions, risk)
  }))
}
function ofType(events: WireEvent[], type: string) {
  return events.filter((e) => e.event === type)
}
async function pendingFor(taskId: string) {
  const list = (await (await h.api('/v1/approvals/pending')).json()) as {
    approval_id: string
    task_id: string
    rule_preview: string | null
  }[]
  return list.find((a) => a.task_id === taskId)
}
async function json<T>(path: string): Promise<T> {
  return (await (await h.api(path)).json()) as T
}

describe('approvals', () => {
  it('deny skips the action and the answer hears about it', async () => {
    const workspace = h.workspace()
    planOnce([{ tool: 'shell_exec_safe', args: { command: 'touch made-by-duck.txt' } }])
    h.fake.script(MODELS.thinker, (body) => {
      const text = messagesText(body).join('\n')
      expect(text).toContain('denied')
      return { content: 'You denied it, so nothing changed.' }
    })
    const first = await h.stream('/v1/chat/stream', { message: 'make a file', workspace })
    const taskId = first.events[0]?.data.task_id as string
    const approval = await pendingFor(taskId)
    expect(approval?.rule_preview).toMatch(/Always allow `touch`/)
    const denied = await h.api(`/v1/approvals/${approval?.approval_id}/deny`, { method: 'POST' })
    expect(await denied.json()).toMatchObject({ status: 'denied' })
    const cont = await h.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approval?.approval_id })
    expect(cont.status).toBe(200)
    expect(ofType(cont.events, 'tool_call_started')).toHaveLength(0)
    expect(cont.events.at(-1)?.data.status).toBe('completed')
    expect(existsSync(join(workspace, 'made-by-duck.txt'))).toBe(false)
    const audit = await json<{ payload: Record<string, unknown> }[]>('/v1/audit/commands')
    expect(audit[0]?.payload).toMatchObject({
      command: 'touch made-by-duck.txt',
      decision: 'denied',
      approved: false,
      exit_code: null
    })
  })

  it('always allow creates a rule: the same program runs without asking, sudo still asks', async () => {
    const workspace = h.workspace()
    planOnce([{ tool: 'shell_exec_safe', args: { command: 'touch a.txt' } }])
    h.fake.script(MODELS.thinker, { content: 'done' })
    const first = await h.stream('/v1/chat/stream', { message: 'touch a', workspace })
    const taskId = first.events[0]?.data.task_id as string
    const approval = await pendingFor(taskId)
    await h.api(`/v1/approvals/${approval?.approval_id}/allow_always`, { method: 'POST' })
    const cont = await h.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approval?.approval_id })
    expect(cont.events.at(-1)?.data.status).toBe('completed')
    expect(existsSync(join(workspace, 'a.txt'))).toBe(true)
    const rules =
      await json<{ rule_id: string; tool: string; pattern: string; workspace: string }[]>('/v1/approvals/rules')
    expect(rules).toContainEqual(expect.objectContaining({ tool: 'shell_exec_safe', pattern: 'touch' }))

    // A different file argument is covered by the same rule.
    planOnce([{ tool: 'shell_exec_safe', args: { command: 'touch b.txt' } }])
    const second = await h.stream('/v1/chat/stream', { message: 'touch b', workspace })
    expect(ofType(second.events, 'tool_approval_requested')).toHaveLength(0)
    expect(second.events.at(-1)?.data.status).toBe('completed')
    expect(existsSync(join(workspace, 'b.txt'))).toBe(true)
    const audit = await json<{ payload: Record<string, unknown> }[]>('/v1/audit/commands')
    expect(audit[0]?.payload).toMatchObject({
      command: 'touch b.txt',
      decision: 'allowed_always',
      approved: false,
      exit_code: 0
    })

    // Another workspace is not covered.
    planOnce([{ tool: 'shell_exec_safe', args: { command: 'touch c.txt' } }])
    const elsewhere = await h.stream('/v1/chat/stream', { message: 'touch c', workspace: h.workspace() })
    expect(ofType(elsewhere.events, 'tool_approval_requested')).toHaveLength(1)

    // sudo is never covered, and cannot become a rule.
    planOnce([{ tool: 'shell_exec_safe', args: { command: 'sudo touch d.txt' } }])
    const sudo = await h.stream('/v1/chat/stream', { message: 'sudo touch', workspace })
    expect(ofType(sudo.events, 'tool_approval_requested')).toHaveLength(1)
    const sudoApproval = await pendingFor(sudo.events[0]?.data.task_id as string)
    const refused = await h.api(`/v1/approvals/${sudoApproval?.approval_id}/allow_always`, { method: 'POST' })
    expect(refused.status).toBe(409)

    // Rules can be removed; then it asks again.
    const rule = rules.find((r) => r.pattern === 'touch')
    expect((await h.api(`/v1/approvals/rules/${rule?.rule_id}`, { method: 'DELETE' })).status).toBe(204)
    planOnce([{ tool: 'shell_exec_safe', args: { command: 'touch e.txt' } }])
    const after = await h.stream('/v1/chat/stream', { message: 'touch e', workspace })
    expect(ofType(after.events, 'tool_approval_requested')).toHaveLength(1)
  })

  it('always allow narrowed to arguments covers exactly those words, or the pattern the person chose', async () => {
    const workspace = h.workspace()
    const ask = async (command: string) => {
      planOnce([{ tool: 'shell_exec_safe', args: { command } }])
      h.fake.script(MODELS.thinker, { content: 'done' })
      const run = await h.stream('/v1/chat/stream', { message: command, workspace })
      return { run, taskId: run.events[0]?.data.task_id as string }
    }
    const first = await ask('touch "notes 1.txt"')
    const approval = (await pendingFor(first.taskId)) as { approval_id: string; rule_preview_arguments?: string }
    expect(approval.rule_preview_arguments).toMatch(/Always allow `touch 'notes 1\.txt'` — this command exactly/)

    // Bad scopes are refused with a reason and decide nothing.
    const decide = (body: unknown) =>
      h.api(`/v1/approvals/${approval.approval_id}/allow_always`, { method: 'POST', body: JSON.stringify(body) })
    const badPattern = await decide({ scope: 'arguments', args: 'touch other.txt' })
    expect(badPattern.status).toBe(400)
    expect(JSON.stringify(await badPattern.json())).toContain('does not match this call')
    expect((await decide({ scope: 'everything' })).status).toBe(400)
    expect((await decide({ args: 'touch *' })).status).toBe(400)
    expect(
      (
        await h.api(`/v1/approvals/${approval.approval_id}/deny`, {
          method: 'POST',
          body: JSON.stringify({ scope: 'arguments' })
        })
      ).status
    ).toBe(400)

    expect((await decide({ scope: 'arguments' })).status).toBe(200)
    const cont = await h.stream(`/v1/tasks/${first.taskId}/continue/stream`, { approval_id: approval.approval_id })
    expect(cont.events.at(-1)?.data.status).toBe('completed')
    const rules =
      await json<{ rule_id: string; pattern: string; args: string | null; workspace: string }[]>('/v1/approvals/rules')
    const exact = rules.find((r) => r.workspace === workspace && r.pattern === 'touch')
    expect(exact?.args).toBe("touch 'notes 1.txt'")

    // The same words run without asking; other arguments still ask.
    const again = await ask('touch "notes 1.txt"')
    expect(ofType(again.run.events, 'tool_approval_requested')).toHaveLength(0)
    expect(again.run.events.at(-1)?.data.status).toBe('completed')
    const other = await ask('touch notes-2.txt')
    expect(ofType(other.run.events, 'tool_approval_requested')).toHaveLength(1)

    // A pattern: `touch log-*.txt` covers log-a.txt, not a.txt, and a literal star stays literal.
    const otherApproval = (await pendingFor(other.taskId)) as { approval_id: string }
    await h.api(`/v1/approvals/${otherApproval.approval_id}/deny`, { method: 'POST' })
    await h.stream(`/v1/tasks/${other.taskId}/continue/stream`, { approval_id: otherApproval.approval_id })
    const log = await ask('touch log-1.txt')
    const logApproval = (await pendingFor(log.taskId)) as { approval_id: string }
    const made = await h.api(`/v1/approvals/${logApproval.approval_id}/allow_always`, {
      method: 'POST',
      body: JSON.stringify({ scope: 'arguments', args: 'touch log-*.txt' })
    })
    expect(made.status).toBe(200)
    await h.stream(`/v1/tasks/${log.taskId}/continue/stream`, { approval_id: logApproval.approval_id })
    expect(ofType((await ask('touch log-2.txt')).run.events, 'tool_approval_requested')).toHaveLength(0)
    expect(ofType((await ask('touch a.txt')).run.events, 'tool_approval_requested')).toHaveLength(1)
    expect(ofType((await ask('touch log-3.txt; rm -rf x')).run.events, 'tool_approval_requested')).toHaveLength(1)
    expect(existsSync(join(workspace, 'log-2.txt'))).toBe(true)
    expect(existsSync(join(workspace, 'a.txt'))).toBe(false)
  })

  it.each([['ls && rm -rf x'], ['echo $(id)'], ['cat f > /etc/x']])(
    '`%s` asks even when the planner says none',
    async (command) => {
      planOnce([{ tool: 'shell_exec_safe', args: { command } }], 'none')
      const { events } = await h.stream('/v1/chat/stream', { message: 'do it', workspace: h.workspace() })
      expect(ofType(events, 'tool_approval_requested')).toHaveLength(1)
      expect(ofType(events, 'tool_call_started')).toHaveLength(0)
      expect(events.at(-1)?.data.status).toBe('waiting_for_approval')
    }
  )

  it('a symlink out of the workspace asks even when the planner says none', async () => {
    const workspace = h.workspace()
    const outside = h.workspace()
    writeFileSync(join(outside, 'secret.txt'), 'outside data')
    symlinkSync(outside, join(workspace, 'link'))
    planOnce([{ tool: 'file_read', args: { path: 'link/secret.txt' } }], 'none')
    const { body, events } = await h.stream('/v1/chat/stream', { message: 'read it', workspace })
    const requested = ofType(events, 'tool_approval_requested')[0]
    expect(requested?.data.outside_workspace).toEqual([join(outside, 'secret.txt')])
    expect(body).not.toContain('outside data')
  })

  it('a wrong sudo password asks again, with the tries left', async () => {
    planOnce([{ tool: 'shell_exec_safe', args: { command: 'sudo apt update' } }], 'medium')
    h.fake.script(MODELS.thinker, { content: 'updated' })
    const first = await h.stream('/v1/chat/stream', { message: 'update', workspace: h.workspace() })
    const taskId = first.events[0]?.data.task_id as string
    const approval = await pendingFor(taskId)
    await h.api(`/v1/approvals/${approval?.approval_id}/allow_once`, { method: 'POST' })
    await h.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approval?.approval_id })
    const wrong = await h.stream(`/v1/tasks/${taskId}/password/stream`, {
      approval_id: approval?.approval_id,
      password: 'wrong one'
    })
    const again = ofType(wrong.events, 'tool_password_requested')[0]
    expect(again?.data).toMatchObject({ attempts_left: 2, error: 'Wrong password — 2 tries left.' })
    expect(wrong.events.at(-1)?.data.status).toBe('waiting_for_password')
    expect(wrong.body).not.toContain('wrong one')
    const right = await h.stream(`/v1/tasks/${taskId}/password/stream`, {
      approval_id: approval?.approval_id,
      password: 'correct horse'
    })
    expect(right.events.at(-1)?.data.status).toBe('completed')
    expect(right.body).toContain('sudo updated')
    expect(right.body).not.toContain('correct horse')
  })
  it('a privileged command other than plain sudo is refused after approval, without a password prompt', async () => {
    planOnce([{ tool: 'shell_exec_safe', args: { command: 'doas ls' } }])
    h.fake.script(MODELS.thinker, { content: 'could not' })
    const first = await h.stream('/v1/chat/stream', { message: 'doas', workspace: h.workspace() })
    const taskId = first.events[0]?.data.task_id as string
    const approval = await pendingFor(taskId)
    expect(approval?.rule_preview).toBeNull()
    await h.api(`/v1/approvals/${approval?.approval_id}/allow_once`, { method: 'POST' })
    const cont = await h.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approval?.approval_id })
    expect(ofType(cont.events, 'tool_password_requested')).toHaveLength(0)
    const finished = ofType(cont.events, 'tool_call_finished')[0]
    expect(finished?.data).toMatchObject({ ok: false })
    expect(String(finished?.data.output)).toMatch(/only as one plain `sudo <command>`/)
    expect(cont.events.at(-1)?.data.status).toBe('completed')
  })
})

describe('failures', () => {
  it('cancel mid-stream stops the answer and marks the task cancelled', async () => {
    h.fake.script(MODELS.action, { content: directive([], 'none') })
    h.fake.script(MODELS.thinker, {
      chunks: Array.from({ length: 200 }, () => ({ content: 'word ' })),
      chunkDelayMs: 20
    })
    const response = await h.api('/v1/chat/stream', {
      method: 'POST',
      body: JSON.stringify({ message: 'long', workspace: h.workspace() })
    })
    const reader = (response.body as ReadableStream<Uint8Array>).getReader()
    let text = ''
    while (!text.includes('event: content_delta')) text += new TextDecoder().decode((await reader.read()).value)
    const taskId = (/"task_id":"([^"]+)"/.exec(text) as RegExpExecArray)[1]
    const cancel = await h.api(`/v1/tasks/${taskId}/cancel`, { method: 'POST' })
    expect(await cancel.json()).toEqual({ task_id: taskId, status: 'cancelled' })
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      text += new TextDecoder().decode(value)
    }
    expect(text).toMatch(/event: done\ndata: \{[^\n]*"status":"cancelled"/)
    expect((await json<{ status: string }>(`/v1/tasks/${taskId}`)).status).toBe('cancelled')
    expect((await h.api(`/v1/tasks/${taskId}/cancel`, { method: 'POST' })).status).toBe(409)
  })

  it('the model server down gives a clear error, a failed done and a failed message', async () => {
    await h.fake.setDown(true)
    try {
      const { events } = await h.stream('/v1/chat/stream', { message: 'hello', workspace: h.workspace() })
      const error = ofType(events, 'error')[0]
      expect(error?.data.code).toBe('model_unavailable')
      expect(String(error?.data.message)).toContain(`127.0.0.1:${h.fake.port}`)
      expect(events.at(-1)?.data.status).toBe('failed')
      const conversation = await json<{ messages: { role: string; status: string }[] }>(
        `/v1/conversations/${events[0]?.data.conversation_id as string}`
      )
      expect(conversation.messages.at(-1)).toMatchObject({ role: 'assistant', status: 'failed' })
    } finally {
      await h.fake.setDown(false)
    }
  })

  it('malformed planner output is retried once with the error, then fails the task', async () => {
    h.fake.script(MODELS.action, { content: 'I think we should read the file.' })
    const { events } = await h.stream('/v1/chat/stream', { message: 'hello', workspace: h.workspace() })
    const planner = h.fake.requests.filter((r) => r.body?.model === MODELS.action)
    expect(planner).toHaveLength(2)
    expect(messagesText(planner[1]?.body).at(-1)).toMatch(/not a valid action directive/)
    expect(ofType(events, 'error')[0]?.data.code).toBe('bad_model_output')
    expect(events.at(-1)?.data.status).toBe('failed')
  })

  it('a planner that recovers on the retry goes on normally', async () => {
    let calls = 0
    h.fake.script(MODELS.action, () => ({
      content: ++calls === 1 ? '{"kind": "action_directive"}' : directive([], 'none')
    }))
    h.fake.script(MODELS.thinker, { content: 'fine' })
    const { events } = await h.stream('/v1/chat/stream', { message: 'hello', workspace: h.workspace() })
    expect(events.at(-1)?.data.status).toBe('completed')
  })

  it('a stalled answer stream ends with an error, not as completed', async () => {
    h.fake.script(MODELS.action, { content: directive([], 'none') })
    h.fake.script(MODELS.thinker, { chunks: [{ content: 'partial ' }], stall: true })
    const { events } = await h.stream('/v1/chat/stream', { message: 'hello', workspace: h.workspace() })
    expect(ofType(events, 'error')[0]?.data.code).toBe('model_stalled')
    expect(events.at(-1)?.data.status).toBe('failed')
  })

  it('an answer stream that closes without finishing is not completed', async () => {
    h.fake.script(MODELS.action, { content: directive([], 'none') })
    h.fake.script(MODELS.thinker, { chunks: [{ content: 'half an ans' }], closeEarly: true })
    const { events } = await h.stream('/v1/chat/stream', { message: 'hello', workspace: h.workspace() })
    expect(ofType(events, 'error')[0]?.data.code).toBe('model_incomplete')
    expect(events.at(-1)?.data.status).toBe('failed')
  })
})

describe('conversations', () => {
  it('the next task in a conversation sees its history', async () => {
    const workspace = h.workspace()
    h.fake.script(MODELS.action, { content: directive([], 'none') })
    h.fake.script(MODELS.thinker, { chunks: [{ content: 'The capital of France is Paris.' }] })
    const first = await h.stream('/v1/chat/stream', { message: 'What is the capital of France?', workspace })
    const conversationId = first.events[0]?.data.conversation_id as string
    h.fake.requests.length = 0
    h.fake.script(MODELS.thinker, { chunks: [{ content: 'About 2 million people.' }] })
    const second = await h.stream('/v1/chat/stream', {
      message: 'How many people live there?',
      workspace,
      conversation_id: conversationId
    })
    expect(second.events.at(-1)?.data.status).toBe('completed')
    const thinker = h.fake.requests.find((r) => r.body?.model === MODELS.thinker)
    const texts = messagesText(thinker?.body)
    expect(texts.some((t) => t.includes('What is the capital of France?'))).toBe(true)
    expect(texts.some((t) => t.includes('The capital of France is Paris.'))).toBe(true)
    const detail = await json<{ messages: { role: string; content: string }[] }>(`/v1/conversations/${conversationId}`)
    expect(detail.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant'])
    const list = await json<{ conversation_id: string; title: string }[]>('/v1/conversations?q=capital')
    expect(list[0]).toMatchObject({ conversation_id: conversationId, title: 'What is the capital of France?' })
    const renamed = await h.api(`/v1/conversations/${conversationId}`, {
      method: 'PATCH',
      body: JSON.stringify({ title: 'Paris' })
    })
    expect(await renamed.json()).toMatchObject({ title: 'Paris' })
    expect((await h.api(`/v1/conversations/${conversationId}`, { method: 'DELETE' })).status).toBe(204)
    expect((await h.api(`/v1/conversations/${conversationId}`)).status).toBe(404)
  })

  it('cancelling a task that waits for approval closes its approval', async () => {
    planOnce([{ tool: 'shell_exec_safe', args: { command: 'touch never.txt' } }])
    const first = await h.stream('/v1/chat/stream', { message: 'touch', workspace: h.workspace() })
    const taskId = first.events[0]?.data.task_id as string
    expect(await pendingFor(taskId)).toBeDefined()
    const cancel = await h.api(`/v1/tasks/${taskId}/cancel`, { method: 'POST' })
    expect(await cancel.json()).toEqual({ task_id: taskId, status: 'cancelled' })
    expect(await pendingFor(taskId)).toBeUndefined()
    const events = await json<{ event_type: string; payload: { status?: string } }[]>(`/v1/tasks/${taskId}/events`)
    expect(events.at(-1)).toMatchObject({ event_type: 'done', payload: { status: 'cancelled' } })
  })
})

describe('restart', () => {
  it('a task waiting for approval survives a restart and continues', async () => {
    const workspace = h.workspace()
    planOnce([{ tool: 'shell_exec_safe', args: { command: 'touch after-restart.txt' } }])
    h.fake.script(MODELS.thinker, { content: 'made it' })
    const first = await h.stream('/v1/chat/stream', { message: 'touch', workspace })
    const taskId = first.events[0]?.data.task_id as string
    await h.restart()
    const approval = await pendingFor(taskId)
    expect(approval).toBeDefined()
    await h.api(`/v1/approvals/${approval?.approval_id}/allow_once`, { method: 'POST' })
    const cont = await h.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approval?.approval_id })
    expect(cont.events.at(-1)?.data.status).toBe('completed')
    expect(existsSync(join(workspace, 'after-restart.txt'))).toBe(true)
    const events = await json<{ seq: number }[]>(`/v1/tasks/${taskId}/events`)
    const seqs = events.map((e) => e.seq)
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
  })
})

describe('HTTP answers', () => {
  it('400 names the field, 404 for unknown ids, 409 for the wrong state', async () => {
    const bad = await h.api('/v1/chat/stream', {
      method: 'POST',
      body: JSON.stringify({ message: '', workspace: h.workspace() })
    })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({ error: { code: 'invalid_input', message: 'message: must not be empty' } })
    const noFolder = await h.api('/v1/chat/stream', {
      method: 'POST',
      body: JSON.stringify({ message: 'hi', workspace: '/no/such/folder' })
    })
    expect(noFolder.status).toBe(400)
    expect(((await noFolder.json()) as { error: { message: string } }).error.message).toMatch(/^workspace: /)
    const notJson = await h.api('/v1/chat/stream', { method: 'POST', body: '{nope' })
    expect(notJson.status).toBe(400)
    const extra = await h.api('/v1/chat/stream', {
      method: 'POST',
      body: JSON.stringify({ message: 'hi', workspace: h.workspace(), evil: 1 })
    })
    expect(extra.status).toBe(400)
    expect((await h.api('/v1/tasks/task_nope')).status).toBe(404)
    expect((await h.api('/v1/conversations/conv_nope')).status).toBe(404)
    expect((await h.api('/v1/approvals/appr_nope/allow_once', { method: 'POST' })).status).toBe(404)
    expect((await h.api('/v1/memory/../../etc', { method: 'DELETE' })).status).toBe(404)

    planOnce([{ tool: 'shell_exec_safe', args: { command: 'touch x' } }])
    const first = await h.stream('/v1/chat/stream', { message: 'touch', workspace: h.workspace() })
    const taskId = first.events[0]?.data.task_id as string
    const approval = await pendingFor(taskId)
    const early = await h.api(`/v1/tasks/${taskId}/continue/stream`, {
      method: 'POST',
      body: JSON.stringify({ approval_id: approval?.approval_id })
    })
    expect(early.status).toBe(409)
    expect(((await early.json()) as { error: { message: string } }).error.message).toMatch(/still pending/)
    const password = await h.api(`/v1/tasks/${taskId}/password/stream`, {
      method: 'POST',
      body: JSON.stringify({ approval_id: approval?.approval_id, password: 'x' })
    })
    expect(password.status).toBe(409)
    expect((await h.api(`/v1/approvals/${approval?.approval_id}/maybe`, { method: 'POST' })).status).toBe(404)
    // The bad requests left no half-written rows behind.
    const conversations = await json<unknown[]>('/v1/conversations')
    expect(conversations).toHaveLength(
      (h.duck.db.prepare('SELECT COUNT(*) AS n FROM conversations').get() as { n: number }).n
    )
    expect(
      (h.duck.db.prepare("SELECT COUNT(*) AS n FROM tasks WHERE status = 'running'").get() as { n: number }).n
    ).toBe(0)
  })
})

describe('models', () => {
  it('lists the configured server, or probes another without saving it', async () => {
    h.fake.setModels(['qwen3-8b', 'llama-3.1-8b'])
    const configured = await json<{ base_url: string; models: { id: string }[] }>('/v1/models')
    expect(configured.models.map((m) => m.id)).toEqual(['qwen3-8b', 'llama-3.1-8b'])
    const before = await json<{ model_base_url: string }>('/v1/settings')
    const probe = await json<{ base_url: string; models: { id: string }[] }>(
      `/v1/models?base_url=${encodeURIComponent(h.fake.url + '/')}`
    )
    expect(probe.base_url).toBe(h.fake.url)
    expect(await json<{ model_base_url: string }>('/v1/settings')).toEqual(before)
    const nothing = await h.api(`/v1/models?base_url=${encodeURIComponent('http://127.0.0.1:9/v1')}`)
    expect(nothing.status).toBe(502)
    expect(((await nothing.json()) as { error: { message: string } }).error.message).toContain('127.0.0.1:9')
    expect((await h.api('/v1/models?base_url=file:///etc/passwd')).status).toBe(400)
  })
})

describe('refusals before a stream starts', () => {
  it('answer JSON errors, never an empty 200 stream', async () => {
    h.fake.script(MODELS.action, { content: directive([], 'none') })
    h.fake.script(MODELS.thinker, { content: 'ok' })
    const first = await h.stream('/v1/chat/stream', { message: 'hello', workspace: h.workspace() })
    const conversationId = first.events[0]?.data.conversation_id as string
    const elsewhere = await h.api('/v1/chat/stream', {
      method: 'POST',
      body: JSON.stringify({ message: 'again', workspace: h.workspace(), conversation_id: conversationId })
    })
    expect(elsewhere.status).toBe(409)
    expect(elsewhere.headers.get('content-type')).toMatch(/application\/json/)

    planOnce([{ tool: 'shell_exec_safe', args: { command: 'touch once.txt' } }])
    const paused = await h.stream('/v1/chat/stream', { message: 'touch', workspace: h.workspace() })
    const taskId = paused.events[0]?.data.task_id as string
    const approval = await pendingFor(taskId)
    await h.api(`/v1/approvals/${approval?.approval_id}/allow_once`, { method: 'POST' })
    const cont = await h.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approval?.approval_id })
    expect(cont.events.at(-1)?.data.status).toBe('completed')
    // A stale retry of the same continue is refused plainly.
    const again = await h.api(`/v1/tasks/${taskId}/continue/stream`, {
      method: 'POST',
      body: JSON.stringify({ approval_id: approval?.approval_id })
    })
    expect(again.status).toBe(409)
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('conflict')
  })
})

describe('audit of unfinished approvals', () => {
  it('a command still waiting when its task is cancelled is recorded as denied', async () => {
    planOnce([{ tool: 'shell_exec_safe', args: { command: 'touch later.txt' } }])
    const first = await h.stream('/v1/chat/stream', { message: 'touch', workspace: h.workspace() })
    const taskId = first.events[0]?.data.task_id as string
    await h.api(`/v1/tasks/${taskId}/cancel`, { method: 'POST' })
    const audit =
      await json<{ payload: { command: string; decision: string; approved: boolean; task_id: string } }[]>(
        '/v1/audit/commands'
      )
    expect(audit.find((row) => row.payload.task_id === taskId)?.payload).toMatchObject({
      command: 'touch later.txt',
      decision: 'denied',
      approved: false
    })
  })

  it('streams the audit rows, so the seq of a shell task has no holes', async () => {
    planOnce([{ tool: 'shell_exec_safe', args: { command: 'uname -a' } }], 'low')
    h.fake.script(MODELS.thinker, { content: 'ok' })
    const { events } = await h.stream('/v1/chat/stream', { message: 'uname', workspace: h.workspace() })
    const seqs = events.map((e) => e.data.seq as number)
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => (seqs[0] as number) + i))
    expect(ofType(events, 'command_audit').length).toBeGreaterThan(0)
  })
})

describe('shutdown', () => {
  it('a task running a tool ends cancelled, with its done, before the database closes', async () => {
    const local = await startHarness()
    try {
      local.fake.script(MODELS.action, {
        content: directive([{ tool: 'shell_exec_safe', args: { command: 'sleep 30' } }], 'low')
      })
      const rules = local.duck.db.prepare(
        "INSERT INTO approval_rules (id, tool, pattern, workspace, created_at) VALUES ('r1', 'shell_exec_safe', 'sleep', ?, '2026-01-01')"
      )
      const workspace = local.workspace()
      rules.run(workspace)
      const events: string[] = []
      const running = local.duck.chat({ message: 'sleep', workspace }, (event) => events.push(event.type))
      while (!events.includes('tool_call_started')) await new Promise((resolve) => setTimeout(resolve, 20))
      await local.duck.close()
      const done = await running
      expect(done.status).toBe('cancelled')
      expect(events.filter((type) => type === 'done')).toHaveLength(1)
    } finally {
      await local.stop().catch(() => undefined)
    }
  })
})

describe('secrets', () => {
  it('a canary sudo password is found nowhere after the task', async () => {
    const canary = 'canary-Pw-7f3a9c'
    await h.stop()
    h = await startHarness({ sudoPassword: canary })
    const logs: string[] = []
    const original = { log: console.log, error: console.error, warn: console.warn }
    console.log = (...a: unknown[]) => logs.push(a.map(String).join(' '))
    console.error = (...a: unknown[]) => logs.push(a.map(String).join(' '))
    console.warn = (...a: unknown[]) => logs.push(a.map(String).join(' '))
    try {
      planOnce([{ tool: 'shell_exec_safe', args: { command: 'sudo apt update' } }], 'medium')
      h.fake.script(MODELS.thinker, { content: 'done' })
      const bodies: string[] = []
      const first = await h.stream('/v1/chat/stream', { message: 'update', workspace: h.workspace() })
      bodies.push(first.body)
      const taskId = first.events[0]?.data.task_id as string
      const approval = await pendingFor(taskId)
      await h.api(`/v1/approvals/${approval?.approval_id}/allow_once`, { method: 'POST' })
      bodies.push((await h.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approval?.approval_id })).body)
      bodies.push(
        (
          await h.stream(`/v1/tasks/${taskId}/password/stream`, {
            approval_id: approval?.approval_id,
            password: 'not-it'
          })
        ).body
      )
      const last = await h.stream(`/v1/tasks/${taskId}/password/stream`, {
        approval_id: approval?.approval_id,
        password: canary
      })
      bodies.push(last.body)
      expect(last.events.at(-1)?.data.status).toBe('completed')
      for (const path of [
        '/v1/tasks/' + taskId + '/events',
        '/v1/audit/commands',
        '/v1/approvals/pending',
        `/v1/conversations/${first.events[0]?.data.conversation_id as string}`
      ]) {
        bodies.push(await (await h.api(path)).text())
      }
      for (const body of bodies) {
        expect(body).not.toContain(canary)
        expect(body).not.toContain('not-it')
      }
      for (const request of h.fake.requests) expect(JSON.stringify(request.body)).not.toContain(canary)
      for (const line of logs) expect(line).not.toContain(canary)
      h.duck.db.pragma('wal_checkpoint(PASSIVE)')
      for (const file of ['duck.sqlite3', 'duck.sqlite3-wal']) {
        const path = join(h.dataDir, file)
        if (existsSync(path)) expect(readFileSync(path).includes(Buffer.from(canary))).toBe(false)
      }
    } finally {
      Object.assign(console, original)
    }
  })
})
