/**
 * A large, realistic audit built directly in SQLite (one transaction, one prepared statement):
 * mostly harmless reads, a few risky or privileged commands, some MCP calls, 20 workspaces, a
 * task per 5 rows, and rows that share a millisecond (so paging must break ties).
 */
import type { Db } from '../../src/main/core/store/database'

const RISKS = ['none', 'none', 'none', 'none', 'none', 'low', 'low', 'low', 'medium', 'high'] as const
const DECISIONS = ['auto_allowed', 'allowed_once', 'allowed_always', 'denied', 'pending'] as const
/** Out of 1,000: 850 auto, 80 once, 40 always, 25 denied, 5 pending. */
const DECISION_WEIGHTS = [850, 80, 40, 25, 5]

export const WORKSPACES = Array.from({ length: 20 }, (_, i) => `/home/me/projects/site-${i}`)
/** One row in 100,000 ran this (a rare word to search for). */
export const RARE_COMMAND = 'kubectl rollout restart deployment/payments-eu7'
export const START = Date.UTC(2024, 0, 1)

/** A deterministic pseudo-random sequence (mulberry32), so every run builds the same log. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function command(i: number, r: number): { command: string; tool: string | null; action: string } {
  if (i % 100_000 === 77) return { command: RARE_COMMAND, tool: null, action: 'network' }
  const n = Math.floor(r * 5000)
  switch (i % 12) {
    case 0:
      return { command: 'git status', tool: null, action: 'file_read' }
    case 1:
      return { command: `ls -la src/module-${n}`, tool: null, action: 'file_read' }
    case 2:
      return { command: `npm test -- tests/unit-${n}.test.ts`, tool: null, action: 'process' }
    case 3:
      return { command: `cat notes/day-${n}.md`, tool: null, action: 'file_read' }
    case 4:
      return { command: `rg -n "TODO" src/feature-${n}`, tool: null, action: 'file_read' }
    case 5:
      return { command: `rm -rf build/cache-${n}`, tool: null, action: 'file_write' }
    case 6:
      return { command: `git commit -m "fix issue ${n}"`, tool: null, action: 'file_write' }
    case 7:
      return { command: `sudo apt-get install -y libfoo${n}`, tool: null, action: 'privileged' }
    case 8:
      return {
        command: `mcp__files__read_file {"path":"docs/page-${n}.md"}`,
        tool: 'mcp__files__read_file',
        action: 'mcp'
      }
    case 9:
      return { command: `python3 scripts/report_${n}.py --out out/${n}.csv`, tool: null, action: 'process' }
    case 10:
      return { command: `curl -sS https://api.example.com/v2/items/${n}`, tool: null, action: 'network' }
    default:
      return { command: `find . -name "*.log" -mtime +${n % 30}`, tool: null, action: 'file_read' }
  }
}

/** Appends `count` audit rows, oldest first, about 15 s apart (every 10th in the previous row's millisecond). */
export function fillAudit(db: Db, count: number): { newest: string; oldest: string } {
  const next = random(14)
  const insert = db.prepare(
    `INSERT INTO command_audit (id, task_id, conversation_id, workspace, command, risk_level, action_type, approved,
       decision, exit_code, sandbox, tool, is_error, duration_ms, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
  )
  let at = START
  let first = ''
  let last = ''
  // The search index is filled in one pass after the rows (FTS5's 'rebuild'), several times
  // faster than its per-row trigger; the trigger is put back as it was, in the same transaction.
  const trigger = db
    .prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'command_audit_fts_insert'")
    .get() as { sql: string } | undefined
  db.transaction(() => {
    if (trigger) db.exec('DROP TRIGGER command_audit_fts_insert')
    for (let i = 0; i < count; i++) {
      if (i % 10 !== 9) at += 1 + Math.floor(next() * 30_000)
      const iso = new Date(at).toISOString()
      if (i === 0) first = iso
      last = iso
      const c = command(i, next())
      let pick = Math.floor(next() * 1000)
      let d = 0
      while (pick >= (DECISION_WEIGHTS[d] as number)) pick -= DECISION_WEIGHTS[d++] as number
      const decision = DECISIONS[d] as string
      const risk = c.action === 'privileged' ? 'high' : (RISKS[Math.floor(next() * RISKS.length)] as string)
      const task = Math.floor(i / 5)
      insert.run(
        `audit_${i.toString(36).padStart(8, '0')}`,
        `task_${task}`,
        `conv_${Math.floor(task / 4)}`,
        WORKSPACES[task % WORKSPACES.length],
        c.command,
        risk,
        c.action,
        decision === 'allowed_once' || decision === 'allowed_always' ? 1 : 0,
        decision,
        decision === 'denied' || decision === 'pending' ? null : next() < 0.9 ? 0 : 1,
        c.tool ? null : 'workspace_write',
        c.tool,
        c.tool ? 0 : null,
        c.tool ? Math.floor(next() * 400) : null,
        iso,
        iso
      )
    }
    if (trigger) {
      db.exec("INSERT INTO command_audit_fts (command_audit_fts) VALUES ('rebuild')")
      db.exec(trigger.sql)
    }
  })()
  return { newest: last, oldest: first }
}
