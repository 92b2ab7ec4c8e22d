#!/usr/bin/env node
// `npm start`: build, make sure the native SQLite module has a build for Electron, launch Duck.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { ensureElectronBinding } from './electron-binding.mjs'

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
let binding
try {
  binding = ensureElectronBinding({ root })
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error))
  process.exit(1)
}

const child = spawn(electron, [root, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, DUCK_SQLITE_BINDING: binding }
})
child.on('exit', (code) => process.exit(code ?? 0))
