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

/** `text` as one single-quoted shell word. */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`
}

export interface FakeSudoOptions {
  /**
   * Behave like a NOPASSWD rule: no prompt; the "command" reads all of stdin and shows it
   * (through `od -c`, a form the password scrubber does not recognise) as `stdin: [...]`.
   * `stdin: []` means nothing was written to it.
   */
  noPassword?: boolean
}

/**
 * A stand-in for `sudo -S` that runs nothing privileged. Called as `-k -S -p <prompt> -- argv…`
 * (or `-k` alone), it prints the prompt to stderr and reads a line of stdin, like sudo: the
 * right password prints `<output>: <argv…>` and exits 0; a wrong one prints "Sorry, try
 * again." and prompts again, up to 3 tries, then `sudo: 3 incorrect password attempts` and
 * exit 1. End of input instead of a password: `sudo: no password was provided`, exit 1.
 */
export function writeFakeSudo(
  dir: string,
  password: string,
  output = 'sudo updated',
  options: FakeSudoOptions = {}
): string {
  const path = join(dir, 'fake-sudo')
  const run = options.noPassword
    ? `held=$(od -An -c | tr -s ' \\n' ' ')
echo "$OUTPUT: $*"
echo "stdin: [\${held# }]"
exit 0`
    : `tries=0
while :; do
  printf '%s' "$prompt" >&2
  if ! IFS= read -r pw; then
    echo "sudo: no password was provided" >&2
    [ "$tries" -gt 0 ] && echo "sudo: $tries incorrect password attempt(s)" >&2
    exit 1
  fi
  if [ "$pw" = "$PASSWORD" ]; then echo "$OUTPUT: $*"; exit 0; fi
  tries=$((tries + 1))
  if [ "$tries" -ge 3 ]; then echo "sudo: 3 incorrect password attempts" >&2; exit 1; fi
  echo "Sorry, try again." >&2
done`
  writeFileSync(
    path,
    `#!/bin/sh
# fake sudo -S: -k -S -p <prompt> -- argv…  (or -k alone)
PASSWORD=${shellQuote(password)}
OUTPUT=${shellQuote(output)}
[ "$1" = "-k" ] && [ $# -eq 1 ] && exit 0
if [ "$1" != "-k" ] || [ "$2" != "-S" ] || [ "$3" != "-p" ] || [ "$5" != "--" ]; then
  echo "sudo: fake: unexpected arguments" >&2
  exit 2
fi
prompt=$4
shift 5
${run}
`
  )
  chmodSync(path, 0o755)
  return path
}
