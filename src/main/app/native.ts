/**
 * better-sqlite3 is compiled against one runtime's ABI. `npm install` builds it for Node (tests,
 * headless server); the app needs a build for Electron, which lives apart so both coexist:
 *   - `DUCK_SQLITE_BINDING`, when set and not packaged (scripts/start.mjs, scripts/dev.mjs and
 *     the e2e fixture set it); a packaged app ignores it, or any .node file could be loaded into it;
 *   - packaged: `<resources>/native/better_sqlite3.node` (electron-builder's extraResources);
 *   - from a checkout: `node_modules/.duck-electron/<electron version>/better_sqlite3.node`
 *     (built once by scripts/electron-binding.mjs).
 * Undefined means better-sqlite3's own lookup.
 */
import { join } from 'node:path'

export const SQLITE_BINDING_FILE = 'better_sqlite3.node'

export interface BindingFacts {
  env: Record<string, string | undefined>
  isPackaged: boolean
  resourcesPath: string
  appPath: string
  electronVersion: string
  exists(path: string): boolean
}

export function resolveSqliteBinding(facts: BindingFacts): string | undefined {
  const fromEnv = facts.isPackaged ? undefined : facts.env.DUCK_SQLITE_BINDING?.trim()
  if (fromEnv) return fromEnv
  const candidate = facts.isPackaged
    ? join(facts.resourcesPath, 'native', SQLITE_BINDING_FILE)
    : join(facts.appPath, 'node_modules', '.duck-electron', facts.electronVersion, SQLITE_BINDING_FILE)
  return facts.exists(candidate) ? candidate : undefined
}
