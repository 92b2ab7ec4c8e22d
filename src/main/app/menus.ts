/**
 * The app menu and the tray menu as plain templates (Menu.buildFromTemplate takes them in
 * main.ts), so the tests can read them without Electron.
 */
import type { MenuItemConstructorOptions } from 'electron'

export interface MenuActions {
  newChat(): void
  quickAsk(): void
  openLogs(): void
}

export interface MenuFacts {
  isMac: boolean
  isDev: boolean
  /** The quick-ask global shortcut, shown beside the item (the OS delivers it, not the menu). */
  quickAskAccelerator: string
  quickAskPaused: boolean
}

export function appMenuTemplate(facts: MenuFacts, actions: MenuActions): MenuItemConstructorOptions[] {
  const template: MenuItemConstructorOptions[] = []
  if (facts.isMac) {
    template.push({
      label: 'Duck',
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' }
      ]
    })
  }
  template.push({
    label: 'File',
    submenu: [
      { label: 'New Chat', accelerator: 'CommandOrControl+N', click: () => actions.newChat() },
      {
        label: 'Quick Ask',
        accelerator: facts.quickAskAccelerator,
        registerAccelerator: false,
        enabled: !facts.quickAskPaused,
        click: () => actions.quickAsk()
      },
      { type: 'separator' },
      facts.isMac ? { role: 'close' } : { role: 'quit' }
    ]
  })
  template.push({
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      ...(facts.isMac ? [{ role: 'pasteAndMatchStyle' } as const] : []),
      { role: 'delete' },
      { type: 'separator' },
      { role: 'selectAll' }
    ]
  })
  template.push({
    label: 'View',
    submenu: [
      ...(facts.isDev
        ? ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as const)
        : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' }
    ]
  })
  template.push({
    label: 'Window',
    submenu: facts.isMac
      ? [{ role: 'minimize' }, { role: 'zoom' }, { type: 'separator' }, { role: 'front' }]
      : [{ role: 'minimize' }, { role: 'close' }]
  })
  template.push({
    role: 'help',
    submenu: [{ label: 'Open Logs Folder', click: () => actions.openLogs() }]
  })
  return template
}

export interface TrayActions {
  quickAsk(): void
  openDuck(): void
  setPaused(paused: boolean): void
  quit(): void
}

export function trayMenuTemplate(
  facts: { paused: boolean; quickAskAccelerator: string },
  actions: TrayActions
): MenuItemConstructorOptions[] {
  return [
    {
      label: 'Quick Ask',
      accelerator: facts.quickAskAccelerator,
      registerAccelerator: false,
      enabled: !facts.paused,
      click: () => actions.quickAsk()
    },
    { label: 'Open Duck', click: () => actions.openDuck() },
    { type: 'separator' },
    facts.paused
      ? { label: 'Resume Quick Ask', click: () => actions.setPaused(false) }
      : { label: 'Pause Quick Ask', click: () => actions.setPaused(true) },
    { type: 'separator' },
    { label: 'Quit Duck', click: () => actions.quit() }
  ]
}
