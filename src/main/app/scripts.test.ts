/**
 * The launch scripts (`npm start`, `npm run dev`, `npm test`, the Electron build of
 * better-sqlite3) run every tool as `process.execPath <its JS entry>`: node_modules/.bin holds
 * POSIX shell scripts on Windows, and a shell would split an unquoted `C:\Program Files\…` path.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ensureElectronBinding, nodeGypCommand, prepareElectron } from '../../../scripts/electron-binding.mjs'
import { main as dev } from '../../../scripts/dev.mjs'
import { nodeCommand, packageBin, packageDir } from '../../../scripts/package-bin.mjs'
import { main as start } from '../../../scripts/start.mjs'
import { MAIN_PROCESS_V8_FLAGS } from '../../../scripts/v8-flags.mjs'

const ROOT = process.cwd()
const WINDOWS_NODE = 'C:\\Program Files\\nodejs\\node.exe'
const temps: string[] = []
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A checkout with one fake package in node_modules. */
function fakeCheckout(name: string, manifest: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), 'duck-scripts-'))
  temps.push(root)
  const dir = join(root, 'node_modules', ...name.split('/'))
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, ...manifest }))
  return root
}

describe('packageBin', () => {
  it('resolves a command from the package.json "bin" field, in its object and its string form', () => {
    expect(packageBin('electron-vite')).toBe(join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'))
    expect(packageBin('typescript', { bin: 'tsc' })).toBe(join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'))
    expect(packageBin('prettier')).toBe(join(ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs'))
    expect(packageBin('@playwright/test', { bin: 'playwright' })).toBe(
      join(ROOT, 'node_modules', '@playwright', 'test', 'cli.js')
    )
  })

  it('finds packages in the parent folders, as Node does', () => {
    const root = fakeCheckout('@scope/tool', { bin: { only: './run.js' } })
    const nested = join(root, 'packages', 'app')
    mkdirSync(nested, { recursive: true })
    expect(packageDir('@scope/tool', nested)).toBe(join(root, 'node_modules', '@scope', 'tool'))
    // The only command of a package is its default.
    expect(packageBin('@scope/tool', { from: nested })).toBe(join(root, 'node_modules', '@scope', 'tool', 'run.js'))
  })

  it('names what is missing', () => {
    const root = fakeCheckout('two', { bin: { a: 'a.js', b: 'b.js' } })
    expect(() => packageBin('two', { from: root })).toThrow(/no "two" command/)
    expect(() => packageBin('two', { from: root, bin: 'c' })).toThrow(/no "c" command/)
    expect(() => packageBin('not-installed-anywhere', { from: root })).toThrow(/not installed/)
  })

  it('nodeCommand runs the entry with this Node, the arguments as they are', () => {
    expect(nodeCommand('electron-vite', ['build', 'a b'])).toEqual([
      process.execPath,
      [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', 'a b']
    ])
  })
})

describe('node-gyp for the Electron build of better-sqlite3', () => {
  it('runs with process.execPath, a path with spaces kept as one argument', () => {
    const node = join('/opt', 'Program Files', 'node', 'bin', 'node')
    const script = join(
      '/opt',
      'Program Files',
      'node',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js'
    )
    const root = mkdtempSync(join(tmpdir(), 'duck-scripts-'))
    temps.push(root)
    expect(nodeGypCommand({ root, execPath: node, env: {}, exists: (path) => path === script })).toEqual([
      node,
      [script]
    ])
    expect(
      nodeGypCommand({ root, execPath: WINDOWS_NODE, env: { npm_config_node_gyp: '/n/gyp.js' }, exists: () => true })
    ).toEqual([WINDOWS_NODE, ['/n/gyp.js']])
    // Without any, npm's own npx script (not the npx.cmd shim) fetches it.
    expect(
      nodeGypCommand({
        root,
        execPath: WINDOWS_NODE,
        env: { npm_execpath: '/npm/bin/npm-cli.js' },
        exists: (path) => path === join('/npm/bin', 'npx-cli.js')
      })
    ).toEqual([WINDOWS_NODE, [join('/npm/bin', 'npx-cli.js'), '--yes', 'node-gyp']])
    expect(() => nodeGypCommand({ root, execPath: WINDOWS_NODE, env: {}, exists: () => false })).toThrow(/node-gyp/)
  })

  it('is spawned without a shell', () => {
    const root = fakeCheckout('better-sqlite3', { version: '0.0.0' })
    const calls: { command: string; args: readonly string[]; options: Record<string, unknown> }[] = []
    expect(() =>
      ensureElectronBinding({
        root,
        electronVersion: '40.0.0',
        log: () => undefined,
        nodeGyp: () => [WINDOWS_NODE, ['C:\\Program Files\\node-gyp.js']],
        run: (command, args, options) => {
          calls.push({ command, args: args ?? [], options: (options ?? {}) as Record<string, unknown> })
          return { status: 1 }
        }
      })
    ).toThrow(/failed/)
    expect(calls).toHaveLength(1)
    expect(calls[0]?.command).toBe(WINDOWS_NODE)
    expect(calls[0]?.args.slice(0, 2)).toEqual(['C:\\Program Files\\node-gyp.js', 'rebuild'])
    expect(calls[0]?.options.shell).toBeFalsy()
  })
})

type Launch = { command: string; args: readonly string[]; env?: NodeJS.ProcessEnv }

function fakeLaunch(launched: Launch[]) {
  return (command: string, args?: readonly string[], options?: { env?: NodeJS.ProcessEnv }) => {
    launched.push({ command, args: args ?? [], ...(options?.env ? { env: options.env } : {}) })
    return { on: (_event: 'exit', listener: (code: number | null, signal: string | null) => void) => listener(0, null) }
  }
}

describe('npm start and npm run dev', () => {
  const electronVite = join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js')
  const prepared = (order: string[]) => () => {
    order.push('binding')
    return { ok: true as const, electron: '/e/electron', env: { DUCK_SQLITE_BINDING: '/b/better_sqlite3.node' } }
  }

  it('npm run dev builds the Electron binding first, then runs electron-vite dev with it', async () => {
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.dev).toBe('node scripts/dev.mjs')
    const order: string[] = []
    const launched: Launch[] = []
    const launch = fakeLaunch(launched)
    const code = await dev({
      root: ROOT,
      argv: ['--watch'],
      prepare: prepared(order),
      launch: (...args) => (order.push('electron-vite'), launch(...(args as Parameters<typeof launch>)))
    })
    expect(code).toBe(0)
    expect(order).toEqual(['binding', 'electron-vite'])
    expect(launched).toEqual([
      {
        command: process.execPath,
        args: [electronVite, 'dev', '--watch'],
        env: { DUCK_SQLITE_BINDING: '/b/better_sqlite3.node' }
      }
    ])
  })

  it('npm start builds with electron-vite as a Node script, then launches Electron', async () => {
    const order: string[] = []
    const launched: Launch[] = []
    const code = await start({
      root: ROOT,
      argv: [],
      prepare: prepared(order),
      run: (command, args) => {
        launched.push({ command, args: args ?? [] })
        return { status: 0 }
      },
      launch: fakeLaunch(launched)
    })
    expect(code).toBe(0)
    expect(launched).toEqual([
      { command: process.execPath, args: [electronVite, 'build'] },
      {
        command: '/e/electron',
        args: ['--js-flags=--max-semi-space-size=4', ROOT],
        env: { DUCK_SQLITE_BINDING: '/b/better_sqlite3.node' }
      }
    ])
  })

  it('npm start and npm run serve give the main process the same V8 options', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    const serve = manifest.scripts['serve']?.split(/\s+/) ?? []
    expect(MAIN_PROCESS_V8_FLAGS.length).toBeGreaterThan(0)
    for (const flag of MAIN_PROCESS_V8_FLAGS) expect(serve).toContain(flag)
    expect(serve.at(-1)).toBe('out/main/server.js')
  })

  it('stop with the reason when Electron or its binding is missing', async () => {
    const errors: string[] = []
    const missing = () => ({ ok: false as const, message: 'no Electron here' })
    expect(await dev({ prepare: missing, error: (m) => errors.push(m) })).toBe(1)
    expect(await start({ prepare: missing, error: (m) => errors.push(m) })).toBe(1)
    expect(errors).toEqual(['no Electron here', 'no Electron here'])
    expect(prepareElectron({ binary: () => null })).toMatchObject({ ok: false, message: /Electron's binary/ })
    expect(prepareElectron({ binary: () => '/e', env: { A: '1' }, ensure: () => '/b.node' })).toEqual({
      ok: true,
      electron: '/e',
      env: { A: '1', DUCK_SQLITE_BINDING: '/b.node' }
    })
  })

  it.each(['start.mjs', 'dev.mjs', 'test.mjs', 'electron-binding.mjs'])(
    'scripts/%s never spawns node_modules/.bin or a shell',
    (file) => {
      const source = readFileSync(join(ROOT, 'scripts', file), 'utf8')
      expect(source).not.toMatch(/['"]\.bin['"]|node_modules\/\.bin['"]/)
      expect(source).not.toMatch(/\bshell\s*:\s*[^\s/]/)
    }
  )
})
