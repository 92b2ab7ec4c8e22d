/**
 * bench:scale — conversations: what a long history costs a new task, opening it, and search.
 *
 * Builds, directly in SQLite in a temporary data folder: one conversation of 10,000 messages
 * (5,000 tasks with their persisted events) and 10,000 short conversations, one of which holds
 * a rare word. Then starts Duck's headless server on that folder (the build when current, see
 * scripts/server-entry.ts) against a fake model in this process, and measures, medians of a few
 * runs (15 tasks into each conversation after 5 to warm up, then 5 of the rest):
 *  - POST /v1/chat/stream into the long conversation → the planner's request reaching the
 *    model (the prompt is built from the newest messages only), against the same into a new one;
 *  - opening the long conversation as the window does (its first page with the tasks' events):
 *    ms and the number of requests; and the old way, every message in one response;
 *  - searching the titles and text of 10,000 conversations for the rare word.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { closeDatabase, openDatabase } from '../../src/main/core/store/database'
import { startFakeModelServer } from '../../test/support/fake-model-server'
import { seedConversation, seedInTransaction } from '../../test/support/seed-conversations'
import { serverEntry, startServer } from '../server-entry'

const MESSAGES = 10_000
const CONVERSATIONS = 10_000
const RUNS = 5
/** Tasks timed into each conversation (after the warm-up ones). */
const POST_RUNS = 15
const POST_WARMUP = 5
/** What the window asks for when it opens a conversation (src/renderer/src/store/actions). */
const WINDOW_PAGE = '?limit=50&include=events'
const TOKEN = 'bench-conversations'
const RARE = 'quetzalcoatlus'

const wallNow = (): number => performance.timeOrigin + performance.now()

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

export async function runConversations(opts: { log: (line: string) => void }): Promise<Record<string, number>> {
  const { log } = opts
  const dataDir = mkdtempSync(join(tmpdir(), 'duck-scale-conv-'))
  const workspace = mkdtempSync(join(tmpdir(), 'duck-scale-conv-ws-'))
  const fake = await startFakeModelServer()
  let plannedAt = 0
  fake.script('planner', () => {
    plannedAt = wallNow()
    return { content: JSON.stringify({ kind: 'action_directive', intent: 'answer', risk_level: 'none', actions: [] }) }
  })
  fake.script('thinker', { content: 'Noted.' })
  fake.script('*', { content: '{}' })

  const seedStart = performance.now()
  const db = openDatabase(join(dataDir, 'duck.sqlite3'))
  const long = seedInTransaction(db, () => {
    const seeded = seedConversation(db, { workspace, messages: MESSAGES, index: 0, title: 'The long one' })
    for (let i = 1; i <= CONVERSATIONS; i++)
      seedConversation(db, { workspace, messages: 2, index: i, startMs: (MESSAGES + i * 2) * 1000 })
    db.prepare(`UPDATE messages SET content = content || ' ${RARE}' WHERE id = ?`).run('msg_seed_5000_1')
    return seeded
  })
  closeDatabase(db)
  log(
    `seeded ${MESSAGES.toLocaleString('en')} messages in one conversation and ${CONVERSATIONS.toLocaleString('en')} more conversations in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`
  )

  const server = await startServer({
    entry: serverEntry(log),
    stderr: 'ignore',
    env: {
      DUCK_DATA_DIR: dataDir,
      DUCK_API_TOKEN: TOKEN,
      DUCK_MODEL_BASE_URL: fake.url,
      DUCK_MODEL_ACTION: 'planner',
      DUCK_MODEL_THINKER: 'thinker'
    }
  })
  try {
    const base = server.url
    const headers = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' }
    const get = async (path: string): Promise<{ ms: number; body: unknown }> => {
      const started = performance.now()
      const response = await fetch(`${base}${path}`, { headers })
      const body: unknown = await response.json()
      if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${JSON.stringify(body)}`)
      return { ms: performance.now() - started, body }
    }
    const settings = await fetch(`${base}/v1/settings`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ memory_enabled: false, reflection_enabled: false })
    })
    if (!settings.ok) throw new Error(`settings: ${settings.status}`)

    /** ms from sending the POST to the planner's request reaching the model. */
    const toPlanner = async (conversationId: string | null): Promise<number> => {
      plannedAt = 0
      const sent = wallNow()
      const response = await fetch(`${base}/v1/chat/stream`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          message: 'one more thing',
          workspace,
          ...(conversationId ? { conversation_id: conversationId } : {})
        })
      })
      if (!response.ok) throw new Error(`chat: ${response.status} ${await response.text()}`)
      await response.text()
      if (plannedAt === 0) throw new Error('the planner was not asked')
      return plannedAt - sent
    }

    // Warm-up (JIT, the connection, SQLite's page cache), then alternate. The tasks run on their
    // own, as a person's would: not right behind a 10,000-message answer whose garbage the
    // server then collects in the middle of the next request.
    for (let i = 0; i < POST_WARMUP; i++) {
      await toPlanner(long.conversationId)
      await toPlanner(null)
    }
    const post = { long: [] as number[], fresh: [] as number[] }
    for (let i = 0; i < POST_RUNS; i++) {
      post.long.push(await toPlanner(long.conversationId))
      post.fresh.push(await toPlanner(null))
    }
    await get(`/v1/conversations/${long.conversationId}${WINDOW_PAGE}`)
    const open = { page: [] as number[], all: [] as number[] }
    const search: number[] = []
    let found = 0
    for (let i = 0; i < RUNS; i++) {
      open.page.push((await get(`/v1/conversations/${long.conversationId}${WINDOW_PAGE}`)).ms)
      open.all.push((await get(`/v1/conversations/${long.conversationId}`)).ms)
      const result = await get(`/v1/conversations?q=${RARE}`)
      search.push(result.ms)
      found = (result.body as unknown[]).length
    }
    if (found !== 1) throw new Error(`search for the rare word found ${found} conversations, not 1`)
    const figures = {
      post_to_planner_ms_10k: median(post.long),
      post_to_planner_ms_new: median(post.fresh),
      open_ms_10k: median(open.page),
      open_requests_10k: 1,
      open_all_messages_ms_10k: median(open.all),
      search_ms_10k_conversations: median(search)
    }
    log(
      `POST → planning request: ${figures.post_to_planner_ms_10k.toFixed(1)} ms at ${MESSAGES.toLocaleString('en')} prior messages, ${figures.post_to_planner_ms_new.toFixed(1)} ms in a new conversation (goal ≤ 10 ms)`
    )
    log(
      `open the conversation: ${figures.open_ms_10k.toFixed(1)} ms in 1 request (goal ≤ 100 ms in ≤ 2); every message at once: ${figures.open_all_messages_ms_10k.toFixed(1)} ms`
    )
    log(
      `search ${(CONVERSATIONS + 1).toLocaleString('en')} conversations for a rare word: ${figures.search_ms_10k_conversations.toFixed(1)} ms (1 found)`
    )
    return figures
  } finally {
    await server.stop()
    await fake.close()
    rmSync(dataDir, { recursive: true, force: true })
    rmSync(workspace, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runConversations({ log: (line) => console.log(line) })
}
