/**
 * What the packaged app is: its name (so the app and the headless server share one data folder)
 * and the Electron fuses electron-builder flips. electron-builder.yml is read with js-yaml, the
 * parser electron-builder itself reads it with.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { APP_NAME, defaultUserDataDir } from '../core/config/paths'
import { applyUserDataDir, userDataDir } from './data-dir'

const ROOT = process.cwd()
const yaml = createRequire(join(ROOT, 'node_modules', 'electron-builder', 'package.json'))('js-yaml') as {
  load(text: string): unknown
}
const builder = yaml.load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>

/**
 * Electron's own rule for userData: `appData` (per OS) joined with the app's name, which is
 * package.json's `productName`, else its `name`.
 */
function electronUserData(platform: NodeJS.Platform, env: Record<string, string | undefined>): string {
  const name = String(manifest.productName ?? manifest.name)
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', name)
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), name)
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), name)
}

describe('the app and the headless server', () => {
  const cases: [NodeJS.Platform, Record<string, string>][] = [
    ['linux', {}],
    ['linux', { XDG_CONFIG_HOME: '/home/u/.cfg' }],
    ['darwin', {}],
    ['win32', { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }]
  ]

  it.each(cases)('use one data folder on %s %j', (platform, env) => {
    expect(userDataDir(env, platform)).toBe(defaultUserDataDir(platform, env))
    // What Electron would pick by itself agrees too (productName "Duck", not the npm name "duck").
    expect(electronUserData(platform, env)).toBe(defaultUserDataDir(platform, env))
  })

  it('are both called Duck: package.json productName and electron-builder.yml agree', () => {
    expect(manifest.productName).toBe(APP_NAME)
    expect(builder.productName).toBe(APP_NAME)
  })

  it('honour DUCK_DATA_DIR alike', () => {
    expect(userDataDir({ DUCK_DATA_DIR: ' /tmp/d ' }, 'linux')).toBe('/tmp/d')
    expect(userDataDir({ DUCK_DATA_DIR: '  ' }, 'linux')).toBe(defaultUserDataDir('linux', {}))
  })
})

describe('the data folder at start-up', () => {
  it('is created before it becomes userData (app.setPath throws for a folder that does not exist)', () => {
    const steps: string[] = []
    const made = new Set<string>()
    const result = applyUserDataDir({
      env: { DUCK_DATA_DIR: '/tmp/new/duck' },
      platform: 'linux',
      mkdir: (path) => void (steps.push(`mkdir ${path}`), made.add(path)),
      setPath: (name, path) => {
        if (!made.has(path)) throw new Error(`Failed to set path`)
        steps.push(`setPath ${name} ${path}`)
      }
    })
    expect(result).toEqual({ ok: true, dir: '/tmp/new/duck' })
    expect(steps).toEqual(['mkdir /tmp/new/duck', 'setPath userData /tmp/new/duck'])
  })

  it('that cannot be made is a sentence for the error dialog, not an exception', () => {
    const result = applyUserDataDir({
      env: { DUCK_DATA_DIR: '/proc/nope' },
      platform: 'linux',
      mkdir: () => {
        throw new Error("EACCES: permission denied, mkdir '/proc/nope'")
      },
      setPath: () => undefined
    })
    expect(result).toEqual({
      ok: false,
      dir: '/proc/nope',
      message: "Duck cannot use its data folder /proc/nope: EACCES: permission denied, mkdir '/proc/nope'"
    })
  })
})

describe('electron-builder.yml', () => {
  const fuses = builder.electronFuses as Record<string, unknown>

  it('flips the Electron fuses: no NODE_OPTIONS or --inspect, the app only from a verified asar', () => {
    expect(fuses).toMatchObject({
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true
    })
    // The asar must carry its integrity hash for the validation fuse to mean anything.
    expect(builder.asar).toBe(true)
    expect(builder.disableAsarIntegrity).not.toBe(true)
  })

  it('the shell itself never starts Electron as Node: the engine is a utility process', () => {
    const dir = join(ROOT, 'src', 'main', 'app')
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      const source = readFileSync(join(dir, file), 'utf8')
      expect(source, file).not.toMatch(/ELECTRON_RUN_AS_NODE|process\.execPath|from 'node:child_process'/)
    }
    expect(readFileSync(join(dir, 'main.ts'), 'utf8')).toContain('utilityEngineProcessFactory')
  })

  it('keeps runAsNode on exactly while node-llama-cpp test-loads its binding in a forked process.execPath', () => {
    // In the engine's utility process, getLlama forks its testBindingBinary.js (Linux: every
    // prebuilt binding; Windows: GPU ones) with child_process.fork, i.e. Electron with
    // ELECTRON_RUN_AS_NODE=1. With the fuse off that child would be a second Duck, the test
    // would fail and the engine would not start. When the probe stops forking, this test asks
    // for the fuse to go off.
    const probe = readFileSync(
      join(ROOT, 'node_modules', 'node-llama-cpp', 'dist', 'bindings', 'utils', 'testBindingBinary.js'),
      'utf8'
    )
    const forksExecPath = /import \{ fork \} from "node:child_process"/.test(probe) && /\bfork\(__filename/.test(probe)
    expect(fuses.runAsNode).toBe(forksExecPath)
  })
})
