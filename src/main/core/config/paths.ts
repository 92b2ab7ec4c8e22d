import { homedir } from 'node:os'
import { join } from 'node:path'

export const APP_NAME = 'Duck'

/**
 * The per-user data folder, the same one Electron's `app.getPath('userData')` gives for an
 * app named Duck, so the headless server and the desktop app share a database by default.
 */
export function defaultUserDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env
): string {
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_NAME)
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME)
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_NAME)
}
