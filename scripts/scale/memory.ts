/**
 * bench:scale — memory: what the headless server holds after many short tasks.
 *
 * Starts Duck's headless server in its own process (`--expose-gc`, with the bench-only probe
 * `memory-probe.mjs` preloaded: it answers IPC requests with `process.memoryUsage()` after a
 * full GC), against a fake OpenAI-compatible model in this process (the planner answers at
 * once, the answer streams 40 tokens, the memory policy keeps every fourth task, the critic
 * writes a lesson). Then runs the tasks one after another over `POST /v1/chat/stream`, ten to a
 * conversation, twice: with memory and reflection on, and off (a fresh server and data folder
 * each). Reports per configuration: RSS after start (after a GC), RSS after all tasks, and the
 * heap's growth per task — the least-squares slope of the live heap after a GC, read every 50
 * tasks from task 100 to the last.
 *
 * The server is the built `out/main/server.js` when it is newer than every source file of the
 * main process (`npx electron-vite build`), else the source through tsx (which adds its own
 * loader thread and caches to the RSS; the report says which ran), with the node options of
 * `npm run serve` (scripts/server-entry.ts).
 */
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { serverEntry, startServer, type RunningServer } from '../server-entry'
import { startFakeModelServer, type FakeModelServer } from '../../test/support/fake-model-server'

const TOKEN = 'bench-memory'
const MiB = 1024 * 1024
/** How often (in tasks, from task 100) the heap is read for its slope. */
const SLOPE_EVERY = 50

export interface MemoryOptions {
  log: (line: string) => void
  /** Tasks per configuration (default 1,000; at least 200). */
  tasks?: number
  /** Configurations to run (default both). */
  learning?: ('on' | 'off')[]
  /** Write heap snapshots at task 100 and at the last task into this folder. */
  snapshotDir?: string
  /** `built`, `source`, or (default) the build when it is up to date. */
  server?: 'built' | 'source' | 'auto'
  /** Extra arguments for the server's node (e.g. V8 flags being evaluated). */
  nodeArgs?: string[]
  /** Also log a reading every this many tasks. */
  every?: number
  /** The first task of the heap's slope (default 100: after start-up's caches and first compiles). */
  slopeFrom?: number
  /** Extra environment for the server. */
  env?: Record<string, string>
}

interface Reading {
  rss: number
  heapUsed: number
  /** The heap's committed size (what V8 holds for it, live or not). */
  heapTotal: number
  /** Of heapUsed: compiled code and bytecode with their metadata (`v8.getHeapCodeStatistics()`). */
  code: number
  external: number
  anon: number
  file: number
}

/** RSS and its anonymous / file-backed parts from /proc (Linux). */
function procMemory(pid: number): { rss: number; anon: number; file: number } {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')
  const kib = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? NaN)
  const rss = kib('Rss') * 1024
  const anon = kib('Anonymous') * 1024
  return { rss, anon, file: rss - anon }
}

class Server {
  private nextId = 0
  private readonly waiting = new Map<number, (reading: Record<string, unknown>) => void>()

  private readonly child: ChildProcess
  readonly url: string

  private constructor(private readonly running: RunningServer) {
    this.child = running.child
    this.url = running.url
    this.child.on('message', (message: Record<string, unknown>) => {
      if (message['probe'] !== 'measured') return
      const id = message['id'] as number
      this.waiting.get(id)?.(message)
      this.waiting.delete(id)
    })
  }

  static async start(entry: string[], nodeArgs: string[], env: Record<string, string>): Promise<Server> {
    const probe = join(import.meta.dirname, 'memory-probe.mjs')
    const running = await startServer({
      entry,
      nodeArgs: ['--expose-gc', ...nodeArgs, '--import', probe],
      env,
      ipc: true
    })
    return new Server(running)
  }

  /** Memory after a full GC (in the server), and RSS from /proc once it has settled. */
  async measure(snapshot?: string): Promise<Reading> {
    const id = this.nextId++
    const reply = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the memory probe did not answer')), 120_000)
      this.waiting.set(id, (r) => (clearTimeout(timer), resolve(r)))
      this.child.send({ probe: 'measure', id, ...(snapshot ? { snapshot } : {}) })
    })
    const proc = procMemory(this.child.pid as number)
    return {
      rss: proc.rss,
      anon: proc.anon,
      file: proc.file,
      heapUsed: reply['heapUsed'] as number,
      heapTotal: reply['heapTotal'] as number,
      code: reply['code'] as number,
      external: reply['external'] as number
    }
  }

  async request(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {})
    })
  }

  stop(): Promise<void> {
    return this.running.stop()
  }
}

/** Runs one task to its `done`; returns its ids. */
async function runTask(
  server: Server,
  message: string,
  workspace: string,
  conversationId: string | null
): Promise<{ taskId: string; conversationId: string }> {
  const response = await server.request('POST', '/v1/chat/stream', {
    message,
    workspace,
    ...(conversationId ? { conversation_id: conversationId } : {})
  })
  if (!response.ok || !response.body) throw new Error(`chat: HTTP ${response.status} ${await response.text()}`)
  const text = await response.text()
  const done = /event: done\ndata: (.*)/.exec(text)?.[1]
  if (!done || !done.includes('"status":"completed"')) throw new Error(`the task did not complete: ${text.slice(-500)}`)
  const parsed = JSON.parse(done) as { task_id: string; conversation_id: string }
  return { taskId: parsed.task_id, conversationId: parsed.conversation_id }
}

/** Waits until the task's learning has its outcome (the post-task queue runs jobs in order). */
async function learningDone(server: Server, taskId: string): Promise<void> {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    const events = (await (await server.request('GET', `/v1/tasks/${taskId}/events`)).json()) as {
      event_type: string
    }[]
    if (events.some((e) => e.event_type === 'reflection_completed' || e.event_type === 'reflection_failed')) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`learning for ${taskId} did not finish`)
}

const TOPICS = ['the build', 'the tests', 'a config file', 'the release notes', 'a shell alias', 'the database']

function scriptModel(fake: FakeModelServer): void {
  fake.script('planner', {
    content: JSON.stringify({ kind: 'action_directive', intent: 'answer', risk_level: 'none', actions: [] })
  })
  fake.script('thinker', (body) => {
    const last = String(body.messages?.[body.messages.length - 1]?.content ?? '')
    const n = Number(/task (\d+)/.exec(last)?.[1] ?? 0)
    return { chunks: Array.from({ length: 40 }, (_, i) => ({ content: `${i === 0 ? `Answer ${n}:` : ''} word${i}` })) }
  })
  fake.script('policy', (body) => {
    const text = JSON.stringify(body.messages ?? [])
    const n = Number(/task (\d+)/.exec(text)?.[1] ?? 0)
    return {
      content: JSON.stringify(
        n % 4 === 0
          ? {
              should_store: true,
              memory_type: 'fact',
              summary: `The person asked about ${TOPICS[n % TOPICS.length]} in task ${n}.`,
              importance: 0.5,
              scope: 'workspace',
              metadata: {}
            }
          : { should_store: false }
      )
    }
  })
  fake.script('critic', (body) => {
    const text = JSON.stringify(body.messages ?? [])
    const n = Number(/task (\d+)/.exec(text)?.[1] ?? 0)
    return {
      content: `The answer was direct.\nReusable lesson: When asked about ${TOPICS[n % TOPICS.length]}, answer directly (${n % 7}).`
    }
  })
}

interface Figures {
  rssStart: number
  rssEnd: number
  heapStart: number
  heapPerTask: number
  /** The same without compiled code. */
  dataPerTask: number
  anonEnd: number
  fileEnd: number
  externalEnd: number
}

async function runConfiguration(
  opts: MemoryOptions,
  learning: 'on' | 'off',
  fake: FakeModelServer,
  entry: string[]
): Promise<Figures> {
  const tasks = Math.max(200, opts.tasks ?? 1000)
  const slopeFrom = opts.slopeFrom ?? 100
  if (slopeFrom + 2 * SLOPE_EVERY > tasks) throw new Error(`--slope-from ${slopeFrom} leaves too few tasks for a slope`)
  const dataDir = mkdtempSync(join(tmpdir(), 'duck-bench-memory-'))
  const workspace = mkdtempSync(join(tmpdir(), 'duck-bench-memory-ws-'))
  const server = await Server.start(entry, opts.nodeArgs ?? [], {
    DUCK_DATA_DIR: dataDir,
    DUCK_API_TOKEN: TOKEN,
    DUCK_SECRET_STORE: 'memory',
    DUCK_MODEL_BASE_URL: `${fake.url}`,
    DUCK_MODEL_ACTION: 'planner',
    DUCK_MODEL_THINKER: 'thinker',
    DUCK_MODEL_MEMORY_POLICY: 'policy',
    DUCK_MODEL_CRITIC: 'critic',
    ...opts.env
  })
  try {
    const on = learning === 'on'
    const settings = await server.request('PUT', '/v1/settings', { memory_enabled: on, reflection_enabled: on })
    if (!settings.ok) throw new Error(`settings: HTTP ${settings.status}`)
    const start = await server.measure()
    let conversation: string | null = null
    /** Readings from task `slopeFrom` on, every SLOPE_EVERY tasks, for the slope. */
    const series: { task: number; reading: Reading }[] = []
    let end: Reading | null = null
    const began = performance.now()
    for (let i = 1; i <= tasks; i++) {
      const topic = TOPICS[i % TOPICS.length] as string
      const ran = await runTask(
        server,
        `Question about ${topic}, task ${i}: what should I check?`,
        workspace,
        conversation
      )
      conversation = i % 10 === 0 ? null : ran.conversationId
      const logged = i === 100 || i === tasks || (opts.every !== undefined && i % opts.every === 0)
      if (logged || (i >= slopeFrom && i % SLOPE_EVERY === 0)) {
        if (on) await learningDone(server, ran.taskId)
        const snapshot =
          logged && opts.snapshotDir ? join(opts.snapshotDir, `learning-${learning}-${i}.heapsnapshot`) : undefined
        const reading = await server.measure(snapshot)
        if (i >= slopeFrom) series.push({ task: i, reading })
        if (i === tasks) end = reading
        if (!logged) continue
        opts.log(
          `  learning ${learning}, after ${i} tasks: RSS ${(reading.rss / MiB).toFixed(1)} MiB (anon ${(reading.anon / MiB).toFixed(1)}, file ${(reading.file / MiB).toFixed(1)}), heap ${(reading.heapUsed / MiB).toFixed(2)} of ${(reading.heapTotal / MiB).toFixed(1)} MiB committed (code ${(reading.code / MiB).toFixed(2)}), external ${(reading.external / MiB).toFixed(2)} MiB`
        )
      }
    }
    const seconds = (performance.now() - began) / 1000
    if (!end || series.length < 2) throw new Error('no readings')
    const figures: Figures = {
      rssStart: start.rss / MiB,
      rssEnd: end.rss / MiB,
      heapStart: start.heapUsed / MiB,
      heapPerTask: slope(series.map((p) => [p.task, p.reading.heapUsed])) / 1024,
      dataPerTask: slope(series.map((p) => [p.task, p.reading.heapUsed - p.reading.code])) / 1024,
      anonEnd: end.anon / MiB,
      fileEnd: end.file / MiB,
      externalEnd: end.external / MiB
    }
    opts.log(
      `learning ${learning}: RSS after start ${figures.rssStart.toFixed(1)} MiB, after ${tasks} tasks ${figures.rssEnd.toFixed(1)} MiB (goal ≤ 120); heap growth ${figures.heapPerTask.toFixed(2)} KiB per task from task ${slopeFrom} (goal ≤ 0.5), ${figures.dataPerTask.toFixed(2)} KiB without compiled code; ${(tasks / seconds).toFixed(0)} tasks/s`
    )
    return figures
  } finally {
    await server.stop()
    rmSync(dataDir, { recursive: true, force: true })
    rmSync(workspace, { recursive: true, force: true })
  }
}

export async function runMemory(opts: MemoryOptions): Promise<Record<string, number>> {
  const tasks = Math.max(200, opts.tasks ?? 1000)
  opts.log(`memory: ${tasks} short tasks per configuration`)
  const entry = serverEntry(opts.log, opts.server)
  const fake = await startFakeModelServer()
  scriptModel(fake)
  const out: Record<string, number> = {}
  try {
    for (const learning of opts.learning ?? ['on', 'off']) {
      const f = await runConfiguration(opts, learning, fake, entry)
      out[`memory.learning_${learning}.rss_start_mib`] = round(f.rssStart)
      out[`memory.learning_${learning}.rss_after_tasks_mib`] = round(f.rssEnd)
      out[`memory.learning_${learning}.rss_anon_mib`] = round(f.anonEnd)
      out[`memory.learning_${learning}.rss_file_mib`] = round(f.fileEnd)
      out[`memory.learning_${learning}.heap_start_mib`] = round(f.heapStart)
      out[`memory.learning_${learning}.external_mib`] = round(f.externalEnd)
      out[`memory.learning_${learning}.heap_growth_kib_per_task`] = round(f.heapPerTask)
      out[`memory.learning_${learning}.heap_growth_without_code_kib_per_task`] = round(f.dataPerTask)
    }
  } finally {
    await fake.close()
  }
  out['memory.tasks'] = tasks
  return out
}

/** The least-squares slope of y over x: robust to one reading that a collection left high or low. */
function slope(points: [number, number][]): number {
  const n = points.length
  const mx = points.reduce((sum, [x]) => sum + x, 0) / n
  const my = points.reduce((sum, [, y]) => sum + y, 0) / n
  const sxy = points.reduce((sum, [x, y]) => sum + (x - mx) * (y - my), 0)
  const sxx = points.reduce((sum, [x]) => sum + (x - mx) ** 2, 0)
  return sxy / sxx
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2)
  const value = (name: string): string | undefined => {
    const i = args.indexOf(name)
    return i === -1 ? undefined : args[i + 1]
  }
  const tasks = value('--tasks')
  const learning = value('--learning')
  const server = value('--server')
  const snapshots = value('--snapshots')
  const every = value('--every')
  const nodeArgs = value('--node-args')
  const slopeFrom = value('--slope-from')
  if (slopeFrom !== undefined && !/^\d+$/.test(slopeFrom)) throw new Error('--slope-from must be a whole number')
  if (every !== undefined && !/^[1-9]\d*$/.test(every)) throw new Error('--every must be a whole number')
  if (tasks !== undefined && !/^\d+$/.test(tasks)) throw new Error('--tasks must be a whole number')
  if (learning !== undefined && learning !== 'on' && learning !== 'off') throw new Error('--learning must be on or off')
  if (server !== undefined && server !== 'built' && server !== 'source')
    throw new Error('--server must be built or source')
  const figures = await runMemory({
    log: (line) => console.log(line),
    ...(tasks !== undefined ? { tasks: Number(tasks) } : {}),
    ...(learning !== undefined ? { learning: [learning] } : {}),
    ...(server !== undefined ? { server } : {}),
    ...(snapshots !== undefined ? { snapshotDir: snapshots } : {}),
    ...(every !== undefined ? { every: Number(every) } : {}),
    ...(slopeFrom !== undefined ? { slopeFrom: Number(slopeFrom) } : {}),
    ...(nodeArgs !== undefined ? { nodeArgs: nodeArgs.split(/\s+/).filter(Boolean) } : {})
  })
  console.log(JSON.stringify(figures, null, 2))
}
