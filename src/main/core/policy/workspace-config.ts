/**
 * Project files that make a "version" or "list" command run a program the project names: a
 * version manager's shim reads the folder's version file, a package manager reads the
 * project's settings. The forced environment (run-environment) undoes what it can (corepack's
 * `packageManager`, yarn's `yarnPath`, go's `toolchain`, npm's user configuration); what it
 * cannot is looked for here, in every folder the command may run in and the folders above it up
 * to the workspace root, and makes the command ask:
 * - `.python-version`, `.ruby-version`, `.node-version` (pyenv, rbenv, nodenv shims) and
 *   `.tool-versions` (asdf, mise) that name anything but a plain version (a path, `path:`,
 *   `ref:`): older shims followed such names to any program;
 * - `rust-toolchain` / `rust-toolchain.toml`: rustup's proxies (`cargo`, `rustc`) run the
 *   toolchain it names, which may be any folder (`path = …`);
 * - `.yarnrc.yml` with `yarnPath` or `plugins`, `.yarnrc` with `yarn-path`: yarn runs that file;
 * - `.pnpmfile.cjs`: pnpm loads it;
 * - `.npmrc` naming a program (`script-shell`, `shell`, `git`, `node-options`, `editor`, …);
 * - `package.json` whose `packageManager` is not a plain `name@version`;
 * - `.volta/hooks.json`: volta runs the commands it names.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { isInside } from './paths'

type Family = 'python' | 'ruby' | 'node' | 'rust' | 'go'

function family(prog: string): Family | null {
  if (/^(python[0-9.]*|pip[0-9.]*|pipx|pydoc[0-9.]*)$/.test(prog)) return 'python'
  if (['ruby', 'gem', 'bundle', 'bundler', 'irb', 'rake'].includes(prog)) return 'ruby'
  if (['node', 'nodejs', 'npm', 'npx', 'pnpm', 'pnpx', 'yarn', 'corepack'].includes(prog)) return 'node'
  if (['cargo', 'rustc', 'rustup', 'rustdoc'].includes(prog)) return 'rust'
  if (prog === 'go' || prog === 'gofmt') return 'go'
  return null
}

/** A version file's line: a version or a name, nothing that could be a path. */
const PLAIN_VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/

async function read(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8')
  } catch {
    return null
  }
}

function versionFileProblem(text: string, file: string): string | null {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim()
    if (line === '') continue
    const words = path.basename(file) === '.tool-versions' ? line.split(/\s+/) : [line]
    if (!words.every((w) => PLAIN_VERSION.test(w))) {
      return `\`${file}\` names a version Duck cannot check (\`${line.slice(0, 60)}\`), which could make a version manager run another program`
    }
  }
  return null
}

const NPMRC_PROGRAMS =
  /^\s*(script-shell|shell|git|node-options|editor|browser|viewer|userconfig|globalconfig|init-module|onload-script|node-gyp|npm-path|call|prefix)\s*=/m

async function npmProblems(dir: string, prog: string): Promise<string[]> {
  const out: string[] = []
  if ((await read(path.join(dir, '.volta', 'hooks.json'))) !== null) {
    out.push(`\`${path.join(dir, '.volta', 'hooks.json')}\` can make volta run commands`)
  }
  if (prog === 'node' || prog === 'nodejs') return out
  const npmrc = await read(path.join(dir, '.npmrc'))
  if (npmrc !== null && NPMRC_PROGRAMS.test(npmrc)) {
    out.push(`\`${path.join(dir, '.npmrc')}\` names a program or another configuration for npm to use`)
  }
  const pkg = await read(path.join(dir, 'package.json'))
  if (pkg !== null) {
    let manager: unknown
    try {
      manager = (JSON.parse(pkg) as { packageManager?: unknown }).packageManager
    } catch {
      manager = undefined
    }
    if (manager !== undefined && !/^(npm|pnpm|yarn)@[0-9]+\.[0-9]+\.[0-9]+[0-9A-Za-z.+-]*$/.test(String(manager))) {
      out.push(`\`${path.join(dir, 'package.json')}\` names a package manager Duck cannot check (\`packageManager\`)`)
    }
  }
  if (prog === 'yarn') {
    const berry = await read(path.join(dir, '.yarnrc.yml'))
    if (berry !== null && /^\s*(yarnPath|plugins)\s*:/m.test(berry)) {
      out.push(
        `\`${path.join(dir, '.yarnrc.yml')}\` makes yarn run a file from the project (\`yarnPath\`, \`plugins\`)`
      )
    }
    const classic = await read(path.join(dir, '.yarnrc'))
    if (classic !== null && /^\s*"?yarn-path"?\s/m.test(classic)) {
      out.push(`\`${path.join(dir, '.yarnrc')}\` makes yarn run a file from the project (\`yarn-path\`)`)
    }
  }
  if ((prog === 'pnpm' || prog === 'pnpx') && (await read(path.join(dir, '.pnpmfile.cjs'))) !== null) {
    out.push(`\`${path.join(dir, '.pnpmfile.cjs')}\` is code pnpm loads`)
  }
  return out
}

/**
 * Why running `prog` in any of `dirs` (real folders inside the real workspace `root`) could
 * make a project file pick the program that runs; empty when nothing does.
 */
export async function toolchainProblems(prog: string, dirs: readonly string[], root: string): Promise<string[]> {
  const kind = family(prog)
  if (kind === null) return []
  const folders = new Set<string>()
  for (const start of dirs) {
    if (!isInside(root, start)) continue
    for (let dir = start; ; dir = path.dirname(dir)) {
      folders.add(dir)
      if (dir === root || path.dirname(dir) === dir) break
    }
  }
  const out: string[] = []
  for (const dir of folders) {
    const versionFiles =
      kind === 'python'
        ? ['.python-version', '.tool-versions']
        : kind === 'ruby'
          ? ['.ruby-version', '.tool-versions']
          : kind === 'node'
            ? ['.node-version', '.tool-versions']
            : ['.tool-versions']
    for (const name of versionFiles) {
      const file = path.join(dir, name)
      const text = await read(file)
      const problem = text === null ? null : versionFileProblem(text, file)
      if (problem !== null) out.push(problem)
    }
    if (kind === 'rust') {
      for (const name of ['rust-toolchain', 'rust-toolchain.toml']) {
        const file = path.join(dir, name)
        if ((await read(file)) !== null)
          out.push(`\`${file}\` picks the Rust toolchain that runs, which may be any program`)
      }
    }
    if (kind === 'node') out.push(...(await npmProblems(dir, prog)))
  }
  return [...new Set(out)]
}
