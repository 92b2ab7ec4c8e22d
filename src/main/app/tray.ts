/** The tray icon and its menu (template in ./menus). */
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions } from 'electron'
import { join } from 'node:path'

export function trayImage(resourcesDir: string, platform: NodeJS.Platform): Electron.NativeImage {
  // macOS: a black template image the menu bar tints; elsewhere a coloured one. The @2x file
  // beside each is picked up for high-density displays.
  const file = platform === 'darwin' ? 'trayTemplate.png' : 'tray.png'
  const image = nativeImage.createFromPath(join(resourcesDir, 'tray', file))
  if (platform === 'darwin') image.setTemplateImage(true)
  return image
}

export class DuckTray {
  private tray: Tray | null = null

  constructor(
    private readonly template: () => MenuItemConstructorOptions[],
    private readonly onClick: () => void
  ) {}

  /** Creates the icon; false where the desktop has no tray (then closing the window quits). */
  create(image: Electron.NativeImage): boolean {
    try {
      this.tray = new Tray(image)
      this.tray.setToolTip('Duck')
      if (process.platform !== 'darwin') this.tray.on('click', () => this.onClick())
      this.refresh()
      return true
    } catch (error) {
      console.error('[duck] the tray icon could not be created:', error)
      this.tray = null
      return false
    }
  }

  get exists(): boolean {
    return this.tray !== null && !this.tray.isDestroyed()
  }

  refresh(): void {
    if (this.exists) this.tray?.setContextMenu(Menu.buildFromTemplate(this.template()))
  }

  /** Clicks a menu item by label (test hooks). */
  click(label: string): boolean {
    const item = this.template().find((i) => i.label === label)
    if (!item?.click || item.enabled === false) return false
    ;(item.click as () => void)()
    return true
  }

  labels(): string[] {
    return this.template()
      .map((i) => i.label ?? '')
      .filter((label) => label !== '')
  }

  destroy(): void {
    if (this.exists) this.tray?.destroy()
    this.tray = null
  }
}
