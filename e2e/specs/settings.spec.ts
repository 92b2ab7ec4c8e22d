import { expect, test } from '../fixtures/duck'
import { MODELS } from '../fixtures/model'

test('Settings: Test connection lists the models; environment-pinned settings are disabled with a note', async ({
  duckPage: page,
  fakeModel,
  snap
}) => {
  fakeModel.setModels(['qwen3-8b', 'llama-3.1-8b-instruct', MODELS.thinker])
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Settings' }).click()

  const url = page.getByLabel('OpenAI-compatible base URL')
  await expect(url).toHaveValue(fakeModel.url)
  await expect(url).toBeDisabled()
  await expect(
    page.getByRole('region', { name: 'Model server' }).getByText('DUCK_MODEL_BASE_URL', { exact: true })
  ).toBeVisible()
  await expect(page.getByLabel(/^Answer/)).toBeDisabled()
  await expect(page.getByLabel(/^Answer/)).toHaveValue(MODELS.thinker)

  await page.getByRole('button', { name: 'Test connection' }).click()
  const models = page.getByRole('list', { name: 'Models on the server' })
  await expect(models).toContainText('qwen3-8b')
  await expect(models).toContainText('llama-3.1-8b-instruct')
  await expect(page.getByText(/answered with 3 models/)).toBeVisible()

  // Behaviour toggles save at once.
  const memory = page.getByRole('switch', { name: /Memory/ })
  await expect(memory).toBeChecked()
  await memory.click()
  await expect(memory).not.toBeChecked()
  await page.reload()
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Settings' }).click()
  await expect(page.getByRole('switch', { name: /Memory/ })).not.toBeChecked()
  await page.getByRole('switch', { name: /Memory/ }).click()
  await expect(page.getByText('No API key is set', { exact: false })).toBeVisible()
  await snap('settings')
})

test.describe('with no model server configured', () => {
  // Nothing in the environment pins the model server, so the window may look for one.
  test.use({
    duckEnv: {
      DUCK_MODEL_BASE_URL: '',
      DUCK_MODEL_ACTION: MODELS.action,
      DUCK_MODEL_THINKER: MODELS.thinker,
      DUCK_MODEL_MEMORY_POLICY: MODELS.memory_policy,
      DUCK_MODEL_CRITIC: MODELS.critic
    }
  })

  test('first run shows "Connect a model", says what it tried, saves nothing, and connects to an address', async ({
    duckPage: page,
    fakeModel,
    snap
  }) => {
    fakeModel.setModels(['local-main'])
    const screen = page.getByRole('region', { name: 'Connect a model' })
    await expect(screen).toBeVisible()
    await expect(screen).toContainText('127.0.0.1:8080')

    await screen.getByRole('button', { name: 'Look for a local server' }).click()
    await expect(screen.locator('.probe')).toHaveCount(4)
    await expect(screen).toContainText(
      'Tried llama.cpp (127.0.0.1:8080), Ollama (127.0.0.1:11434), LM Studio (127.0.0.1:1234), vLLM (127.0.0.1:8000).'
    )
    await expect(screen.getByRole('button', { name: 'Look for a local server' })).toBeEnabled()
    await snap('connect-model-none')

    // Probing saved nothing: the setting is what it was.
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Settings' }).click()
    await expect(page.getByLabel('OpenAI-compatible base URL')).toHaveValue('http://127.0.0.1:8080/v1')
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Chat' }).click()

    await screen.getByLabel("Or enter the server's address").fill(fakeModel.url)
    await screen.getByRole('button', { name: 'Connect' }).click()
    await expect(page.getByRole('heading', { name: 'What should Duck do?' })).toBeVisible()
    await expect(page.getByRole('status')).toContainText('model ready')
  })

  test('each local server is probed through Duck without saving it; "Use this" saves the one picked', async ({
    host,
    duckPage: page,
    fakeModel,
    snap
  }) => {
    test.skip(host === 'electron', 'It watches and steers the HTTP requests of the page (web host).')
    fakeModel.setModels(['local-main'])
    const saved: string[] = []
    const probed: string[] = []
    page.on('request', (request) => {
      const url = new URL(request.url())
      if (request.method() === 'PUT' && url.pathname === '/v1/settings') saved.push(request.postData() ?? '')
      if (request.method() === 'GET' && url.pathname === '/v1/models' && url.searchParams.has('base_url'))
        probed.push(url.searchParams.get('base_url') ?? '')
    })
    // Stand-in for an LM Studio on this machine: its probe goes to the fake model server (the
    // request still goes through Duck, which asks that server).
    const lmStudio = 'http://127.0.0.1:1234/v1'
    await page.route(/\/v1\/models\?/, async (route) => {
      const url = new URL(route.request().url())
      if (url.searchParams.get('base_url') !== lmStudio) return route.continue()
      url.searchParams.set('base_url', fakeModel.url)
      return route.continue({ url: url.toString() })
    })

    const screen = page.getByRole('region', { name: 'Connect a model' })
    await screen.getByRole('button', { name: 'Look for a local server' }).click()
    await expect(screen.locator('.probe')).toHaveCount(4)
    await expect(screen.getByRole('button', { name: 'Look for a local server' })).toBeEnabled()
    const found = screen.locator('.probe--ok')
    await expect(found).toHaveCount(1)
    await expect(found).toContainText('LM Studio')
    await expect(found).toContainText('1 model')
    await snap('connect-model')

    // Each candidate was asked through Duck; none was saved.
    expect(probed).toEqual([
      'http://127.0.0.1:8080/v1',
      'http://127.0.0.1:11434/v1',
      'http://127.0.0.1:1234/v1',
      'http://127.0.0.1:8000/v1'
    ])
    expect(saved).toEqual([])
    await expect(screen).toContainText('It could not reach 127.0.0.1:8080.')

    // "Use this" saves that one server, and only it.
    await found.getByRole('button', { name: 'Use this' }).click()
    await expect.poll(() => saved.length).toBe(1)
    expect(JSON.parse(saved[0] as string)).toEqual({ model_base_url: lmStudio })
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Settings' }).click()
    await expect(page.getByLabel('OpenAI-compatible base URL')).toHaveValue(lmStudio)
  })
})
