/**
 * `npm run bench:core`: how much of a model server's streaming rate Duck delivers end to end.
 *
 * One run, medians reported, on two streams: fast (20,000 one-token chunks as fast as the socket
 * takes them: Duck's own cost per token) and paced (200 tokens at 100 a second: a real model's
 * rhythm, where only the time to the first token can differ):
 *  - bare: the official openai SDK reading the fake server's stream directly;
 *  - duck: the same stream read through Duck (planner call, thinker stream, SSE over
 *    /v1/chat/stream on 127.0.0.1), counted at the HTTP client.
 * The time Duck adds to the first token is model-sent to client-received (the fake server says
 * when it wrote the first token; both processes read the same clock), minus the same for the
 * bare SDK.
 * The fake server and Duck's headless server run in their own processes, so arrival times are
 * real and each side's CPU time is its own: the bench process's for the bare SDK, the Duck
 * server process's (read from /proc) for Duck.
 */
import { startServer, type RunningServer } from './server-entry'
import { readTaskStream } from './task-stream'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createParser } from 'eventsource-parser'
import OpenAI from 'openai'

const TOKENS = 20_000
const RUNS = Number(process.env.BENCH_RUNS ?? 5)

interface Measure {
  tokens: number
  /** Tokens per second between the first and the last token's arrival. */
  rate: number
  /** ms from the request (bare) or from the "thinking" stage (duck) to the first token. */
  ttft: number
  /** ms from the model server writing the first token to this process reading it. */
  relay: number
  /** CPU ms per 1,000 tokens: of this process (bare) or of Duck's server process (duck). */
  cpuPer1k: number
}

const TOKEN_TEXT = ' tok'
const PACED_TOKENS = 200
const wallNow = (t = performance.now()): number => performance.timeOrigin + t

/** When the fake server wrote the first token of its latest request for `model`. */
async function firstTokenSent(fakeUrl: string, model: string): Promise<number> {
  const origin = new URL(fakeUrl).origin
  const body = (await (await fetch(`${origin}/fake/requests`)).json()) as {
    requests: Array<{ model: string | null; first_token_at: number | null }>
  }
  const sent = body.requests.filter((r) => r.model === model).at(-1)?.first_token_at
  if (typeof sent !== 'number') throw new Error(`the fake server wrote no token for ${model}`)
  return sent
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

async function bare(url: string, model: string): Promise<Measure> {
  const client = new OpenAI({ baseURL: url, apiKey: 'not-needed', maxRetries: 0 })
  const cpu = process.cpuUsage()
  const sent = performance.now()
  let first = 0
  let last = 0
  let tokens = 0
  const stream = await client.chat.completions.create({
    model,
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
  const relay = wallNow(first) - (await firstTokenSent(url, model))
  return { tokens, rate: (tokens - 1) / ((last - first) / 1000), ttft: first - sent, relay, cpuPer1k: cpu1k }
}

/**
 * The floor a client can reach: `fetch` plus a linear SSE parser (`eventsource-parser`) and one
 * `JSON.parse` per chunk, no SDK. On a fast stream the bare SDK's own parser is what limits it.
 */
async function linear(url: string, model: string): Promise<Measure> {
  const cpu = process.cpuUsage()
  const sent = performance.now()
  let first = 0
  let last = 0
  let tokens = 0
  const response = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer not-needed' },
    body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'go' }] })
  })
  const parser = createParser({
    onEvent(message) {
      if (message.data.startsWith('[DONE]')) return
      const chunk = JSON.parse(message.data) as { choices?: Array<{ delta?: { content?: string } }> }
      if (chunk.choices?.[0]?.delta?.content) {
        const t = performance.now()
        if (tokens === 0) first = t
        last = t
        tokens++
      }
    }
  })
  const decoder = new TextDecoder()
  for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>)
    parser.feed(decoder.decode(bytes, { stream: true }))
  const cpu1k = (cpuMs(cpu) / tokens) * 1000
  const relay = wallNow(first) - (await firstTokenSent(url, model))
  return { tokens, rate: (tokens - 1) / ((last - first) / 1000), ttft: first - sent, relay, cpuPer1k: cpu1k }
}

async function duck(
  baseUrl: string,
  fakeUrl: string,
  model: string,
  token: string,
  workspace: string,
  pid: number
): Promise<Measure> {
  const cpuBefore = processCpuMs(pid)
  const response = await fetch(`${baseUrl}/v1/chat/stream`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ message: 'stream a long answer', workspace })
  })
  const times = await readTaskStream(response)
  const cpuAfter = processCpuMs(pid)
  const { thinkingAt, first, last } = times
  // A fast model's tokens arrive several to a delta: count tokens by their text.
  // (The answer's leading space is trimmed, hence the rounding.)
  const tokens = Math.round(times.chars / TOKEN_TEXT.length)
  const afterFirst = (times.chars - times.firstChars) / TOKEN_TEXT.length
  const cpu1k = cpuBefore === null || cpuAfter === null ? NaN : ((cpuAfter - cpuBefore) / tokens) * 1000
  const relay = wallNow(first) - (await firstTokenSent(fakeUrl, model))
  const rate = afterFirst / ((last - first) / 1000)
  if (process.env.BENCH_VERBOSE)
    console.log(
      `  duck run: ${times.tokens} deltas, relay ${relay.toFixed(1)} ms, rate ${rate.toFixed(0)}, cpu ${cpu1k.toFixed(1)}`
    )
  return { tokens, rate, ttft: first - thinkingAt, relay, cpuPer1k: cpu1k }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

function summary(label: string, runs: Measure[], rate = true): Measure {
  const m: Measure = {
    tokens: median(runs.map((r) => r.tokens)),
    rate: median(runs.map((r) => r.rate)),
    ttft: median(runs.map((r) => r.ttft)),
    relay: median(runs.map((r) => r.relay)),
    cpuPer1k: median(runs.map((r) => r.cpuPer1k))
  }
  console.log(
    `${label.padEnd(12)} ${m.tokens} tokens · ${rate ? `${m.rate.toFixed(0)} tok/s · ` : ''}model → client ${m.relay.toFixed(1)} ms · CPU ${m.cpuPer1k.toFixed(1)} ms per 1,000 tokens`
  )
  return m
}

async function startDuck(fakeUrl: string, thinker: string): Promise<RunningServer & { dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'duck-bench-'))
  const server = await startServer({
    env: {
      DUCK_DATA_DIR: dataDir,
      DUCK_API_TOKEN: 'bench',
      DUCK_MODEL_BASE_URL: fakeUrl,
      DUCK_MODEL_ACTION: 'planner',
      DUCK_MODEL_THINKER: thinker
    }
  })
  const settings = await fetch(`${server.url}/v1/settings`, {
    method: 'PUT',
    headers: { Authorization: 'Bearer bench', 'Content-Type': 'application/json' },
    body: JSON.stringify({ memory_enabled: false, reflection_enabled: false })
  })
  if (!settings.ok) throw new Error(`settings: ${settings.status}`)
  return { ...server, dataDir }
}

const root = join(import.meta.dirname, '..')

const fake = await startChild(
  join(root, 'scripts', 'fake-model-cli.ts'),
  [],
  { FAKE_TOKENS: String(TOKENS), FAKE_PACED_TOKENS: String(PACED_TOKENS), FAKE_PACE_MS: '10' },
  /^(http\S+)\n/
)
const workspace = mkdtempSync(join(tmpdir(), 'duck-bench-ws-'))
const fast = await startDuck(fake.url, 'thinker')
const paced = await startDuck(fake.url, 'thinker-paced')
try {
  // Warm up every path once (JIT, connection pools, the database).
  await bare(fake.url, 'thinker')
  await linear(fake.url, 'thinker')
  await duck(fast.url, fake.url, 'thinker', 'bench', workspace, fast.pid)
  await bare(fake.url, 'thinker-paced')
  await duck(paced.url, fake.url, 'thinker-paced', 'bench', workspace, paced.pid)
  const runs = {
    bare: [] as Measure[],
    linear: [] as Measure[],
    duck: [] as Measure[],
    barePaced: [] as Measure[],
    duckPaced: [] as Measure[]
  }
  for (let i = 0; i < RUNS; i++) {
    runs.bare.push(await bare(fake.url, 'thinker'))
    runs.linear.push(await linear(fake.url, 'thinker'))
    runs.duck.push(await duck(fast.url, fake.url, 'thinker', 'bench', workspace, fast.pid))
    runs.barePaced.push(await bare(fake.url, 'thinker-paced'))
    runs.duckPaced.push(await duck(paced.url, fake.url, 'thinker-paced', 'bench', workspace, paced.pid))
  }
  console.log(`Fast: ${TOKENS} one-token chunks as fast as the socket takes them; median of ${RUNS} runs:`)
  const b = summary('bare', runs.bare)
  const l = summary('fetch+parser', runs.linear)
  const d = summary('duck', runs.duck)
  console.log(`Paced: ${PACED_TOKENS} tokens at 100 tokens/s; median of ${RUNS} runs:`)
  const bp = summary('bare paced', runs.barePaced, false)
  const dp = summary('duck paced', runs.duckPaced, false)
  const ratio = d.rate / b.rate
  console.log(`ratio  Duck delivers ${ratio.toFixed(2)} of the bare SDK's rate (goal ≥ 0.95)`)
  console.log(`       and ${(d.rate / l.rate).toFixed(2)} of fetch + a linear parser's (the floor, no SDK)`)
  console.log(`cpu    Duck's server ${d.cpuPer1k.toFixed(1)} ms per 1,000 tokens (goal ≤ 8; planner, thinker, SSE)`)
  console.log(
    `ttft   Duck adds ${(d.relay - b.relay).toFixed(1)} ms fast, ${(dp.relay - bp.relay).toFixed(1)} ms paced, from the model writing the first token to the client reading it (goal ≤ 5 ms)`
  )
} finally {
  await Promise.all([fast.stop(), paced.stop()])
  fake.stop()
  rmSync(fast.dataDir, { recursive: true, force: true })
  rmSync(paced.dataDir, { recursive: true, force: true })
  rmSync(workspace, { recursive: true, force: true })
}
