/** Scripting the fake model server the way Duck's roles use it, and a fake sudo. Shared by the integration and the end-to-end tests. */
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FakeModelServer, FakeRequestBody } from './fake-model-server'

export const MODELS = { action: 'planner', thinker: 'thinker', memory_policy: 'memory', critic: 'critic' } as const

export interface PlannedCall {
  tool: string
  args: Record<string, unknown>
  reason?: string
}

export function directive(actions: PlannedCall[], risk = 'low', intent = 'do it'): string {
  return JSON.stringify({
    kind: 'action_directive',
    intent,
    risk_level: risk,
    actions: actions.map((a) => ({ reason: 'because', ...a }))
  })
}

export function messagesText(body: FakeRequestBody | null | undefined): string[] {
  return (body?.messages ?? []).map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)))
}

export function hasObservations(body: FakeRequestBody | null | undefined): boolean {
  return messagesText(body).some((text) => text.includes('tool_observations'))
}

/** The planner asks for these calls once, then (with their observations) for nothing more. */
export function planOnce(fake: FakeModelServer, actions: PlannedCall[], risk = 'low'): void {
  fake.script(MODELS.action, (body) => ({
    content: hasObservations(body) ? directive([], risk) : directive(actions, risk)
  }))
}

/** The planner answers directly. */
export function planNothing(fake: FakeModelServer): void {
  fake.script(MODELS.action, { content: directive([], 'none', 'answer directly') })
}

/** The thinker streams reasoning, then the answer, word by word with a delay. */
export function thinkAndAnswer(
  fake: FakeModelServer,
  reply:
    | { reasoning?: string; content: string; chunkDelayMs?: number }
    | ((body: FakeRequestBody) => { reasoning?: string; content: string })
): void {
  fake.script(MODELS.thinker, (body) => {
    const r = typeof reply === 'function' ? reply(body) : reply
    return { ...r, chunkDelayMs: (typeof reply === 'function' ? undefined : reply.chunkDelayMs) ?? 15 }
  })
}

/** Memory policy and critic: store one memory, learn one lesson. */
export function rememberAndReflect(fake: FakeModelServer, summary: string, lesson: string): void {
  fake.script(MODELS.memory_policy, {
    content: JSON.stringify({
      should_store: true,
      memory_type: 'fact',
      summary,
      importance: 0.8,
      scope: 'workspace',
      metadata: {}
    })
  })
  fake.script(MODELS.critic, { content: lesson })
}

export const CANARY_PASSWORD = 'canary-Pw-7f3a9c'

/** A stand-in for sudo that accepts one password and runs nothing privileged. */
export function writeFakeSudo(dir: string, password: string, output = 'sudo updated'): string {
  const path = join(dir, 'fake-sudo')
  writeFileSync(
    path,
    `#!/bin/sh
# fake sudo: -k -S -p '' -- argv…  (or -k alone)
[ "$1" = "-k" ] && [ $# -eq 1 ] && exit 0
IFS= read -r pw
if [ "$pw" = "${password}" ]; then echo "${output}: $*"; exit 0; fi
echo "Sorry, try again." >&2
exit 1
`
  )
  chmodSync(path, 0o755)
  return path
}
