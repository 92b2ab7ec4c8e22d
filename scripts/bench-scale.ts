/**
 * `npm run bench:scale`: Duck with months of history — a long conversation, an audit log of a
 * million rows, a long thread in the window, and many tasks in one server's life. Each part builds its data directly (SQLite,
 * in a temporary folder) and prints its figures; `--only <part>[,<part>]` runs some.
 * Needs `npm run build` first (the parts run the built server and window).
 *
 * Parts: conversations (scripts/scale/conversations.ts), audit (audit.ts), thread (thread.ts,
 * Debian Chromium), memory (memory.ts, the longest: 1,000 tasks twice).
 */
import { runAudit } from './scale/audit'
import { runConversations } from './scale/conversations'
import { runMemory } from './scale/memory'
import { runThread } from './scale/thread'

const parts = { conversations: runConversations, audit: runAudit, thread: runThread, memory: runMemory }
type Part = keyof typeof parts

const only = process.argv.indexOf('--only')
const wanted = (only >= 0 ? (process.argv[only + 1] ?? '').split(',') : Object.keys(parts)) as Part[]
const unknown = wanted.filter((name) => !(name in parts))
if (unknown.length > 0) {
  console.error(`bench:scale: no part ${unknown.join(', ')} (parts: ${Object.keys(parts).join(', ')})`)
  process.exit(2)
}
const started = performance.now()
for (const name of wanted) {
  const partStart = performance.now()
  console.log(`\n== ${name}`)
  const figures = await parts[name]({ log: (line: string) => console.log(`  ${line}`) })
  console.log(`  figures: ${JSON.stringify(figures)}`)
  console.log(`  (${((performance.now() - partStart) / 1000).toFixed(0)} s)`)
}
console.log(`\nbench:scale done in ${((performance.now() - started) / 1000).toFixed(0)} s`)
