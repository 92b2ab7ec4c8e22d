#!/usr/bin/env node
// `npm run dev`: electron-vite's dev server and Electron with hot reload. Like `npm start`, it
// first builds better-sqlite3 for Electron (once) and hands its path to the app — the copy
// `npm install` made is Node's, whose ABI Electron refuses. No shell, no node_modules/.bin.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { prepareElectron } from './electron-binding.mjs'
import { nodeCommand } from './package-bin.mjs'

/** Returns the exit code when the dev app could not start, else a promise of electron-vite's. */
export function main({
  root = process.cwd(),
  argv = process.argv.slice(2),
  prepare = prepareElectron,
  launch = spawn,
  error = console.error
} = {}) {
  const electron = prepare({ root })
  if (!electron.ok) {
    error(electron.message)
    return 1
  }
  const [node, args] = nodeCommand('electron-vite', ['dev', ...argv], { from: root })
  const child = launch(node, args, { stdio: 'inherit', cwd: root, env: electron.env })
  return new Promise((done) => child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0))))
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  void Promise.resolve(main()).then((code) => process.exit(code))
}
