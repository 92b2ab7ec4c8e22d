/**
 * `npm run bench:memory`: memory retrieval at scale.
 *
 * Fills a temporary database with 100,000 varied memories across 50 workspaces (and some
 * global ones) in one transaction, then runs 200 varied requests through `recallMemories`,
 * the function the agent calls for every task's prompts, and prints median / p95 / max and the
 * query plan of the hot query. Budget: a median under 10 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RECALL_LIMIT, recallMemories } from '../src/main/core/memory/recall'
import {
  GLOBAL_SCOPE_KEY,
  ftsAnyOf,
  julianDay,
  keywords,
  normaliseText,
  workspaceScopeKey
} from '../src/main/core/memory/text'
import { closeDatabase, openDatabase } from '../src/main/core/store/database'
import { insertMemory, memorySearchQuery } from '../src/main/core/store/memory-repo'

const MEMORIES = 100_000
const WORKSPACES = 50
const QUERIES = 200
const BUDGET_MS = 10

/** A small deterministic generator, so every run measures the same data. */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}
const random = rng(42)
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T

const LANGUAGES = [
  'TypeScript',
  'Python',
  'Rust',
  'Go',
  'Java',
  'Kotlin',
  'C++',
  'Ruby',
  'PHP',
  'Elixir',
  'Swift',
  'C#'
]
const TOOLS = [
  'npm',
  'pnpm',
  'yarn',
  'poetry',
  'uv',
  'cargo',
  'make',
  'gradle',
  'maven',
  'bazel',
  'cmake',
  'just',
  'docker compose'
]
const TEST_TOOLS = [
  'vitest',
  'jest',
  'pytest',
  'cargo test',
  'go test',
  'JUnit',
  'rspec',
  'phpunit',
  'mocha',
  'playwright'
]
const FOLDERS = [
  'src',
  'lib',
  'app',
  'cmd',
  'internal',
  'packages',
  'services',
  'scripts',
  'docs',
  'tests',
  'e2e',
  'infra',
  'config'
]
const TOPICS = [
  'billing',
  'authentication',
  'search',
  'invoices',
  'notifications',
  'onboarding',
  'reporting',
  'exports',
  'sync engine',
  'image pipeline',
  'payment webhooks',
  'feature flags',
  'rate limiting',
  'the admin dashboard',
  'the mobile API',
  'caching'
]
const PREFERENCES = [
  'answers in short bullet points',
  'British spelling',
  'tables for comparisons',
  'explanations before code',
  'tabs over spaces',
  'small commits',
  'conventional commit messages',
  'no emoji in answers',
  'dark colour themes',
  'examples in TypeScript',
  'the metric system',
  'German translations of UI strings'
]
const PEOPLE = ['Alice', 'Bob', 'Chen', 'Dana', 'Emeka', 'Farah', 'Goran', 'Hana', 'Ivan', 'Jules']
const DATABASES = ['PostgreSQL', 'SQLite', 'MySQL', 'Redis', 'MongoDB', 'DuckDB', 'ClickHouse']
const HOSTS = [
  'Fly.io',
  'a Hetzner VPS',
  'AWS ECS',
  'Vercel',
  'Kubernetes on GKE',
  'a Raspberry Pi',
  'Cloudflare Workers'
]

const TEMPLATES: (() => [string, string])[] = [
  () => ['project', `The project is written in ${pick(LANGUAGES)} and builds with ${pick(TOOLS)}.`],
  () => ['project', `Tests run with ${pick(TEST_TOOLS)}; the slow integration suite lives in ${pick(FOLDERS)}/.`],
  () => [
    'fact',
    `The ${pick(TOPICS)} code is in ${pick(FOLDERS)}/${pick(TOPICS).replace(/^the /, '').replace(/ /g, '-')}.`
  ],
  () => ['preference', `The user prefers ${pick(PREFERENCES)}.`],
  () => ['fact', `${pick(PEOPLE)} owns the ${pick(TOPICS)} module and reviews changes to it.`],
  () => ['project', `Production uses ${pick(DATABASES)} and is deployed to ${pick(HOSTS)}.`],
  () => [
    'procedure',
    `To release, bump the version, run ${pick(TOOLS)} build and tag the commit as v${1 + Math.floor(random() * 9)}.${Math.floor(random() * 20)}.`
  ],
  () => [
    'fact',
    `The ${pick(TOPICS)} service talks to ${pick(DATABASES)} through a connection pool of ${4 + Math.floor(random() * 60)}.`
  ],
  () => ['procedure', `Run ${pick(TOOLS)} lint before committing; CI rejects ${pick(LANGUAGES)} code with warnings.`],
  () => [
    'fact',
    `Local development needs ${pick(DATABASES)} running via docker compose on port ${5000 + Math.floor(random() * 4000)}.`
  ],
  () => ['preference', `When touching ${pick(TOPICS)}, the user wants a migration plan before any code.`],
  () => [
    'fact',
    `The ${pick(FOLDERS)} folder holds generated files; never edit them by hand (regenerate with ${pick(TOOLS)}).`
  ]
]

const REQUESTS = [
  'how do I run the tests',
  'where is the billing code',
  'deploy this to production',
  'which database do we use',
  'release a new version',
  'who owns the authentication module',
  'fix the lint warnings',
  'explain the sync engine',
  'set up local development',
  'what language is this project',
  'add rate limiting to the API',
  'summarise recent changes',
  'write a migration for invoices',
  'speed up the image pipeline',
  'why is caching broken',
  'check the docker compose setup',
  'generate the client code again',
  'review the payment webhooks handler',
  'translate the onboarding strings',
  'list the feature flags',
  'build the project with cargo',
  'run pytest on the search service',
  'what port does postgres use locally',
  'how should I write commits',
  'refactor the notifications module',
  'analyze repository structure',
  'what time is it in Tokyo',
  'hello'
]

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? 0
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'duck-bench-memory-'))
  const db = openDatabase(join(dir, 'duck.sqlite3'))
  try {
    const workspaces = Array.from(
      { length: WORKSPACES },
      (_, i) => `/home/user/code/project-${String(i).padStart(2, '0')}`
    )
    const started = performance.now()
    const now = Date.now()
    db.transaction(() => {
      for (let i = 0; i < MEMORIES; i++) {
        const [memoryType, body] = pick(TEMPLATES)()
        const global = random() < 0.04
        const workspace = global ? null : pick(workspaces)
        // Unique text per row (the table refuses exact duplicates in one place).
        const text = `${body} (noted in task ${i})`
        insertMemory(db, {
          memoryId: `mem_bench_${i}`,
          text,
          norm: normaliseText(text),
          memoryType,
          importance: Math.round(random() * 100) / 100,
          workspace,
          scopeKey: workspace === null ? GLOBAL_SCOPE_KEY : workspaceScopeKey(workspace),
          taskId: null,
          metadata: {},
          at: new Date(now - Math.floor(random() * 365 * 86_400_000)).toISOString()
        })
      }
    })()
    const fillMs = performance.now() - started
    db.pragma('optimize')

    const queries = Array.from({ length: QUERIES }, (_, i) => ({
      workspace: pick(workspaces),
      request: REQUESTS[i % REQUESTS.length] as string
    }))
    for (const q of queries.slice(0, 20)) recallMemories(db, q.workspace, q.request) // warm the cache
    const times: number[] = []
    let found = 0
    for (const q of queries) {
      const t = performance.now()
      found += recallMemories(db, q.workspace, q.request).length
      times.push(performance.now() - t)
    }
    times.sort((a, b) => a - b)
    const median = percentile(times, 0.5)
    const sample = queries[0] as { workspace: string; request: string }
    const hot = memorySearchQuery({
      match: ftsAnyOf(keywords(sample.request)) ?? '""',
      scopeKeys: [workspaceScopeKey(sample.workspace), GLOBAL_SCOPE_KEY],
      workspace: sample.workspace,
      limit: RECALL_LIMIT,
      julianNow: julianDay()
    })
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${hot.sql}`).all(hot.params) as { detail: string }[]

    console.log(
      `Memory retrieval: ${MEMORIES.toLocaleString('en')} memories, ${WORKSPACES} workspaces (filled in ${(fillMs / 1000).toFixed(1)} s)`
    )
    console.log(
      `${QUERIES} queries through recallMemories (${(found / QUERIES).toFixed(1)} memories per prompt on average)`
    )
    console.log(
      `  median ${median.toFixed(2)} ms   p95 ${percentile(times, 0.95).toFixed(2)} ms   max ${(times.at(-1) ?? 0).toFixed(2)} ms`
    )
    console.log('Query plan of the hot query:')
    for (const row of plan) console.log(`  ${row.detail}`)
    if (median >= BUDGET_MS) {
      console.error(`FAIL: the median ${median.toFixed(2)} ms is over the ${BUDGET_MS} ms budget.`)
      process.exitCode = 1
    } else {
      console.log(`OK: the median is under the ${BUDGET_MS} ms budget.`)
    }
  } finally {
    closeDatabase(db)
    rmSync(dir, { recursive: true, force: true })
  }
}

main()
