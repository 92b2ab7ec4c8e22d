import { defineConfig } from '@playwright/test'
import { CHROMIUM_ARGS, SYSTEM_CHROMIUM } from './e2e/fixtures/paths'

export default defineConfig({
  testDir: './e2e/specs',
  outputDir: './test-results',
  fullyParallel: false,
  workers: process.env.CI ? 1 : 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list'], ['json', { outputFile: 'test-results/e2e.json' }]] : [['list']],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure'
  },
  projects: [
    {
      name: 'web',
      use: {
        browserName: 'chromium',
        viewport: { width: 1280, height: 800 },
        launchOptions: {
          ...(SYSTEM_CHROMIUM ? { executablePath: SYSTEM_CHROMIUM } : {}),
          args: CHROMIUM_ARGS
        }
      },
      metadata: { host: 'web' }
    },
    {
      name: 'electron',
      metadata: { host: 'electron' }
    }
  ]
})
