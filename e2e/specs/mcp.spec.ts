/**
 * MCP servers in the window, against the real reference server-filesystem (started as
 * `node <entry>`, never npx): adding one through the form, the consent sheet, its tools and
 * their switches, an approval for one of its tools in a task, and the audit row of that call.
 */
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import type { Locator, Page } from '@playwright/test'
import type { McpServersInfo } from '../../src/shared/mcp'
import { expect, test } from '../fixtures/duck'
import { FILESYSTEM_ENTRY } from '../fixtures/mcp'
import { messagesText, planOnce, thinkAndAnswer } from '../fixtures/model'
import type { HeadlessServer } from '../fixtures/server'

/** The value beside a term of a definition list (the consent sheet's facts). */
function fact(scope: Locator, term: string): Locator {
  return scope.locator('dt', { hasText: new RegExp(`^${term}$`) }).locator('xpath=following-sibling::dd[1]')
}

async function openTools(page: Page): Promise<Locator> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Settings' }).click()
  await page.getByRole('tab', { name: 'Tools' }).click()
  await expect(page.getByRole('tab', { name: 'Tools' })).toHaveAttribute('aria-selected', 'true')
  return page.getByRole('region', { name: 'MCP servers' })
}

/** Serious and critical axe violations, described for the failure message. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze()
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact}: ${v.id} — ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`)
}

/** Another client of the same Duck (a script, another window). */
async function api<T>(server: HeadlessServer | null, method: string, path: string, body?: unknown): Promise<T> {
  if (!server) throw new Error('no headless server')
  const response = await fetch(server.url + path, {
    method,
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  expect(response.ok, `${method} ${path}: ${response.status}`).toBe(true)
  return (await response.json()) as T
}

test('an MCP server: added in a form, confirmed in the consent sheet, its tool approved in a task and audited', async ({
  duckPage: page,
  fakeModel,
  workspace,
  snap
}) => {
  test.setTimeout(120_000)
  const tools = await openTools(page)
  await expect(tools.getByText('No MCP servers yet')).toBeVisible()

  // The form: name, command, arguments (one a line), working folder, a variable.
  await tools.getByRole('button', { name: 'Add server' }).click()
  const form = page.getByRole('form', { name: 'Add an MCP server' })
  await expect(form.getByLabel('Name', { exact: true })).toBeFocused()
  await form.getByLabel('Name', { exact: true }).fill('files')
  await form.getByLabel('Command', { exact: true }).fill(process.execPath)
  await form.getByLabel('Arguments', { exact: true }).fill(`${FILESYSTEM_ENTRY}\n${workspace}`)
  await form.getByLabel(/^Working folder/).fill(workspace)
  await form.getByRole('button', { name: 'Add variable' }).click()
  await form.getByLabel('Name of variable 1').fill('FILES_NOTE_TOKEN')
  await form.getByLabel('Value of variable 1').fill('hunter2-do-not-show')
  await form.getByRole('button', { name: 'Add and review' }).click()

  // The consent sheet shows what the API reports, the variable's name and never its value.
  const sheet = page.getByRole('dialog', { name: 'Start the MCP server “files”?' })
  await expect(sheet).toBeVisible()
  await expect(sheet.getByRole('button', { name: 'Cancel' })).toBeFocused()
  await expect(fact(sheet, 'Command')).toHaveText(process.execPath)
  await expect(fact(sheet, 'Program')).toHaveText(realpathSync(process.execPath))
  await expect(sheet.getByRole('list', { name: 'Arguments' }).getByRole('listitem')).toHaveText([
    FILESYSTEM_ENTRY,
    workspace
  ])
  await expect(fact(sheet, 'Working folder')).toHaveText(workspace)
  await expect(fact(sheet, 'Environment')).toContainText('FILES_NOTE_TOKEN')
  await expect(fact(sheet, 'Sandbox')).toContainText(workspace)
  await expect(sheet).not.toContainText('hunter2')
  await expect(page.locator('body')).not.toContainText('hunter2')
  expect(await seriousViolations(page)).toEqual([])
  await page.screenshot({ path: 'test-results/mcp-consent-sheet.png' })
  await snap('mcp-consent-sheet')
  await sheet.getByRole('button', { name: 'Confirm and start' }).click()
  await expect(sheet).toBeHidden()

  // It starts and lists its tools, each with a switch.
  const card = tools.getByRole('article', { name: 'files' })
  await expect(card.getByText('Ready', { exact: true })).toBeVisible({ timeout: 30_000 })
  await expect(card).toContainText('stdio · sandboxed')
  const list = card.getByRole('list', { name: 'Tools of files' })
  const read = list.getByRole('switch', { name: 'read_text_file', exact: true })
  await expect(read).toBeChecked()
  const count = await list.getByRole('switch').count()
  expect(count).toBeGreaterThan(5)
  await expect(card.getByRole('button', { name: `Tools · ${count} of ${count} on` })).toBeVisible()
  await expect(
    list.getByRole('listitem').filter({ has: page.getByRole('switch', { name: 'read_text_file', exact: true }) })
  ).toContainText('Read-only')

  // A tool off and on again; the choice is saved (it survives a reload).
  const write = list.getByRole('switch', { name: 'write_file', exact: true })
  await write.click()
  await expect(write).not.toBeChecked()
  await expect(card.getByRole('button', { name: `Tools · ${count - 1} of ${count} on` })).toBeVisible()
  await page.reload()
  const again = (await openTools(page)).getByRole('article', { name: 'files' })
  const writeAgain = again.getByRole('switch', { name: 'write_file', exact: true })
  await expect(writeAgain).not.toBeChecked()
  await writeAgain.click()
  await expect(writeAgain).toBeChecked()
  await expect(again.getByRole('button', { name: `Tools · ${count} of ${count} on` })).toBeVisible()

  // Its log is there, collapsed.
  const log = again.getByRole('button', { name: /Show its log/ })
  await expect(log).toHaveAttribute('aria-expanded', 'false')
  expect(await seriousViolations(page)).toEqual([])
  // The whole tab at once: a tall window, from the top.
  await page.setViewportSize({ width: 1280, height: 1600 })
  await page.getByRole('tabpanel').evaluate((el) => el.scrollTo({ top: 0 }))
  await page.screenshot({ path: 'test-results/mcp-tools-settings.png' })
  await snap('mcp-tools-settings')
  await page.setViewportSize({ width: 1280, height: 800 })

  // A task whose planner calls the server's tool: the approval shows server, tool, the JSON
  // arguments and the server's claims; the decision buttons are the usual three.
  const note = join(workspace, 'note.txt')
  planOnce(fakeModel, [
    { tool: 'mcp__files__read_text_file', args: { path: note }, reason: 'The person asked what the note says' }
  ])
  thinkAndAnswer(fakeModel, (body) => ({
    content: messagesText(body).some((t) => t.includes('stream tool content'))
      ? 'The note says **stream tool content**.'
      : 'I could not read the note.'
  }))
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Chat' }).click()
  await page.getByRole('textbox', { name: 'Message Duck' }).fill('What does the note say? Use the files server.')
  await page.keyboard.press('Enter')

  const dialog = page.getByRole('dialog', { name: 'Use read_text_file from the MCP server “files”' })
  await expect(dialog).toBeVisible()
  await expect(dialog.getByRole('button', { name: 'Deny' })).toBeFocused()
  const name = dialog.locator('.mcp-call')
  await expect(fact(name, 'Server')).toHaveText('files')
  await expect(fact(name, 'Tool')).toHaveText('read_text_file')
  await expect(dialog.getByLabel('Arguments')).toHaveText(JSON.stringify({ path: note }, null, 2))
  await expect(dialog.locator('[data-risk]')).toHaveText('Medium risk')
  await expect(dialog).toContainText('MCP tool')
  const claims = dialog.getByRole('region', { name: 'What the server claims about this tool' })
  await expect(claims).toContainText('The server’s claims')
  await expect(claims).toContainText('not checked by Duck')
  await expect(claims).toContainText('Read-only')
  await expect(claims).toContainText('Closed-world')
  await expect(dialog.getByRole('button', { name: 'Always allow' })).toBeVisible()
  await expect(dialog.locator('.approval__rule')).toContainText('of the MCP server "files"')
  expect(await seriousViolations(page)).toEqual([])
  await page.screenshot({ path: 'test-results/mcp-approval.png' })
  await dialog.screenshot({ path: 'test-results/mcp-approval-card.png' })
  await snap('mcp-approval')

  await dialog.getByRole('button', { name: 'Allow once' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.locator('.markdown')).toContainText('The note says stream tool content.')
  const toolCard = page.getByRole('article', { name: 'Tool mcp__files__read_text_file' })
  await expect(toolCard).toHaveAttribute('data-state', 'done')

  // The audit row reads as server › tool, with the decision and the call's outcome and duration.
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Audit' }).click()
  const table = page.getByRole('table', { name: 'Command audit' })
  const row = table.getByRole('row').filter({ hasText: 'read_text_file' })
  await expect(row).toHaveCount(1)
  await expect(row.locator('.audit-mcp')).toHaveText(/files\s*›\s*tool\s*read_text_file/)
  await expect(row).toContainText('note.txt')
  await expect(row).toContainText('MCP tool')
  await expect(row).toContainText('Allowed once')
  await expect(row.getByRole('cell').nth(6)).toHaveText(/^OK · \d+ ms$/)
  // The kind filter tells shell commands and MCP tool calls apart.
  const kind = page.getByRole('group', { name: 'Kind' })
  await kind.getByRole('button', { name: 'Shell commands' }).click()
  await expect(row).toHaveCount(0)
  await kind.getByRole('button', { name: 'Shell commands' }).click()
  await kind.getByRole('button', { name: 'MCP tool calls' }).click()
  await expect(row).toHaveCount(1)
  await page.screenshot({ path: 'test-results/mcp-audit.png' })
  await snap('mcp-audit')
})

test('import from Claude Desktop: each server needs confirming, too many tools warn, a changed command asks again', async ({
  host,
  duckPage: page,
  duckServer,
  workspace,
  snap
}) => {
  test.skip(host === 'electron', 'It changes a server through the headless server’s HTTP API (web host).')
  test.setTimeout(120_000)
  const dir = mkdtempSync(join(tmpdir(), 'duck-claude-'))
  const config = join(dir, 'claude_desktop_config.json')
  const filesA = {
    command: process.execPath,
    args: [FILESYSTEM_ENTRY, workspace],
    cwd: workspace,
    env: { API_TOKEN: 'sk-live-never-shown' }
  }
  writeFileSync(
    config,
    JSON.stringify({
      mcpServers: {
        'Files A': filesA,
        'files-b': { command: process.execPath, args: [FILESYSTEM_ENTRY, workspace], cwd: workspace }
      },
      globalShortcut: 'Ctrl+Space'
    })
  )
  try {
    const tools = await openTools(page)
    await tools.getByRole('button', { name: 'Import from Claude Desktop config' }).click()
    const form = page.getByRole('form', { name: 'Import from Claude Desktop' })
    await form.getByLabel('Config file').fill(config)
    await form.getByRole('button', { name: 'Import' }).click()
    await expect(form.getByRole('status')).toHaveText(
      'Added “files-a”, “files-b”. Each waits for you to confirm its command before it starts.'
    )

    for (const name of ['files-a', 'files-b']) {
      const card = tools.getByRole('article', { name })
      await expect(card.getByText('Needs confirming', { exact: true })).toBeVisible()
      await card.getByRole('button', { name: 'Review and confirm' }).click()
      const sheet = page.getByRole('dialog', { name: `Start the MCP server “${name}”?` })
      if (name === 'files-a') {
        await expect(fact(sheet, 'Environment')).toContainText('API_TOKEN')
        await expect(sheet).not.toContainText('sk-live')
      } else {
        await expect(fact(sheet, 'Environment')).toHaveText('No variables of its own')
      }
      await sheet.getByRole('button', { name: 'Confirm and start' }).click()
      await expect(card.getByText('Ready', { exact: true })).toBeVisible({ timeout: 30_000 })
    }

    // Two filesystem servers put more than about 25 tools in the planner's catalog.
    const info = await api<McpServersInfo>(duckServer, 'GET', '/v1/mcp/servers')
    expect(info.enabled_tools).toBeGreaterThan(25)
    const warning = page.getByTestId('mcp-tools-warning')
    await expect(warning).toContainText(`${info.enabled_tools} MCP tools are on`)
    await page.getByRole('tabpanel').evaluate((el) => el.scrollTo({ top: 0 }))
    await page.screenshot({ path: 'test-results/mcp-tools-warning.png' })
    await snap('mcp-tools-warning')
    const b = tools.getByRole('article', { name: 'files-b' })
    const switches = b.getByRole('switch')
    for (let i = 0; i < info.enabled_tools - 25; i++) {
      const one = switches.nth(i)
      await one.click()
      await expect(one).not.toBeChecked()
    }
    await expect(warning).toBeHidden()

    // Another client changes files-a's arguments: it stops and needs confirming, with the same sheet.
    await api(duckServer, 'PUT', '/v1/mcp/servers/files-a', {
      ...filesA,
      args: [...filesA.args, join(workspace, 'src')]
    })
    await tools.getByRole('button', { name: 'Refresh the servers' }).click()
    const a = tools.getByRole('article', { name: 'files-a' })
    await expect(a.getByText('Needs confirming', { exact: true })).toBeVisible()
    await a.getByRole('button', { name: 'Review and confirm' }).click()
    const sheet = page.getByRole('dialog', { name: 'Start the MCP server “files-a”?' })
    await expect(sheet.getByRole('list', { name: 'Arguments' }).getByRole('listitem')).toHaveText([
      FILESYSTEM_ENTRY,
      workspace,
      join(workspace, 'src')
    ])
    await page.keyboard.press('Escape')
    await expect(sheet).toBeHidden()
    await expect(a.getByText('Needs confirming', { exact: true })).toBeVisible()

    // Remove asks first.
    await b.getByRole('button', { name: 'Remove files-b' }).click()
    const confirm = page.getByRole('dialog', { name: 'Remove “files-b”?' })
    await confirm.getByRole('button', { name: 'Remove' }).click()
    await expect(b).toHaveCount(0)
    const after = await api<McpServersInfo>(duckServer, 'GET', '/v1/mcp/servers')
    expect(after.servers.map((s) => s.name)).toEqual(['files-a'])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
