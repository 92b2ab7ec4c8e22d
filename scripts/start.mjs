#!/usr/bin/env node
// `npm start`: build, make sure the native SQLite module has a build for Electron, launch Duck.
// Every command runs as `process.execPath <package's JS entry>`, never through a shell or
// node_modules/.bin (a POSIX script on Windows).
import { spawn, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { prepareElectron } from './electron-binding.mjs'
import { nodeCommand } from './package-bin.mjs'
import { MAIN_PROCESS_V8_FLAGS } from './v8-flags.mjs'

/** Returns the exit code when Duck could not start, else a promise of Electron's exit code. */
export function main({
  root = process.cwd(),
  argv = process.argv.slice(2),
  prepare = prepareElectron,
  run = spawnSync,
  launch = spawn,
  error = console.error
} = {}) {
  const electron = prepare({ root })
  if (!electron.ok) {
    error(electron.message)
    return 1
  }
  const [node, buildArgs] = nodeCommand('electron-vite', ['build'], { from: root })
  const build = run(node, buildArgs, { stdio: 'inherit', cwd: root })
  if (build.status !== 0) return build.status ?? 1
  const jsFlags = `--js-flags=${MAIN_PROCESS_V8_FLAGS.join(' ')}`
  const child = launch(electron.electron, [jsFlags, root, ...argv], { stdio: 'inherit', env: electron.env })
  return new Promise((done) => child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0))))
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  void Promise.resolve(main()).then((code) => process.exit(code))
}
