export interface RunnerTotals {
  passed: number
  failed: number
  skipped: number
  /** `<runner> <file> › <test>: <first line of its error>`, one per failed test. */
  failedTests: string[]
}
export function firstLine(text: unknown): string
export function vitestTotals(report: unknown, root: string): RunnerTotals
export function playwrightTotals(report: unknown): RunnerTotals
