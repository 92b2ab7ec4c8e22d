#!/usr/bin/env node
// better-sqlite3 for Electron, beside the Node build `npm install` made (tests and the headless
// server keep using that one). Built once per Electron version into
// node_modules/.duck-electron/<version>/better_sqlite3.node; the app finds it there from a
// checkout (src/main/app/native.ts), `npm start` passes it as DUCK_SQLITE_BINDING, and
// `npm run dist` ships it as an extra resource (scripts/before-pack.mjs stages it).
//
//   node scripts/electron-binding.mjs            build if missing, print the path
//   node scripts/electron-binding.mjs --stage    also copy it to node_modules/.duck-electron/current/
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)

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
  stdio = 'inherit'
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
  const nodeGyp = nodeGypScript()
  const [command, prefix] = nodeGyp ? [process.execPath, [nodeGyp]] : ['npx', ['--yes', 'node-gyp']]
  // An npm `nodedir` setting would build against that Node's headers instead of Electron's.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => key.toLowerCase() !== 'npm_config_nodedir')
  )
  const result = spawnSync(
    command,
    [...prefix, 'rebuild', '--release', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers'],
    { cwd: work, env, stdio, shell: process.platform === 'win32' }
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

/** node-gyp as npm ships it, run with this Node (no npx, so no npm config is injected). */
function nodeGypScript() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js'
    ),
    join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')
  ]
  return candidates.find((path) => path && existsSync(path))
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
