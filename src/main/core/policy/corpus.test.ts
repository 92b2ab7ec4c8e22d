/**
 * The measured figures of docs/security.md ("The command policy"): every hostile case of the
 * five classes of issue 11 must ask, and the plainly read-only commands of the benign corpus
 * must run without asking, in a fixture workspace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assessShellCommand, POLICY_RUN_ENV } from './shell-policy'
import type { Fixture } from './test-corpus'
import { BENIGN, HOSTILE, makeFixture, NOW_AUTO_RUN } from './test-corpus'

let fx: Fixture

beforeAll(() => {
  fx = makeFixture()
})

afterAll(() => {
  fx.remove()
})

describe('the hostile corpus', () => {
  it('has at least 40 cases per class and 200 in all', () => {
    for (const [name, cases] of Object.entries(HOSTILE)) {
      expect(cases.length, name).toBeGreaterThanOrEqual(40)
      expect(new Set(cases).size, `${name} has duplicates`).toBe(cases.length)
    }
    expect(Object.values(HOSTILE).flat().length).toBeGreaterThanOrEqual(200)
  })

  for (const [name, cases] of Object.entries(HOSTILE)) {
    it(`${name}: every case asks (${cases.length})`, async () => {
      const ran: string[] = []
      for (const command of cases) {
        const a = await assessShellCommand(command, undefined, fx.ws)
        if (!a.needs_approval) ran.push(command)
        else {
          expect(a.reasons.length, JSON.stringify(command)).toBeGreaterThan(0)
          expect(a.run_env, JSON.stringify(command)).toBeUndefined()
        }
      }
      expect(ran).toEqual([])
    })
  }
})

describe('the benign corpus', () => {
  it('has at least 150 plainly read-only commands', () => {
    expect(BENIGN.length).toBeGreaterThanOrEqual(150)
    expect(new Set(BENIGN).size).toBe(BENIGN.length)
  })

  it('runs without asking, with the forced environment', async () => {
    const asked: string[] = []
    for (const command of BENIGN) {
      const a = await assessShellCommand(command, undefined, fx.ws)
      if (a.needs_approval) asked.push(`${command}: ${a.reasons.join('; ')}`)
      else expect(a.run_env).toBe(POLICY_RUN_ENV)
    }
    const ran = BENIGN.length - asked.length
    const hostile = Object.values(HOSTILE).flat().length
    console.log(
      `command policy corpus: hostile cases gated ${hostile}/${hostile}; benign cases auto-run ${ran}/${BENIGN.length} (${((100 * ran) / BENIGN.length).toFixed(1)}%)`
    )
    expect(asked).toEqual([])
  })

  it.each(NOW_AUTO_RUN)('%s runs without asking (it asked before issue 11)', async (command) => {
    const a = await assessShellCommand(command, undefined, fx.ws)
    expect(a.needs_approval).toBe(false)
    expect(a.reasons).toEqual([])
  })
})
