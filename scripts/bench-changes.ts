/**
 * `npm run bench:changes` — what seeing a change first and undoing it costs, for real
 * (bubblewrap, an overlayfs in a user and mount namespace), through Duck's HTTP API:
 *
 * 1. Preview on a workspace of 10,000 files: `POST /v1/approvals/{id}/preview` for a command
 *    that changes one file, against the same command run directly in the sandbox (what
 *    "Allow once" does) on a copy of that workspace. The difference is what the preview adds.
 * 2. Undo of a task that changed 100 files (an applied preview): `POST /v1/tasks/{id}/undo`,
 *    then the redo, each checked byte for byte.
 *
 * Medians of `--rounds` (default 5). Linux only, where previews exist.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { overlayStatus } from '../src/main/core/sandbox/overlay'
import { createSandbox, SANDBOX_MAX_PROCESSES } from '../src/main/core/sandbox/sandbox'
import { childEnv, runCommand, shellArgv } from '../src/main/core/tools/process'
import type { PendingApproval, UndoResult } from '../src/shared/dto'
import { startHarness, type Harness } from '../test/support/harness'
import { MODELS, directive, hasObservations } from '../test/support/scripting'

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } })
const rounds = Math.max(1, Number(values.rounds))

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] as number
}
const ms = (x: number): string => `${x.toFixed(1)} ms`

function fill(ws: string, folders: number, perFolder: number): void {
  for (let d = 0; d < folders; d++) {
    mkdirSync(join(ws, `d${d}`), { recursive: true })
    for (let f = 0; f < perFolder; f++) writeFileSync(join(ws, `d${d}`, `f${f}.txt`), `file ${d}/${f}\nalpha\n`)
  }
}

async function ask(h: Harness, workspace: string, command: string): Promise<{ taskId: string; approvalId: string }> {
  h.fake.script(MODELS.action, (body) => ({
    content: hasObservations(body)
      ? directive([], 'none')
      : directive([{ tool: 'shell_exec_safe', args: { command }, reason: 'bench' }], 'low')
  }))
  const first = await h.stream('/v1/chat/stream', { message: command, workspace })
  const taskId = first.events[0]?.data.task_id as string
  const pending = (await (await h.api('/v1/approvals/pending')).json()) as PendingApproval[]
  const approval = pending.find((a) => a.task_id === taskId)
  if (!approval) throw new Error(`no approval for ${command}`)
  return { taskId, approvalId: approval.approval_id }
}

async function post<T>(h: Harness, path: string): Promise<{ ms: number; body: T }> {
  const started = performance.now()
  const res = await h.api(path, { method: 'POST' })
  const body = (await res.json()) as T
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`)
  return { ms: performance.now() - started, body }
}

async function main(): Promise<void> {
  const overlay = await overlayStatus()
  if (!overlay.available) {
    console.log(`Previews are not available here: ${overlay.reason}`)
    return
  }
  const h = await startHarness({ tools: { shellTimeoutMs: 60_000 } })
  h.fake.script(MODELS.thinker, { content: 'Done.' })
  try {
    // 1. Preview on 10,000 files.
    const ws = h.workspace()
    fill(ws, 100, 100)
    const copy = `${ws}-direct`
    cpSync(ws, copy, { recursive: true })
    const command = "sed -i 's/alpha/beta/' d50/f50.txt"
    const sandbox = createSandbox({})
    const previews: number[] = []
    const direct: number[] = []
    for (let i = 0; i < rounds; i++) {
      const { taskId, approvalId } = await ask(h, ws, command)
      const preview = await post<{ status: string; files: unknown[] }>(h, `/v1/approvals/${approvalId}/preview`)
      if (preview.body.status !== 'ready' || preview.body.files.length !== 1) {
        throw new Error(`unexpected preview: ${JSON.stringify(preview.body)}`)
      }
      previews.push(preview.ms)
      await post(h, `/v1/approvals/${approvalId}/preview/discard`)
      await h.api(`/v1/approvals/${approvalId}/deny`, { method: 'POST' })
      await h.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approvalId })

      const wrapped = sandbox.wrap({
        argv: shellArgv(command),
        workspace: copy,
        grant: { profile: 'workspace_write', network: false, writablePaths: [] },
        env: childEnv()
      })
      const started = performance.now()
      const run = await runCommand(wrapped.argv, {
        cwd: copy,
        env: wrapped.env,
        signal: new AbortController().signal,
        maxProcesses: SANDBOX_MAX_PROCESSES
      })
      direct.push(performance.now() - started)
      if (run.exitCode !== 0) throw new Error(`direct run failed: ${run.output}`)
    }
    rmSync(copy, { recursive: true, force: true })
    console.log(`Preview, 10,000 files, ${rounds} rounds:`)
    console.log(
      `  preview (POST …/preview):      median ${ms(median(previews))}  (${previews.map((x) => x.toFixed(0)).join(', ')})`
    )
    console.log(
      `  the command, sandboxed, direct: median ${ms(median(direct))}  (${direct.map((x) => x.toFixed(0)).join(', ')})`
    )
    console.log(`  added by the preview:           ${ms(median(previews) - median(direct))} (goal < 300 ms)`)

    // 2. Undo of 100 files.
    const small = h.workspace()
    fill(small, 1, 100)
    const before = new Map(Array.from({ length: 100 }, (_, f) => [f, readFileSync(join(small, 'd0', `f${f}.txt`))]))
    const { taskId, approvalId } = await ask(h, small, "sed -i 's/alpha/beta/' d0/*.txt")
    const preview = await post<{ files: unknown[] }>(h, `/v1/approvals/${approvalId}/preview`)
    if (preview.body.files.length !== 100) throw new Error(`expected 100 files, got ${preview.body.files.length}`)
    await post(h, `/v1/approvals/${approvalId}/preview/apply`)
    await h.stream(`/v1/tasks/${taskId}/continue/stream`, { approval_id: approvalId })
    const undos: number[] = []
    const redos: number[] = []
    for (let i = 0; i < rounds; i++) {
      const undo = await post<UndoResult>(h, `/v1/tasks/${taskId}/undo`)
      if (undo.body.action !== 'undo' || undo.body.restored.length !== 100) throw new Error('undo incomplete')
      for (const [f, bytes] of before) {
        if (!readFileSync(join(small, 'd0', `f${f}.txt`)).equals(bytes)) throw new Error(`f${f} not restored`)
      }
      undos.push(undo.ms)
      const redo = await post<UndoResult>(h, `/v1/tasks/${taskId}/undo`)
      if (redo.body.action !== 'redo' || redo.body.restored.length !== 100) throw new Error('redo incomplete')
      redos.push(redo.ms)
    }
    console.log(`Undo of a task that changed 100 files, ${rounds} rounds:`)
    console.log(`  undo: median ${ms(median(undos))}  (${undos.map((x) => x.toFixed(0)).join(', ')})`)
    console.log(`  redo: median ${ms(median(redos))}  (${redos.map((x) => x.toFixed(0)).join(', ')})`)
  } finally {
    await h.stop()
  }
}

await main()
