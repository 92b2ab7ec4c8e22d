/**
 * `npm run bench:core`: how much of a model server's streaming rate Duck delivers end to end.
 *
 * One run, three measurements each, medians reported:
 *  - bare: the official openai SDK reading the fake server's 20,000-token stream directly;
 *  - duck: the same stream read through Duck (planner call, thinker stream, SSE over
 *    /v1/chat/stream on 127.0.0.1), counted at the HTTP client.
 * The fake server and Duck's headless server run in their own processes, so arrival times are
 * real and each side's CPU time is its own: the bench process's for the bare SDK, the Duck
 * server process's (read from /proc) for Duck.
 */
import { readTaskStream } from './task-stream'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import OpenAI from 'openai'

const TOKENS = 20_000
const RUNS = Number(process.env.BENCH_RUNS ?? 5)

interface Measure {
  tokens: number
  /** Tokens per second between the first and the last token. */
  rate: number
  /** ms from the request (bare) or from the "thinking" stage (duck) to the first token. */
  ttft: number
  /** CPU ms of this process per 1,000 tokens. */
  cpuPer1k: number
}

async function startChild(
  script: string,
  args: string[],
  env: Record<string, string>,
  match: RegExp
): Promise<{ url: string; pid: number; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const found = match.exec(out)
      if (found?.[1]) resolve(found[1])
    })
    child.once('exit', (code) => reject(new Error(`${script} exited (${code})`)))
  })
  return { url, pid: child.pid as number, stop: () => child.kill('SIGTERM') }
}

/** CPU ms a process has used so far (Linux /proc), or null elsewhere. */
function processCpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    const ticks = Number(fields[11]) + Number(fields[12])
    return (ticks / 100) * 1000
  } catch {
    return null
  }
}

function cpuMs(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start)
  return (used.user + used.system) / 1000
}

async function bare(url: string): Promise<Measure> {
  const client = new OpenAI({ baseURL: url, apiKey: 'not-needed', maxRetries: 0 })
  const cpu = process.cpuUsage()
  const sent = performance.now()
  let first = 0
  let last = 0
  let tokens = 0
  const stream = await client.chat.completions.create({
    model: 'thinker',
    stream: true,
    messages: [{ role: 'user', content: 'go' }]
  })
  for await (const chunk of stream) {
    if (chunk.choices[0]?.delta?.content) {
      const t = performance.now()
      if (tokens === 0) first = t
      last = t
      tokens++
    }
  }
  const cpu1k = (cpuMs(cpu) / tokens) * 1000
  return { tokens, rate: tokens / ((last - first) / 1000), ttft: first - sent, cpuPer1k: cpu1k }
}

async function duck(baseUrl: string, token: string, workspace: string, pid: number): Promise<Measure> {
  const cpuBefore = processCpuMs(pid)
  const response = await fetch(`${baseUrl}/v1/chat/stream`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ message: 'stream a long answer', workspace })
  })
  const { thinkingAt, first, last, tokens } = await readTaskStream(response)
  const cpuAfter = processCpuMs(pid)
  const cpu1k = cpuBefore === null || cpuAfter === null ? NaN : ((cpuAfter - cpuBefore) / tokens) * 1000
  if (process.env.BENCH_VERBOSE)
    console.log(
      `  duck run: ttft ${(first - thinkingAt).toFixed(1)} ms, rate ${(tokens / ((last - first) / 1000)).toFixed(0)}`
    )
  return { tokens, rate: tokens / ((last - first) / 1000), ttft: first - thinkingAt, cpuPer1k: cpu1k }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

function summary(label: string, runs: Measure[]): Measure {
  const m: Measure = {
    tokens: median(runs.map((r) => r.tokens)),
    rate: median(runs.map((r) => r.rate)),
    ttft: median(runs.map((r) => r.ttft)),
    cpuPer1k: median(runs.map((r) => r.cpuPer1k))
  }
  console.log(
    `${label.padEnd(5)} ${m.tokens} tokens · ${m.rate.toFixed(0)} tok/s · first token ${m.ttft.toFixed(1)} ms · CPU ${m.cpuPer1k.toFixed(1)} ms per 1,000 tokens`
  )
  return m
}

const root = join(import.meta.dirname, '..')
const fake = await startChild(
  join(root, 'scripts', 'fake-model-cli.ts'),
  [],
  { FAKE_TOKENS: String(TOKENS) },
  /^(http\S+)\n/
)
const dataDir = mkdtempSync(join(tmpdir(), 'duck-bench-'))
const workspace = mkdtempSync(join(tmpdir(), 'duck-bench-ws-'))
const server = await startChild(
  join(root, 'src', 'main', 'server', 'main.ts'),
  ['--port', '0'],
  {
    DUCK_DATA_DIR: dataDir,
    DUCK_API_TOKEN: 'bench',
    DUCK_MODEL_BASE_URL: fake.url,
    DUCK_MODEL_ACTION: 'planner',
    DUCK_MODEL_THINKER: 'thinker'
  },
  /Duck listening on (http\S+)/
)
try {
  const settings = await fetch(`${server.url}/v1/settings`, {
    method: 'PUT',
    headers: { Authorization: 'Bearer bench', 'Content-Type': 'application/json' },
    body: JSON.stringify({ memory_enabled: false, reflection_enabled: false })
  })
  if (!settings.ok) throw new Error(`settings: ${settings.status}`)
  // Warm up both paths once (JIT, connection pools, the database).
  await bare(fake.url)
  await duck(server.url, 'bench', workspace, server.pid)
  const bareRuns: Measure[] = []
  const duckRuns: Measure[] = []
  for (let i = 0; i < RUNS; i++) {
    bareRuns.push(await bare(fake.url))
    duckRuns.push(await duck(server.url, 'bench', workspace, server.pid))
  }
  console.log(`Streaming ${TOKENS} one-token chunks from a fake OpenAI-compatible server, median of ${RUNS} runs:`)
  const b = summary('bare', bareRuns)
  const d = summary('duck', duckRuns)
  console.log(`ratio  Duck delivers ${((d.rate / b.rate) * 100).toFixed(0)}% of the bare SDK's rate (goal ≥ 50%)`)
  console.log(
    `ttft   Duck adds ${(d.ttft - b.ttft).toFixed(1)} ms before the first token after planning (goal < 20 ms)`
  )
  console.log(
    'cpu    bare: the bench process reading the SDK stream; duck: the Duck server process (planner, thinker, SSE)'
  )
} finally {
  server.stop()
  fake.stop()
  rmSync(dataDir, { recursive: true, force: true })
  rmSync(workspace, { recursive: true, force: true })
}
