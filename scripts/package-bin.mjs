// The JavaScript entry of an installed package's command, from its package.json "bin" field, so
// scripts run it as `process.execPath <entry>`: never node_modules/.bin (a POSIX shell script on
// Windows, where only its .cmd twin runs, and that one only through a shell) and never a shell.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

/** The folder of an installed package, looked up as Node does: node_modules of `from` and its parents. */
export function packageDir(name, from = process.cwd()) {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', ...name.split('/'))
    if (existsSync(join(candidate, 'package.json'))) return candidate
    if (dirname(dir) === dir) throw new Error(`${name} is not installed here (run npm install).`)
  }
}

/**
 * The absolute path of a package's command. `bin` names the command when the package has several
 * (typescript: `tsc`); by default it is the package's own name without its scope.
 */
export function packageBin(name, { bin, from } = {}) {
  const dir = packageDir(name, from)
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  const wanted = bin ?? name.split('/').pop()
  const field = manifest.bin
  let entry
  if (typeof field === 'string') {
    // The string form is one command named after the package.
    if (bin === undefined || bin === name.split('/').pop()) entry = field
  } else if (field && typeof field === 'object') {
    entry = field[wanted]
    const names = Object.keys(field)
    if (entry === undefined && bin === undefined && names.length === 1) entry = field[names[0]]
  }
  if (typeof entry !== 'string' || entry === '')
    throw new Error(`${name} has no "${wanted}" command in its package.json.`)
  return join(dir, entry)
}

/** `[command, args]` that run a package's command with this Node, without a shell. */
export function nodeCommand(name, args = [], options = {}) {
  return [process.execPath, [packageBin(name, options), ...args]]
}
