#!/usr/bin/env node
// `npm test`: typecheck, lint, build, unit + integration (vitest), end to end (Playwright: the
// `web` host always; the `electron` host where its binary exists). Ends with one summary line.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { nodeCommand } from './package-bin.mjs'
import { playwrightTotals, vitestTotals } from './test-report.mjs'

const results = join(process.cwd(), 'test-results')
rmSync(results, { recursive: true, force: true })
mkdirSync(results, { recursive: true })
// A package's command as `process.execPath <its JS entry>`: no shell, no node_modules/.bin (a
// POSIX script on Windows).
const tool = (name, args, bin) => nodeCommand(name, args, bin ? { bin } : {})

const failures = []
const failedTests = []
function step(name, command, args, env = {}) {
  process.stdout.write(`\n▶ ${name}\n`)
  const run = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } })
  if (run.status !== 0) failures.push(`${name} (exit ${run.status ?? run.signal})`)
  return run.status === 0
}

step('typecheck', ...tool('typescript', ['-b'], 'tsc'))
step('lint', ...tool('eslint', ['.', '--max-warnings', '0']))
step('format', ...tool('prettier', ['--check', '.']))
const built = step('build', ...tool('electron-vite', ['build']))

// A real llama-server for the integration tests, built from the llama.cpp source node-llama-cpp
// ships and cached outside the checkout (about 9 minutes the first time, then instant).
step('llama-server (built once, then cached)', process.execPath, [join('scripts', 'llama-server.mjs')])

let passed = 0
let failed = 0
let skipped = 0
/** Adds one runner's totals to the summary. */
function count(totals) {
  passed += totals.passed
  failed += totals.failed
  skipped += totals.skipped
  failedTests.push(...totals.failedTests)
}

step(
  'unit and integration tests (vitest)',
  ...tool('vitest', [
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${join(results, 'vitest.json')}`
  ])
)
const vitestFile = join(results, 'vitest.json')
if (existsSync(vitestFile)) {
  count(vitestTotals(JSON.parse(readFileSync(vitestFile, 'utf8')), process.cwd()))
} else {
  failures.push('vitest wrote no report')
}

if (built) {
  step('end-to-end tests (Playwright)', ...tool('@playwright/test', ['test', '--reporter=list,json'], 'playwright'), {
    PLAYWRIGHT_JSON_OUTPUT_NAME: join(results, 'e2e.json')
  })
  const e2eFile = join(results, 'e2e.json')
  if (existsSync(e2eFile)) {
    count(playwrightTotals(JSON.parse(readFileSync(e2eFile, 'utf8'))))
  } else {
    failures.push('Playwright wrote no report')
  }
} else {
  failures.push('end-to-end tests not run: the build failed')
}

if (failedTests.length > 0)
  process.stdout.write(`\nFailed tests:\n${failedTests.map((line) => `  ${line}`).join('\n')}\n`)
if (failures.length > 0) process.stdout.write(`\nFailed steps: ${failures.join(', ')}\n`)
process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`)
process.exit(failures.length > 0 || failed > 0 ? 1 : 0)
