/**
 * Duck's data folder (`userData`): `DUCK_DATA_DIR` when set, else the per-user folder the headless
 * server uses too (`core/config/paths.ts`), so both open the same database on every OS. Set
 * before anything reads it (the single-instance lock lives there) and created first:
 * `app.setPath` throws for a folder that does not exist.
 */
import { defaultUserDataDir } from '../core/config/paths'

export function userDataDir(env: Record<string, string | undefined>, platform: NodeJS.Platform): string {
  return env.DUCK_DATA_DIR?.trim() || defaultUserDataDir(platform, env)
}

export interface UserDataDeps {
  env: Record<string, string | undefined>
  platform: NodeJS.Platform
  /** Creates the folder and its parents (`mkdirSync(path, { recursive: true })`). */
  mkdir(path: string): void
  setPath(name: 'userData', path: string): void
}

export type UserDataResult = { ok: true; dir: string } | { ok: false; dir: string; message: string }

/** Creates the data folder and makes it `userData`; a failure is a sentence for the error dialog. */
export function applyUserDataDir(deps: UserDataDeps): UserDataResult {
  const dir = userDataDir(deps.env, deps.platform)
  try {
    deps.mkdir(dir)
    deps.setPath('userData', dir)
    return { ok: true, dir }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return { ok: false, dir, message: `Duck cannot use its data folder ${dir}: ${reason}` }
  }
}
