/**
 * `npm test` names every failed test at the end of its log, with the first line of its error,
 * read from the runners' own JSON reports. These tests run the real runners on a small suite
 * with a passing, a failing and a skipped test, and read what they wrote.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nodeCommand } from '../../../scripts/package-bin.mjs'
import { firstLine, playwrightTotals, vitestTotals } from '../../../scripts/test-report.mjs'

const ROOT = process.cwd()
let dir = ''

/** Runs a runner to the end; a failing suite exits non-zero, which is what these tests want. */
function run(command: string, args: string[], env: Record<string, string> = {}): void {
  try {
    execFileSync(command, args, { cwd: dir, env: { ...process.env, ...env, CI: 'true' }, stdio: 'pipe' })
  } catch (error) {
    if ((error as { status?: number }).status === undefined) throw error
  }
}

beforeAll(() => {
  // Inside the checkout, so the fixtures resolve the runners from its node_modules.
  mkdirSync(join(ROOT, 'test-results'), { recursive: true })
  dir = mkdtempSync(join(ROOT, 'test-results', 'report-fixture-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the failed-tests list at the end of npm test', () => {
  it('names a failed vitest test with its file and error, and one whose file crashed before its tests', () => {
    writeFileSync(join(dir, 'vitest.config.mjs'), "export default { test: { include: ['*.fixture.mjs'] } }\n")
    writeFileSync(
      join(dir, 'sums.fixture.mjs'),
      [
        "import { describe, expect, it } from 'vitest'",
        "describe('sums', () => {",
        "  it('adds', () => expect(1 + 1).toBe(2))",
        "  it('carries', () => expect(19 + 1).toBe(21))",
        "  it.skip('later', () => {})",
        '})'
      ].join('\n')
    )
    writeFileSync(join(dir, 'broken.fixture.mjs'), "throw new Error('the module could not load')\n")
    const [command, args] = nodeCommand('vitest', [
      'run',
      '--config',
      'vitest.config.mjs',
      '--reporter=json',
      '--outputFile.json=report.json'
    ])
    run(command, args)

    const totals = vitestTotals(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')), dir)
    expect(totals).toMatchObject({ passed: 1, failed: 1, skipped: 1 })
    expect(totals.failedTests).toHaveLength(2)
    expect(totals.failedTests).toContainEqual(
      expect.stringMatching(/^vitest sums\.fixture\.mjs › sums carries: AssertionError: expected 20 to be 21/)
    )
    expect(totals.failedTests).toContainEqual(
      expect.stringMatching(/^vitest broken\.fixture\.mjs: .*the module could not load/)
    )
  }, 60_000)

  it('names a failed Playwright test with its project, place and error', () => {
    writeFileSync(
      join(dir, 'playwright.config.mjs'),
      "export default { testDir: '.', testMatch: '*.pw.mjs', outputDir: './out', retries: 0, projects: [{ name: 'plain' }] }\n"
    )
    writeFileSync(
      join(dir, 'steps.pw.mjs'),
      [
        "import { expect, test } from '@playwright/test'",
        "test.describe('steps', () => {",
        "  test('walks', () => expect(2).toBe(2))",
        "  test('jumps', () => expect('up').toBe('down'))",
        "  test.skip('flies', () => {})",
        '})'
      ].join('\n')
    )
    const [command, args] = nodeCommand(
      '@playwright/test',
      ['test', '--config', 'playwright.config.mjs', '--reporter=json'],
      { bin: 'playwright' }
    )
    run(command, args, { PLAYWRIGHT_JSON_OUTPUT_NAME: join(dir, 'e2e.json') })

    const totals = playwrightTotals(JSON.parse(readFileSync(join(dir, 'e2e.json'), 'utf8')))
    expect(totals).toMatchObject({ passed: 1, failed: 1, skipped: 1 })
    expect(totals.failedTests).toEqual([
      expect.stringMatching(
        /^playwright \[plain\] steps\.pw\.mjs:4 › steps › jumps: Error: expect\(received\)\.toBe\(expected\)/
      )
    ])
  }, 60_000)

  it('keeps the first line of an error without its colour codes', () => {
    expect(firstLine('\n\u001b[31mError: boom\u001b[39m\n    at here')).toBe('Error: boom')
    expect(firstLine(undefined)).toBe('')
    expect(firstLine('x'.repeat(500))).toHaveLength(300)
  })
})
