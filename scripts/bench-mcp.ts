/**
 * Duck's MCP layer against the bare SDK client, on the four reference servers (the exact-pinned
 * devDependencies, started as `process.execPath` + the package's entry, offline).
 *
 *   npm run bench:mcp [-- --rounds 5 --calls 2000]
 *
 * - Connect: per server, the bare SDK (`StdioClientTransport`, initialize + tools/list) and Duck
 *   (`McpConnection`: its process-group transport, initialize + tools/list, the tool list
 *   checked and hashed), unconfined and under the command sandbox; then all four at once
 *   through `McpManager`. Median of --rounds.
 * - Call overhead: server-everything's `echo`, one message, called alternately through a bare
 *   SDK client and through Duck's tool (`assess()` — the full input schema checked, the risk —
 *   then `run()` — the call over Duck's transport, the result turned into bounded, scrubbed
 *   text), each with its own server process, --calls times each after a warm-up. Goal: the
 *   median difference ≤ 2 ms. Not included: the agent loop around it (the audit row, the
 *   events), which every tool call pays, MCP or not.
 * - Catalog size: the planner's text for every tool of the four servers in Duck's compact form
 *   (prompts.ts `toolCatalog`) against the same tools with full descriptions and schemas (as
 *   Duck's own tools are listed, and as an OpenAI `tools` array).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { toolCatalog } from '../src/main/core/agent/prompts'
import { parseConfig } from '../src/main/core/mcp/config'
import { McpConnection } from '../src/main/core/mcp/connection'
import { describeLaunch } from '../src/main/core/mcp/launch'
import { McpManager } from '../src/main/core/mcp/manager'
import { makeMcpTool } from '../src/main/core/mcp/tool'
import { MemorySecretStore } from '../src/main/core/config/secrets'
import { createSandbox, type Sandbox } from '../src/main/core/sandbox/sandbox'
import { closeDatabase, openDatabase } from '../src/main/core/store/database'
import type { Tool } from '../src/main/core/tools/types'

const GOAL_MS = 2

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`)
  const value = at >= 0 ? Number(process.argv[at + 1]) : NaN
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number
}

const ms = (n: number): string => `${n.toFixed(n < 10 ? 2 : 0)} ms`

const root = process.cwd()
const entry = (pkg: string): string => join(root, 'node_modules/@modelcontextprotocol', pkg, 'dist/index.js')

interface ServerSpec {
  name: string
  args: string[]
  env: Record<string, string>
}

function servers(scratch: string): ServerSpec[] {
  return [
    { name: 'filesystem', args: [entry('server-filesystem'), scratch], env: {} },
    { name: 'everything', args: [entry('server-everything'), 'stdio'], env: {} },
    { name: 'memory', args: [entry('server-memory')], env: { MEMORY_FILE_PATH: join(scratch, 'memory.jsonl') } },
    {
      name: 'sequential-thinking',
      args: [entry('server-sequential-thinking')],
      env: { DISABLE_THOUGHT_LOGGING: 'true' }
    }
  ]
}

function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const name of ['HOME', 'USER', 'PATH', 'LANG', 'TMPDIR']) {
    const value = process.env[name]
    if (value !== undefined) env[name] = value
  }
  return env
}

async function bareClient(spec: ServerSpec): Promise<{ client: Client; ms: number }> {
  const started = performance.now()
  const client = new Client({ name: 'bench', version: '1.0.0' }, { capabilities: { roots: {} } })
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: spec.args,
    env: { ...baseEnv(), ...spec.env },
    stderr: 'ignore'
  })
  await client.connect(transport)
  await client.listTools()
  return { client, ms: performance.now() - started }
}

function duckConnection(spec: ServerSpec, workspace: string, sandbox: Sandbox | null): McpConnection {
  const parsed = parseConfig({
    mcpServers: {
      [spec.name]: { command: process.execPath, args: spec.args, env: spec.env, workspace, sandbox: sandbox !== null }
    }
  })
  const entryOf = parsed.servers.get(spec.name)
  if (!entryOf) throw new Error(`${spec.name}: ${parsed.invalid.get(spec.name) ?? 'invalid entry'}`)
  const store = new MemorySecretStore()
  return new McpConnection({
    name: spec.name,
    entry: entryOf,
    launch: describeLaunch(entryOf, process.env.PATH ?? '', workspace),
    path: process.env.PATH ?? '',
    sandbox,
    secrets: () => Promise.resolve(store)
  })
}

async function duckConnect(connection: McpConnection): Promise<number> {
  await connection.start()
  if (connection.state !== 'ready' || connection.connectMs === null) {
    throw new Error(`${connection.name} did not start: ${connection.lastError ?? connection.state}`)
  }
  return connection.connectMs
}

async function main(): Promise<void> {
  const rounds = arg('rounds', 5)
  const calls = arg('calls', 2000)
  const scratch = mkdtempSync(join(tmpdir(), 'duck-bench-mcp-'))
  const sandbox = createSandbox({ hidden: [] })
  const sandboxStatus = await sandbox.status()
  const specs = servers(scratch)
  console.log(`Node ${process.version}, ${rounds} rounds per connect, ${calls} calls each way`)
  if (!sandboxStatus.available) console.log(`(no sandbox here: ${sandboxStatus.reason ?? 'unavailable'})`)

  try {
    // --- Connect, one server at a time ---------------------------------------------------
    console.log('\nstdio connect (initialize + tools/list), median of rounds:')
    console.log('| server | tools | bare SDK | Duck | Duck, sandboxed |')
    console.log('|---|---|---|---|---|')
    for (const spec of specs) {
      const bare: number[] = []
      const duck: number[] = []
      const boxed: number[] = []
      let tools = 0
      for (let round = 0; round < rounds; round++) {
        const b = await bareClient(spec)
        bare.push(b.ms)
        tools = (await b.client.listTools()).tools.length
        await b.client.close()
        const plain = duckConnection(spec, scratch, null)
        duck.push(await duckConnect(plain))
        await plain.stop()
        if (sandboxStatus.available) {
          const wrapped = duckConnection(spec, scratch, sandbox)
          boxed.push(await duckConnect(wrapped))
          await wrapped.stop()
        }
      }
      console.log(
        `| ${spec.name} | ${tools} | ${ms(median(bare))} | ${ms(median(duck))} | ${boxed.length ? ms(median(boxed)) : 'n/a'} |`
      )
    }

    // --- All four at once, through the manager (as at start-up) --------------------------
    const db = openDatabase(join(scratch, 'duck.sqlite3'))
    const configPath = join(scratch, 'mcp.json')
    const mcpServers: Record<string, unknown> = {}
    for (const spec of specs) {
      mcpServers[spec.name] = { command: process.execPath, args: spec.args, env: spec.env, workspace: scratch }
    }
    writeFileSync(configPath, JSON.stringify({ mcpServers }))
    const manager = new McpManager({ db, configPath, sandbox, loginShellPath: false, secrets: new MemorySecretStore() })
    try {
      for (const server of (await manager.status()).servers)
        await manager.confirm(server.name, server.fingerprint ?? '')
      const parallel: number[] = []
      for (let round = 0; round < rounds; round++) {
        const started = performance.now()
        await Promise.all(specs.map((s) => manager.restart(s.name)))
        parallel.push(performance.now() - started)
      }
      const status = await manager.status()
      const notReady = status.servers.filter((s) => s.state !== 'ready')
      if (notReady.length > 0)
        throw new Error(`not ready: ${notReady.map((s) => `${s.name}: ${s.last_error}`).join('; ')}`)
      console.log(
        `\nAll four at once through McpManager (${sandboxStatus.available ? 'sandboxed' : 'unconfined'}): median ${ms(median(parallel))}, ` +
          `max ${ms(Math.max(...parallel))}`
      )
    } finally {
      await manager.close()
      closeDatabase(db)
    }

    // --- Call overhead -------------------------------------------------------------------
    const everything = specs.find((s) => s.name === 'everything') as ServerSpec
    const { client } = await bareClient(everything)
    const connection = duckConnection(everything, scratch, null)
    await duckConnect(connection)
    const def = connection.tools.get('echo')
    if (!def) throw new Error('server-everything has no echo tool')
    const tool = makeMcpTool({ connection, def, fingerprint: 'bench' })
    const ctx = { workspace: scratch, signal: new AbortController().signal }
    const args = { message: 'hello from the bench' }
    const viaSdk = async (): Promise<number> => {
      const t = performance.now()
      await client.callTool({ name: 'echo', arguments: args })
      return performance.now() - t
    }
    const viaDuck = async (): Promise<number> => {
      const t = performance.now()
      const assessment = await tool.assess(args, { workspace: scratch })
      if (assessment.invalid) throw new Error(assessment.invalid)
      const result = await tool.run(args, ctx)
      if (!result.ok) throw new Error(result.output)
      return performance.now() - t
    }
    for (let i = 0; i < 200; i++) {
      await viaSdk()
      await viaDuck()
    }
    const sdkTimes: number[] = []
    const duckTimes: number[] = []
    for (let i = 0; i < calls; i++) {
      // Alternating, so drift on the machine falls on both alike.
      if (i % 2 === 0) {
        sdkTimes.push(await viaSdk())
        duckTimes.push(await viaDuck())
      } else {
        duckTimes.push(await viaDuck())
        sdkTimes.push(await viaSdk())
      }
    }
    await client.close()
    await connection.stop()
    const overhead = median(duckTimes) - median(sdkTimes)
    console.log(`\nA cheap call (server-everything echo), ${calls} calls each, alternating:`)
    console.log('| | median | p95 | p99 |')
    console.log('|---|---|---|---|')
    console.log(
      `| bare SDK callTool | ${ms(median(sdkTimes))} | ${ms(percentile(sdkTimes, 0.95))} | ${ms(percentile(sdkTimes, 0.99))} |`
    )
    console.log(
      `| Duck assess + run | ${ms(median(duckTimes))} | ${ms(percentile(duckTimes, 0.95))} | ${ms(percentile(duckTimes, 0.99))} |`
    )
    console.log(`Duck adds ${ms(overhead)} at the median (goal ≤ ${GOAL_MS} ms).`)

    // --- Catalog size --------------------------------------------------------------------
    const catalogTools: Tool[] = []
    const fullDefs: { name: string; description: string; inputSchema: unknown }[] = []
    for (const spec of specs) {
      const conn = duckConnection(spec, scratch, null)
      await duckConnect(conn)
      for (const d of conn.tools.values()) {
        const t = makeMcpTool({ connection: conn, def: d, fingerprint: 'bench' }) as unknown as Tool
        catalogTools.push(t)
        fullDefs.push({ name: t.name, description: d.description, inputSchema: d.inputSchema })
      }
      await conn.stop()
    }
    const defs = catalogTools.length
    const compact = toolCatalog(catalogTools)
    const fullListed = fullDefs
      .map((d) => `- ${d.name}: ${d.description}\n  args: ${JSON.stringify(d.inputSchema)}`)
      .join('\n')
    const openAi = JSON.stringify(
      fullDefs.map((d) => ({
        type: 'function',
        function: { name: d.name, description: d.description, parameters: d.inputSchema }
      }))
    )
    console.log(`\nCatalog of the four servers (${defs} tools), characters of prompt:`)
    console.log('| form | characters | per tool |')
    console.log('|---|---|---|')
    for (const [label, text] of [
      ["Duck's compact catalog (first sentence, argument names and types)", compact],
      ['full descriptions and schemas, listed as Duck lists its own tools', fullListed],
      ['full, as an OpenAI `tools` array', openAi]
    ] as const) {
      console.log(
        `| ${label} | ${text.length.toLocaleString('en')} | ${Math.round(text.length / defs).toLocaleString('en')} |`
      )
    }
    if (overhead > GOAL_MS) {
      console.error(`FAIL: Duck adds ${ms(overhead)} per call, over the ${GOAL_MS} ms goal.`)
      process.exitCode = 1
    } else {
      console.log(`OK: the call overhead is within the ${GOAL_MS} ms goal.`)
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

void main()
