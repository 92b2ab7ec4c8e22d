#!/usr/bin/env node
// `npm start`: build, make sure the native SQLite module has a build for Electron, launch Duck.
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const root = process.cwd()
const require = createRequire(import.meta.url)

function electronPath() {
  try {
    const path = require('electron')
    return typeof path === 'string' && existsSync(path) ? path : null
  } catch {
    return null
  }
}

const electron = electronPath()
if (!electron) {
  console.error(
    "Duck can't start its window because Electron's binary is not installed (npm install downloads it from GitHub, which this machine could not reach); run Duck headless instead with `npm run build && npm run serve -- --port 8787`."
  )
  process.exit(1)
}

const build = spawnSync(join(root, 'node_modules', '.bin', 'electron-vite'), ['build'], { stdio: 'inherit' })
if (build.status !== 0) process.exit(build.status ?? 1)

// better-sqlite3 is built for Node (tests, headless server). Electron has its own ABI, so keep a
// second build of the binding for this Electron version beside it, made once.
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version
const bindingDir = join(root, 'node_modules', '.duck-electron', electronVersion)
const binding = join(bindingDir, 'better_sqlite3.node')
if (!existsSync(binding)) {
  console.log(`Building the SQLite module for Electron ${electronVersion} (once)…`)
  const source = join(root, 'node_modules', 'better-sqlite3')
  const work = join(bindingDir, 'build-src')
  rmSync(work, { recursive: true, force: true })
  mkdirSync(bindingDir, { recursive: true })
  cpSync(source, work, { recursive: true, filter: (path) => !path.includes(`${join('better-sqlite3', 'build')}`) })
  const nodeGyp = process.env.npm_config_node_gyp
  const gyp = nodeGyp ? [process.execPath, [nodeGyp]] : ['npx', ['--yes', 'node-gyp']]
  const result = spawnSync(
    gyp[0],
    [...gyp[1], 'rebuild', '--release', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers'],
    { cwd: work, stdio: 'inherit' }
  )
  if (result.status !== 0) {
    console.error('Building the SQLite module for Electron failed; see the compiler output above.')
    process.exit(1)
  }
  cpSync(join(work, 'build', 'Release', 'better_sqlite3.node'), binding)
  rmSync(work, { recursive: true, force: true })
}

const child = spawn(electron, [root, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, DUCK_SQLITE_BINDING: binding }
})
child.on('exit', (code) => process.exit(code ?? 0))
