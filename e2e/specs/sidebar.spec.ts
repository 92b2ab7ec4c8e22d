import { expect, test } from '../fixtures/duck'
import { planNothing, thinkAndAnswer } from '../fixtures/model'

test('conversations: newest first under Today, search, rename, delete', async ({ duckPage: page, fakeModel, snap }) => {
  planNothing(fakeModel)
  thinkAndAnswer(fakeModel, { content: 'Answered.' })
  const composer = page.getByRole('textbox', { name: 'Message Duck' })
  for (const text of ['First question about apples', 'Second question about pears']) {
    await page.getByRole('button', { name: 'New chat' }).click()
    await composer.fill(text)
    await composer.press('Enter')
    await expect(page.locator('.message--assistant').last()).toHaveAttribute('data-status', 'completed')
  }
  const list = page.getByRole('region', { name: 'Conversations' })
  const today = list.getByRole('region', { name: 'Today' })
  await expect(today.locator('.conv__title')).toHaveText(['Second question about pears', 'First question about apples'])

  await page.getByRole('searchbox', { name: 'Search conversations' }).fill('apples')
  await expect(list.locator('.conv__title')).toHaveText(['First question about apples'])
  await page.getByRole('searchbox', { name: 'Search conversations' }).fill('')
  await expect(list.locator('.conv__title')).toHaveCount(2)

  await list.getByRole('button', { name: 'Rename First question about apples' }).click()
  const title = list.getByRole('textbox', { name: 'Conversation title' })
  await title.fill('Apples')
  await title.press('Enter')
  await expect(list.locator('.conv__title')).toContainText(['Apples'])
  await snap('sidebar')

  await list.getByRole('button', { name: 'Delete Apples' }).click()
  const confirm = page.getByRole('dialog', { name: 'Delete this conversation?' })
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused()
  await confirm.getByRole('button', { name: 'Delete' }).click()
  await expect(list.locator('.conv__title')).toHaveText(['Second question about pears'])
})

test('the workspace picker validates the path and remembers it', async ({ duckPage: page, workspace }) => {
  await page.getByRole('button', { name: 'Change' }).click()
  const dialog = page.getByRole('dialog', { name: 'Workspace folder' })
  const field = dialog.getByLabel('Folder path')
  await field.fill('relative/path')
  await dialog.getByRole('button', { name: 'Use this folder' }).click()
  await expect(dialog.getByText('Use a full path')).toBeVisible()
  await field.fill(`${workspace}/src`)
  await dialog.getByRole('button', { name: 'Use this folder' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.getByLabel(`Workspace ${workspace}/src`)).toBeVisible()
  await page.reload()
  await expect(page.getByLabel(`Workspace ${workspace}/src`)).toBeVisible()
})
