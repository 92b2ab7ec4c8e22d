/**
 * How much of a real llama-server's streaming rate Duck delivers end to end, and how much time
 * it adds before the first token.
 *
 *   npx tsx scripts/bench-llama.ts [--tokens 512] [--rounds 7] [--threads 1] [--pin] [--profile dir]
 *
 * One llama-server (built by `node scripts/llama-server.mjs`) runs the tiny "runaway" test
 * model, which never ends its turn, so every answer is exactly --tokens tokens; a second one
 * runs the tiny "plain" model for Duck's planner (the runaway model never finishes a plan). A
 * small router (test/support/llama-proxy.ts) in this process sends each model name to its
 * server and pins the answer's max_tokens to --tokens. Both sides go through it:
 *
 *   - sdk:  the official openai SDK streams Duck's exact thinker request (captured from a
 *           warm-up run) from the runaway server, read here;
 *   - duck: Duck's headless server, in its own process, runs the task (plan, then the streamed
 *           answer) and relays it as SSE over /v1/chat/stream, read here.
 *
 * Measured per round (rounds alternate who goes first), medians reported:
 *   rate  content deltas / (last − first arrival): duck / sdk, goal ≥ 0.97. The server's own
 *         decode rate swings from request to request on a shared two-core machine, so the
 *         ratio is also given with each side taken relative to the server's `timings` for its
 *         own request (how much of what the server generated reached the reader, how fast);
 *   ttft  duck: from the `thinking` stage event to the first content delta; sdk: from the
 *         request to the first content chunk. The router sees the server's share of each
 *         (request in → first token out: prompt processing, the first decode); taking it out
 *         leaves each client's own share (building and sending the request, reading and
 *         relaying the first token). Duck's added ttft = Duck's share − the SDK's, goal ≤ 5 ms.
 *         Duck's share is counted from the arrival of its `thinking` event, which took about
 *         one relay to get here; one first-token relay is added back, so the figure is an
 *         upper bound.
 * Prompt caching is the same for both: every request carries the identical prompt.
 *
 * On a small machine Duck's own CPU time (its process works while the server decodes) can slow
 * the server itself; --pin (Linux, taskset) keeps llama-server on CPUs 1… and this process and
 * Duck's on CPU 0, to tell that apart from Duck's relaying.
 */
import { startServer } from './server-entry'
import { readTaskStream } from './task-stream'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import OpenAI from 'openai'
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions'
import { requireActions, startModelProxy, type Exchange, type ModelProxy } from '../test/support/llama-proxy'
import { startLlamaServer, type LlamaServer } from '../test/support/llama-server'
import { tinyModelPath } from '../test/support/tiny-models'

interface Args {
  tokens: number
  rounds: number
  threads: number
  /** Keep llama-server's decode thread(s) on their own CPU(s), everything else on CPU 0. */
  pin: boolean
  /** Write a V8 CPU profile of Duck's process into this folder. */
  profile: string | null
}

function parseArgs(argv: string[]): Args {
  const args: Args = { tokens: 512, rounds: 7, threads: 1, pin: false, profile: null }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--pin') {
      args.pin = true
      continue
    }
    const value = argv[i + 1]
    if (value === undefined) break
    if (argv[i] === '--tokens') args.tokens = Math.max(16, Number(value))
    else if (argv[i] === '--rounds') args.rounds = Math.max(1, Number(value))
    else if (argv[i] === '--threads') args.threads = Math.max(1, Number(value))
    else if (argv[i] === '--profile') args.profile = value
    else continue
    i++
  }
  return args
}

const TOKEN = 'bench-llama'
const MODELS = { action: 'planner', thinker: 'thinker', memory_policy: 'memory', critic: 'critic' }

interface Measure {
  tokens: number
  /** Tokens per second between the first and the last content arrival. */
  rate: number
  ttft: number
  /** The server's own decode rate for this request. */
  serverRate: number
  /** The server's part of ttft, as the router sees it: request in → first token out. */
  serverTtft: number
  /** The rest of ttft: the client's (Duck's or the SDK's) own time before the request and after the first token. */
  ownTtft: number
  /** router passes the first token on → it arrives here. */
  relay: number
  /** CPU ms per 1,000 tokens: of Duck's process (duck) or of this process (sdk, router included). */
  cpuPer1k: number
}

/** CPU ms a process has used so far (Linux /proc), or NaN elsewhere. */
function processCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    return ((Number(fields[11]) + Number(fields[12])) / 100) * 1000
  } catch {
    return NaN
  }
}

function ownCpuMs(): number {
  const used = process.cpuUsage()
  return (used.user + used.system) / 1000
}

function lastThinker(proxy: ModelProxy): Exchange {
  const calls = proxy.calls(MODELS.thinker)
  const last = calls[calls.length - 1]
  if (last === undefined) throw new Error('the thinker was not called')
  return last
}

function serverRate(exchange: Exchange): number {
  const t = exchange.timings
  return t !== null && t.predicted_ms > 0 ? (t.predicted_n / t.predicted_ms) * 1000 : NaN
}

async function duckRound(url: string, pid: number, workspace: string, proxy: ModelProxy): Promise<Measure> {
  const cpuBefore = processCpuMs(pid)
  const response = await fetch(`${url}/v1/chat/stream`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ message: 'tell me about this folder, in detail', workspace })
  })
  const times = await readTaskStream(response)
  const { thinkingAt, first, last } = times
  // Tokens that arrive together come as one delta: count the answer's tokens, not its deltas.
  const tokens = times.outputTokens > 0 ? times.outputTokens : times.tokens
  const exchange = lastThinker(proxy)
  return {
    tokens,
    rate: (tokens - 1) / ((last - first) / 1000),
    ttft: first - thinkingAt,
    serverRate: serverRate(exchange),
    serverTtft: (exchange.firstTokenAt ?? NaN) - exchange.startedAt,
    ownTtft: first - thinkingAt - ((exchange.firstTokenAt ?? NaN) - exchange.startedAt),
    relay: first - (exchange.firstTokenAt ?? NaN),
    cpuPer1k: ((processCpuMs(pid) - cpuBefore) / tokens) * 1000
  }
}

async function sdkRound(
  client: OpenAI,
  body: ChatCompletionCreateParamsStreaming,
  proxy: ModelProxy
): Promise<Measure> {
  const cpuBefore = ownCpuMs()
  const sent = performance.now()
  let first = 0
  let last = 0
  let tokens = 0
  const stream = await client.chat.completions.create(body)
  for await (const chunk of stream) {
    if (chunk.choices[0]?.delta?.content) {
      const t = performance.now()
      if (tokens === 0) first = t
      last = t
      tokens++
    }
  }
  const exchange = lastThinker(proxy)
  return {
    tokens,
    rate: (tokens - 1) / ((last - first) / 1000),
    ttft: first - sent,
    serverRate: serverRate(exchange),
    serverTtft: (exchange.firstTokenAt ?? NaN) - exchange.startedAt,
    ownTtft: first - sent - ((exchange.firstTokenAt ?? NaN) - exchange.startedAt),
    relay: first - (exchange.firstTokenAt ?? NaN),
    cpuPer1k: ((ownCpuMs() - cpuBefore) / tokens) * 1000
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2
}

function summary(runs: Measure[]): Measure {
  const pick = (key: keyof Measure): number => median(runs.map((r) => r[key]))
  return {
    tokens: pick('tokens'),
    rate: pick('rate'),
    ttft: pick('ttft'),
    serverRate: pick('serverRate'),
    serverTtft: pick('serverTtft'),
    ownTtft: pick('ownTtft'),
    relay: pick('relay'),
    cpuPer1k: pick('cpuPer1k')
  }
}

const f1 = (n: number): string => n.toFixed(1)

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const servers: LlamaServer[] = []
  const cleanup: (() => Promise<void>)[] = []
  const cpus = availableParallelism()
  let launcher: string[] = []
  if (args.pin) {
    // This process (and Duck's, which inherits it) on CPU 0; llama-server, all its threads, on
    // CPUs 1…, so neither side's work slows the other's.
    if (cpus < 2) throw new Error('--pin needs two CPUs or more')
    const pinned = spawnSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { encoding: 'utf8' })
    if (pinned.status !== 0) throw new Error(`taskset failed: ${pinned.stderr || pinned.error?.message}`)
    launcher = ['taskset', '-c', `1-${cpus - 1}`]
  }
  try {
    const [runaway, plain] = await Promise.all([
      startLlamaServer(await tinyModelPath('runaway'), { threads: args.threads, ctx: 4096, launcher }),
      startLlamaServer(await tinyModelPath('plain'), { threads: args.threads, ctx: 4096, launcher })
    ])
    servers.push(runaway, plain)
    const proxy = await startModelProxy({
      fallback: runaway.baseURL,
      routes: {
        [MODELS.action]: plain.baseURL,
        [MODELS.thinker]: runaway.baseURL,
        [MODELS.memory_policy]: plain.baseURL,
        [MODELS.critic]: plain.baseURL
      }
    })
    cleanup.push(() => proxy.close())
    // The planner plans nothing (its choice is not what is measured); the answer is N tokens.
    proxy.rewrite = (body) => {
      if (body['model'] === MODELS.thinker) return { ...body, max_tokens: args.tokens }
      return requireActions(body, 0, 0)
    }
    const dataDir = mkdtempSync(join(tmpdir(), 'duck-bench-llama-'))
    const workspace = mkdtempSync(join(tmpdir(), 'duck-bench-llama-ws-'))
    cleanup.push(async () => {
      rmSync(dataDir, { recursive: true, force: true })
      rmSync(workspace, { recursive: true, force: true })
    })
    const duck = await startServer({
      nodeArgs: args.profile !== null ? ['--cpu-prof', '--cpu-prof-dir', args.profile] : [],
      env: {
        DUCK_DATA_DIR: dataDir,
        DUCK_API_TOKEN: TOKEN,
        DUCK_MODEL_BASE_URL: proxy.baseURL,
        DUCK_MODEL_ACTION: MODELS.action,
        DUCK_MODEL_THINKER: MODELS.thinker,
        DUCK_MODEL_MEMORY_POLICY: MODELS.memory_policy,
        DUCK_MODEL_CRITIC: MODELS.critic
      }
    })
    cleanup.unshift(() => duck.stop())
    const settings = await fetch(`${duck.url}/v1/settings`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ memory_enabled: false, reflection_enabled: false })
    })
    if (!settings.ok) throw new Error(`settings: ${settings.status}`)

    // Warm-up: JIT, connections, the servers' prompt caches; and Duck's exact thinker request.
    await duckRound(duck.url, duck.pid, workspace, proxy)
    const captured = lastThinker(proxy).request as unknown as ChatCompletionCreateParamsStreaming
    const client = new OpenAI({ baseURL: proxy.baseURL, apiKey: 'not-needed', maxRetries: 0 })
    await sdkRound(client, captured, proxy)

    console.log(
      `llama-server ${runaway.args.join(' ').replace(/^-m \S+\//, '-m …/')}\n` +
        `${args.tokens} tokens per answer, -t ${args.threads}, ${args.rounds} rounds (alternating order)`
    )
    console.log('round   sdk tok/s  duck tok/s  ratio   sdk ttft  duck ttft  added   (server tok/s sdk/duck)')
    const sdkRuns: Measure[] = []
    const duckRuns: Measure[] = []
    for (let round = 1; round <= args.rounds; round++) {
      let d: Measure
      let s: Measure
      if (round % 2 === 0) {
        d = await duckRound(duck.url, duck.pid, workspace, proxy)
        s = await sdkRound(client, captured, proxy)
      } else {
        s = await sdkRound(client, captured, proxy)
        d = await duckRound(duck.url, duck.pid, workspace, proxy)
      }
      if (d.tokens !== s.tokens) console.log(`  (token counts differ: duck ${d.tokens}, sdk ${s.tokens})`)
      sdkRuns.push(s)
      duckRuns.push(d)
      console.log(
        `${String(round).padStart(5)}   ${f1(s.rate).padStart(9)}  ${f1(d.rate).padStart(10)}  ${(d.rate / s.rate).toFixed(3)}` +
          `   ${f1(s.ttft).padStart(6)} ms ${f1(d.ttft).padStart(6)} ms ${f1(d.ttft - s.ttft).padStart(5)} ms` +
          `   (${f1(s.serverRate)}/${f1(d.serverRate)})`
      )
    }
    const s = summary(sdkRuns)
    const d = summary(duckRuns)
    // The tiny model's decode speed swings between requests on a shared machine (the server's
    // own timings show it), so besides the ratio of the medians, each side's delivered rate is
    // also taken relative to the server's rate for that very request.
    const ratio = d.rate / s.rate
    const sdkShare = median(sdkRuns.map((r) => r.rate / r.serverRate))
    const duckShare = median(duckRuns.map((r) => r.rate / r.serverRate))
    const normalised = duckShare / sdkShare
    // Each request's own server time (prompt, first token; as the router sees it) taken out:
    // what is left is the client's own share, Duck's against the SDK's.
    // Duck's share starts at the arrival of its `thinking` event, which itself took about one
    // relay to get here: adding a whole first-token relay back makes this an upper bound.
    const added = median(duckRuns.map((r, i) => r.ownTtft + r.relay - (sdkRuns[i] as Measure).ownTtft))
    const addedRaw = median(duckRuns.map((r, i) => r.ttft - (sdkRuns[i] as Measure).ttft))
    console.log(`\nmedian of ${args.rounds} rounds, ${d.tokens} tokens per answer:`)
    console.log(
      `sdk   ${f1(s.rate)} tok/s delivered (${(sdkShare * 100).toFixed(1)}% of the server's rate for the request),` +
        ` first token ${f1(s.ttft)} ms after the request`
    )
    console.log(
      `duck  ${f1(d.rate)} tok/s delivered (${(duckShare * 100).toFixed(1)}% of the server's rate for the request),` +
        ` first token ${f1(d.ttft)} ms after the thinking stage`
    )
    console.log(
      `ratio  Duck / SDK delivered rate: ${ratio.toFixed(3)} (medians); ${normalised.toFixed(3)} relative to the` +
        ` server's rate per request ${normalised >= 0.97 ? 'OK' : 'BELOW'} (goal ≥ 0.97)`
    )
    console.log(
      `ttft   Duck adds at most ${f1(added)} ms before the first token ${added <= 5 ? 'OK' : 'ABOVE'} (goal ≤ 5 ms):` +
        ` its own share ${f1(d.ownTtft)} ms (+ ${f1(d.relay)} ms for its thinking event's delivery) against the SDK's ${f1(s.ownTtft)} ms`
    )
    console.log(
      `       (server's share: duck ${f1(d.serverTtft)} ms, sdk ${f1(s.serverTtft)} ms; raw difference ${f1(addedRaw)} ms;` +
        ` relaying the first token router → here: duck ${f1(d.relay)} ms, sdk ${f1(s.relay)} ms)`
    )
    console.log(
      `cpu    Duck's process ${f1(d.cpuPer1k)} ms per 1,000 tokens (planner call, answer stream, SSE);` +
        ` this process during an SDK round ${f1(s.cpuPer1k)} ms (SDK + router)`
    )
    console.log(
      `load   ${loadavg()
        .map((l) => l.toFixed(2))
        .join(
          ' '
        )} (1/5/15 min) on ${cpus} cores${args.pin ? ' (pinned: this process and Duck on CPU 0, llama-server on the rest)' : ''}`
    )
  } finally {
    for (const step of cleanup) await step().catch(() => undefined)
    await Promise.all(servers.map((server) => server.stop()))
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error)
  process.exit(2)
})
