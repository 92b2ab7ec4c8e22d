import { it } from 'vitest'
import { readFileSync } from 'node:fs'
import { assessShellCommand } from './shell-policy'
const cmds = readFileSync('/tmp/cmds.txt', 'utf8').split('\n').filter(Boolean)
it('x', async () => {
  const out: string[] = []
  for (const c of cmds) {
    const a = await assessShellCommand(c)
    out.push([JSON.stringify(c).padEnd(40), a.needs_approval ? 'ASK ' : 'ok  ', a.risk_level.padEnd(6), a.action_type.padEnd(15), a.privileged ? 'PRIV' : '', JSON.stringify(a.rule_keys), a.reasons.join(' | ')].join(' '))
  }
  (await import('node:fs')).writeFileSync('/tmp/out.txt', out.join('\n'))
})
