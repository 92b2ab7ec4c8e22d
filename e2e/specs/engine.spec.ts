/**
 * The built-in engine end to end (web host): the catalog with its fit, a real download from a
 * local file server (throttled, with Range, so it can be watched, paused and resumed), the
 * installed model chosen for the roles, and a chat answered by a tiny generated GGUF. The tiny
 * model's words are random: only the protocol is asserted, never the words.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Locator, Page } from '@playwright/test'
import { serveModelFile, type ModelFileServer } from '../../test/support/model-file-server'
import { tinyModelPath } from '../../test/support/tiny-models'
import { expect, test as base } from '../fixtures/duck'

/** A catalog with the tiny model (real size and checksum) and one far too big, unverified entry. */
function writeCatalog(dir: string, file: ModelFileServer): string {
  const path = join(dir, 'catalog.json')
  const entry = {
    family: 'Tiny',
    parameters: '0.1M',
    quantization: 'F32',
    context_length: 4096,
    license: 'MIT',
    architecture: null,
    notes: ''
  }
  writeFileSync(
    path,
    JSON.stringify({
      version: 1,
      models: [
        {
          ...entry,
          id: 'tiny-plain',
          name: 'Tiny Plain',
          parameter_count: 100_000,
          file_name: 'tiny-plain.gguf',
          size_bytes: file.size,
          url: file.url,
          sha256: file.sha256,
          thinks: false,
          recommended_for: ['planner', 'answer'],
          notes: 'A generated test model: random words, real protocol.',
          unverified: []
        },
        {
          ...entry,
          id: 'giant-test',
          name: 'Giant Test',
          parameters: '400B',
          parameter_count: 400_000_000_000,
          quantization: 'Q8_0',
          file_name: 'giant-test.gguf',
          size_bytes: 420_000_000_000,
          url: 'http://127.0.0.1:9/giant-test.gguf',
          sha256: null,
          context_length: 131072,
          thinks: true,
          recommended_for: [],
          unverified: ['size_bytes', 'sha256']
        }
      ]
    })
  )
  return path
}

const UNSET = [
  'DUCK_MODEL_BASE_URL',
  'DUCK_ENGINE',
  'DUCK_ENGINE_MODEL',
  'DUCK_MODEL',
  'DUCK_MODEL_ACTION',
  'DUCK_MODEL_THINKER',
  'DUCK_MODEL_MEMORY_POLICY',
  'DUCK_MODEL_CRITIC'
]

const test = base.extend<{ downloadSeconds: number; modelFile: ModelFileServer; engineDir: string }>({
  downloadSeconds: [8, { option: true }],
  modelFile: async ({ downloadSeconds }, use) => {
    const file = await serveModelFile(await tinyModelPath('plain'), { seconds: downloadSeconds })
    await use(file)
    await file.close()
  },
  engineDir: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'duck-engine-'))
    await use(dir)
    rmSync(dir, { recursive: true, force: true })
  },
  // No model server and no engine in the environment: Settings decide.
  duckEnv: async ({ modelFile, engineDir }, use) => {
    await use({
      DUCK_MODEL_CATALOG: writeCatalog(engineDir, modelFile),
      DUCK_MODELS_DIR: join(engineDir, 'models')
    })
  },
  duckUnsetEnv: UNSET
})

test.skip(({ host }) => host !== 'web', 'The web host runs the built-in engine spec (headless server).')
test.setTimeout(180_000)

async function openSettings(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Settings' }).click()
  await expect(page.getByRole('main', { name: 'Settings' })).toBeVisible()
}

async function progressOf(bar: Locator): Promise<number> {
  return Number((await bar.getAttribute('aria-valuenow')) ?? '-1')
}

/** Sends a message and waits for the assistant's answer to complete, with its stats. */
async function chatWorks(page: Page): Promise<void> {
  const composer = page.getByRole('textbox', { name: 'Message Duck' })
  await expect(composer).toBeEnabled()
  await composer.fill('Say hello')
  await composer.press('Enter')
  const answer = page.locator('.message--assistant').last()
  await expect(answer).toHaveAttribute('data-status', 'completed', { timeout: 120_000 })
  await expect(answer.locator('.markdown')).not.toBeEmpty()
  await expect(answer.locator('.stats-line')).toHaveText(/\d+ tokens?/)
}

test('Settings → Built-in: catalog with fit, a live download paused and resumed, roles chosen, a chat answered', async ({
  duckPage: page,
  modelFile,
  snap
}) => {
  await openSettings(page)
  const main = page.getByRole('main', { name: 'Settings' })
  // A server is the engine until Built-in is chosen; its sections show.
  await expect(main.getByLabel('OpenAI-compatible base URL')).toBeVisible()
  await main.getByRole('radio', { name: 'Built-in (llama.cpp)' }).check()
  await expect(main.getByLabel('OpenAI-compatible base URL')).toHaveCount(0)

  // The catalog, each entry with its fit in words.
  const catalog = main.getByRole('list', { name: 'Model catalog' })
  const tiny = catalog.getByRole('listitem', { name: 'Tiny Plain' })
  const giant = catalog.getByRole('listitem', { name: 'Giant Test' })
  await expect(tiny).toBeVisible()
  await expect(tiny.locator('[data-tier]')).toHaveText(/^(Fits|Tight|Too big)$/)
  await expect(tiny.locator('[data-tier]')).toHaveText('Fits')
  await expect(tiny).toContainText(/Expected speed: (fast|usable|slow)/)
  await expect(giant.locator('[data-tier]')).toHaveText('Too big')
  await expect(giant).toContainText('size not verified · checksum not verified')
  await expect(giant).toContainText('Thinks')
  await expect(main.getByText(/^This computer: .* memory/)).toBeVisible()
  await expect(main.getByRole('list', { name: 'Installed models' })).toHaveCount(0)
  await snap('engine-catalog')

  // Download: the live bar advances.
  await tiny.getByRole('button', { name: 'Download Tiny Plain' }).click()
  const row = main.getByRole('list', { name: 'Downloads' }).getByRole('listitem', { name: 'Download of Tiny Plain' })
  const bar = row.getByRole('progressbar', { name: 'Downloading Tiny Plain' })
  await expect(row).toHaveAttribute('data-state', 'downloading')
  await expect.poll(() => progressOf(bar), { timeout: 15_000 }).toBeGreaterThan(0)
  const early = await progressOf(bar)
  await expect.poll(() => progressOf(bar), { timeout: 15_000 }).toBeGreaterThan(early)
  await expect(row).toContainText(/of .* · \d+% · .*\/s/)
  await expect(tiny).toContainText(/Downloading/)
  await snap('engine-downloading')

  // Pause: it stays where it was.
  await row.getByRole('button', { name: 'Pause' }).click()
  await expect(row).toHaveAttribute('data-state', 'paused')
  await expect(row).toContainText('Paused · ')
  const paused = await progressOf(bar)
  expect(paused).toBeLessThan(100)
  await page.waitForTimeout(1500)
  expect(await progressOf(bar)).toBe(paused)
  await expect(row.getByRole('button', { name: 'Resume' })).toBeVisible()
  await snap('engine-paused')

  // Resume: it goes on from there (a Range request) and completes into Installed models.
  await row.getByRole('button', { name: 'Resume' }).click()
  await expect(row.getByRole('button', { name: 'Pause' })).toBeVisible()
  const installed = main.getByRole('list', { name: 'Installed models' })
  await expect(installed.getByRole('listitem', { name: 'Tiny Plain' })).toBeVisible({ timeout: 60_000 })
  await expect(row).toHaveCount(0)
  await expect(tiny).toContainText('Installed')
  expect(modelFile.ranges.length).toBeGreaterThanOrEqual(2)
  expect(modelFile.ranges.slice(1).some((r) => r !== null && /^bytes=[1-9]\d*-/.test(r))).toBe(true)
  await expect(installed.getByRole('listitem', { name: 'Tiny Plain' })).toContainText(/\d+(\.\d)? (kB|MB) · /)

  // Choose it for the planner and the answer.
  const planner = main.getByLabel(/^Planner —/)
  const modelId = await planner.locator('option', { hasText: 'Tiny Plain' }).getAttribute('value')
  expect(modelId).toBeTruthy()
  await planner.selectOption(modelId as string)
  await expect(planner).toHaveValue(modelId as string)
  await main.getByLabel(/^Answer —/).selectOption(modelId as string)
  await expect(main.getByLabel(/^Answer —/)).toHaveValue(modelId as string)
  await expect(installed.getByRole('listitem', { name: 'Tiny Plain' })).toContainText(
    'Used for Planner, Answer, Memory, Reflection'
  )
  await expect(page.getByRole('status').filter({ hasText: 'Built-in engine' })).toContainText('model ready')
  // The per-role disclosure shows the four roles.
  await main.getByRole('button', { name: 'Advanced: per role' }).click()
  await expect(main.getByLabel(/^Reflection \(critic\)/)).toHaveValue(modelId as string)
  await expect(main.getByRole('group', { name: 'What Duck found out about the model' })).toContainText(
    'Built-in engine'
  )
  await snap('engine-installed')

  // Chat: an answer streams and completes, with stats.
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Chat' }).click()
  await chatWorks(page)
  await snap('engine-chat')

  // The capability card now knows more about the model.
  await openSettings(page)
  const card = main.getByRole('group', { name: 'What Duck found out about the model' })
  await expect(card).toContainText(/Built-in engine: (Ready|Not loaded yet)/)
  await expect(card).toContainText('Structured output')
  await snap('engine-capabilities')
})

test.describe('first run', () => {
  test.use({ downloadSeconds: 3 })

  test('"Connect a model" offers the built-in engine: one click downloads the recommended model and chat works', async ({
    duckPage: page,
    snap
  }) => {
    const screen = page.getByRole('region', { name: 'Connect a model' })
    await expect(screen).toBeVisible()
    const offer = screen.getByRole('group', { name: 'Use the built-in engine' })
    await expect(offer.getByLabel('Recommended model Tiny Plain')).toContainText('Fits')
    // The local-server probing is still there.
    await expect(screen.getByRole('button', { name: 'Look for a local server' })).toBeVisible()
    await snap('engine-first-run')

    await offer.getByRole('button', { name: /Download and use/ }).click()
    await expect(offer.getByRole('progressbar', { name: 'Downloading Tiny Plain' })).toBeVisible()
    await snap('engine-first-run-downloading')
    // Once installed it is used for every role and the chat opens.
    await expect(page.getByRole('heading', { name: 'What should Duck do?' })).toBeVisible({ timeout: 60_000 })
    await expect(page.getByRole('button', { name: /Model Tiny Plain \(built-in engine\)/ })).toBeVisible()
    await chatWorks(page)
    await snap('engine-first-run-chat')
  })
})
