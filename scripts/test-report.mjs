// What `npm test` reads from each runner's JSON report: the counts for its summary line, and each
// failed test by name with the first line of its error, so that the end of a CI log says which
// tests failed and not only how many.
import { relative } from 'node:path'
import { stripVTControlCharacters } from 'node:util'

/** The first non-empty line of an error message, without colour codes, at most 300 characters. */
export function firstLine(text) {
  const line = stripVTControlCharacters(String(text ?? ''))
    .split('\n')
    .find((candidate) => candidate.trim() !== '')
  return (line ?? '').trim().slice(0, 300)
}

/** A vitest `--reporter=json` report. Paths are shown relative to `root`. */
export function vitestTotals(report, root) {
  const failedTests = []
  for (const file of report.testResults ?? []) {
    const where = relative(root, file.name ?? '')
    const tests = file.assertionResults ?? []
    for (const test of tests) {
      if (test.status === 'failed') {
        failedTests.push(`vitest ${where} › ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`)
      }
    }
    // A file that failed before any of its tests ran (an import error, a crash) lists none.
    if (file.status === 'failed' && !tests.some((test) => test.status === 'failed')) {
      failedTests.push(`vitest ${where}: ${firstLine(file.message) || 'the file failed outside its tests'}`)
    }
  }
  return {
    passed: report.numPassedTests ?? 0,
    failed: report.numFailedTests ?? 0,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    failedTests
  }
}

/** A Playwright `--reporter=json` report. A flaky test (failed, then passed on retry) counts as failed. */
export function playwrightTotals(report) {
  const stats = report.stats ?? {}
  const failedTests = []
  const visit = (suite, titles) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status !== 'unexpected' && test.status !== 'flaky') continue
        const error = (test.results ?? []).find((result) => result.error)?.error
        const name = [...titles, spec.title].join(' › ')
        const flaky = test.status === 'flaky' ? ' (flaky)' : ''
        failedTests.push(
          `playwright [${test.projectName}] ${spec.file}:${spec.line} › ${name}${flaky}: ${firstLine(error?.message)}`
        )
      }
    }
    // A file's suite is titled with its path, which the spec's location already says.
    for (const child of suite.suites ?? []) visit(child, [...titles, child.title])
  }
  for (const fileSuite of report.suites ?? []) visit(fileSuite, [])
  return {
    passed: stats.expected ?? 0,
    failed: (stats.unexpected ?? 0) + (stats.flaky ?? 0),
    skipped: stats.skipped ?? 0,
    failedTests
  }
}
