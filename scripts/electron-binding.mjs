#!/usr/bin/env node
// better-sqlite3 for Electron, beside the Node build `npm install` made (tests and the headless
// server keep using that one). Built once per Electron version into
// node_modules/.duck-electron/<version>/better_sqlite3.node; the app finds it there from a
// checkout (src/main/app/native.ts), `npm start` and `npm run dev` pass it as DUCK_SQLITE_BINDING, and
// `npm run dist` ships it as an extra resource (scripts/before-pack.mjs stages it).
//
//   node scripts/electron-binding.mjs            build if missing, print the path
//   node scripts/electron-binding.mjs --stage    also copy it to node_modules/.duck-electron/current/
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { packageBin } from './package-bin.mjs'

const require = createRequire(import.meta.url)

export const ELECTRON_MISSING =
  "Duck can't start its window because Electron's binary is not installed (npm install downloads it from GitHub, which this machine could not reach); run Duck headless instead with `npm run build && npm run serve -- --port 8787`."

/** The Electron binary `npm install` downloaded, or null when it is missing. */
export function electronBinary() {
  try {
    const path = require('electron')
    return typeof path === 'string' && existsSync(path) ? path : null
  } catch {
    return null
  }
}

/**
 * What `npm start` and `npm run dev` do before Electron runs: check its binary, build (once) the
 * SQLite module for it, and give its path to the app. Returns Electron's environment, or why not.
 */
export function prepareElectron({
  root = process.cwd(),
  env = process.env,
  binary = electronBinary,
  ensure = ensureElectronBinding
} = {}) {
  const electron = binary()
  if (!electron) return { ok: false, message: ELECTRON_MISSING }
  try {
    // better-sqlite3 is built for Node (tests, headless server). Electron has its own ABI, so keep
    // a second build of the binding for this Electron version beside it, made once.
    const binding = ensure({ root })
    return { ok: true, electron, env: { ...env, DUCK_SQLITE_BINDING: binding } }
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) }
  }
}

export function installedElectronVersion() {
  return JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version
}

export function bindingPath(root, electronVersion) {
  return join(root, 'node_modules', '.duck-electron', electronVersion, 'better_sqlite3.node')
}

/** Builds better-sqlite3 for `electronVersion` unless that build exists; returns its path. */
export function ensureElectronBinding({
  root = process.cwd(),
  electronVersion = installedElectronVersion(),
  log = console.log,
  stdio = 'inherit',
  nodeGyp = () => nodeGypCommand({ root }),
  run = spawnSync
} = {}) {
  const binding = bindingPath(root, electronVersion)
  if (existsSync(binding)) return binding
  log(`Building the SQLite module for Electron ${electronVersion} (once)…`)
  const bindingDir = join(binding, '..')
  const source = join(root, 'node_modules', 'better-sqlite3')
  const work = join(bindingDir, 'build-src')
  rmSync(work, { recursive: true, force: true })
  mkdirSync(bindingDir, { recursive: true })
  cpSync(source, work, { recursive: true, filter: (path) => !path.startsWith(join(source, 'build')) })
  const [command, prefix] = nodeGyp()
  // An npm `nodedir` setting would build against that Node's headers instead of Electron's.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => key.toLowerCase() !== 'npm_config_nodedir')
  )
  // No shell at all: this Node and a script path reach the OS as they are (spaces included).
  const result = run(
    command,
    [...prefix, 'rebuild', '--release', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers'],
    { cwd: work, env, stdio }
  )
  const built = join(work, 'build', 'Release', 'better_sqlite3.node')
  try {
    if (result.status !== 0)
      throw new Error('Building the SQLite module for Electron failed; see the compiler output above.')
    if (loadsInThisNode(built)) {
      throw new Error(
        "The SQLite module was built against this Node's headers, not Electron's (is npm's `nodedir` set, or were Electron's headers unreachable?)."
      )
    }
    cpSync(built, binding)
  } finally {
    rmSync(work, { recursive: true, force: true })
    if (!existsSync(binding)) rmSync(bindingDir, { recursive: true, force: true })
  }
  return binding
}

/**
 * node-gyp run by this Node, never through a shell or npx's .cmd: the one npm named
 * (`npm_config_node_gyp`), the checkout's, or the one npm ships beside this Node; else npm's own
 * npx script fetches it. Returns `[command, args]`.
 */
export function nodeGypCommand({
  root = process.cwd(),
  env = process.env,
  execPath = process.execPath,
  exists = existsSync
} = {}) {
  const inCheckout = () => {
    try {
      return packageBin('node-gyp', { from: root })
    } catch {
      return undefined
    }
  }
  const nodeDir = dirname(execPath)
  const npmGyp = ['node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js']
  const candidates = [
    env.npm_config_node_gyp,
    inCheckout(),
    // Linux and macOS: <prefix>/bin/node and <prefix>/lib/node_modules/npm; Windows: beside node.exe.
    join(nodeDir, '..', 'lib', ...npmGyp),
    join(nodeDir, ...npmGyp)
  ]
  const script = candidates.find((path) => path && exists(path))
  if (script) return [execPath, [script]]
  const npx = env.npm_execpath ? join(dirname(env.npm_execpath), 'npx-cli.js') : undefined
  if (npx && exists(npx)) return [execPath, [npx, '--yes', 'node-gyp']]
  throw new Error(
    'node-gyp was not found (it comes with npm); reinstall Node.js with npm, or run `npm install node-gyp`.'
  )
}

/** Electron's module ABI differs from every Node release's: a build that loads here is not Electron's. */
function loadsInThisNode(file) {
  try {
    require(file)
    return true
  } catch {
    return false
  }
}

/** Copies the binding to the fixed path electron-builder.yml ships from. */
export function stageBinding(root, binding) {
  const staged = join(root, 'node_modules', '.duck-electron', 'current', 'better_sqlite3.node')
  mkdirSync(join(staged, '..'), { recursive: true })
  cpSync(binding, staged)
  return staged
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const root = process.cwd()
    // Only the path goes to stdout; the compiler's output goes to stderr.
    const binding = ensureElectronBinding({ root, log: (line) => console.error(line), stdio: ['ignore', 2, 2] })
    console.log(process.argv.includes('--stage') ? stageBinding(root, binding) : binding)
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    process.exit(1)
  }
}
