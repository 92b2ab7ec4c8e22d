/**
 * The tiny random-weights GGUF models the tests run on, made by `scripts/make-test-models.py`
 * from the llama.cpp source that node-llama-cpp ships (`llama/gitRelease.bundle`).
 *
 * Made once and cached outside the checkout, keyed by the generator script and the package
 * version: `$DUCK_CACHE_DIR/test-models/<key>/tiny-<variant>.gguf` (default cache dir:
 * `$XDG_CACHE_HOME/duck` or `~/.cache/duck`). Parallel test workers may ask at once: each
 * generates into its own temporary folder and the first rename wins.
 */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)

export type TinyModelVariant = 'plain' | 'think' | 'runaway'
export const TINY_MODEL_VARIANTS: readonly TinyModelVariant[] = ['plain', 'think', 'runaway']

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const PACKAGE_DIR = join(REPO_ROOT, 'node_modules', 'node-llama-cpp')
const BUNDLE = join(PACKAGE_DIR, 'llama', 'gitRelease.bundle')
const SCRIPT = join(REPO_ROOT, 'scripts', 'make-test-models.py')

export function duckCacheDir(): string {
  if (process.env.DUCK_CACHE_DIR) return resolve(process.env.DUCK_CACHE_DIR)
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'duck')
}

async function packageTag(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string }
  const info = JSON.parse(await readFile(join(PACKAGE_DIR, 'llama', 'llama.cpp.info.json'), 'utf8')) as { tag: string }
  return `${pkg.version}-${info.tag}`
}

let sourceDir: Promise<string> | undefined

/** A checkout of llama.cpp's source (gguf-py, vocab GGUFs, chat templates), cloned from the bundle once. */
export function llamaCppSourceDir(): Promise<string> {
  sourceDir ??= (async () => {
    if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm install first`)
    const dir = join(duckCacheDir(), 'llama.cpp-src', await packageTag())
    if (existsSync(join(dir, 'gguf-py'))) return dir
    await mkdir(dirname(dir), { recursive: true })
    const temp = await mkdtemp(`${dir}.tmp-`)
    try {
      await run('git', ['-c', 'advice.detachedHead=false', 'clone', '--quiet', BUNDLE, temp], { maxBuffer: 1 << 24 })
      await rename(temp, dir).catch(async (error: NodeJS.ErrnoException) => {
        if (!existsSync(join(dir, 'gguf-py'))) throw error
      })
    } finally {
      await rm(temp, { recursive: true, force: true })
    }
    return dir
  })()
  sourceDir.catch(() => (sourceDir = undefined))
  return sourceDir
}

let modelsDir: Promise<string> | undefined

async function generated(): Promise<string> {
  modelsDir ??= (async () => {
    const script = await readFile(SCRIPT)
    const key = createHash('sha256')
      .update(script)
      .update(await packageTag())
      .digest('hex')
      .slice(0, 16)
    const dir = join(duckCacheDir(), 'test-models', key)
    if (TINY_MODEL_VARIANTS.every((v) => existsSync(join(dir, `tiny-${v}.gguf`)))) return dir
    const src = await llamaCppSourceDir()
    await mkdir(dirname(dir), { recursive: true })
    const temp = await mkdtemp(`${dir}.tmp-`)
    try {
      await run('python3', [SCRIPT, temp, '--src', src], { maxBuffer: 1 << 24 }).catch(
        (error: Error & { stderr?: string }) => {
          throw new Error(
            `making the tiny test models failed (python3 with numpy is needed): ${error.stderr || error.message}`
          )
        }
      )
      await rename(temp, dir).catch(async (error: NodeJS.ErrnoException) => {
        if (!existsSync(join(dir, 'tiny-plain.gguf'))) throw error
      })
    } finally {
      await rm(temp, { recursive: true, force: true })
    }
    return dir
  })()
  modelsDir.catch(() => (modelsDir = undefined))
  return modelsDir
}

/** The path of one tiny model, generating all three on first use. */
export async function tinyModelPath(variant: TinyModelVariant): Promise<string> {
  return join(await generated(), `tiny-${variant}.gguf`)
}
