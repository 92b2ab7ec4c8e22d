#!/usr/bin/env node
// Builds `llama-server` from the llama.cpp source that the installed node-llama-cpp ships
// (`llama/gitRelease.bundle`) and caches the binary outside the checkout, keyed by the package
// version, the source commit and the build flags. Prints the binary's path on stdout.
//
//   node scripts/llama-server.mjs            build when the cache is missing, print the path
//   node scripts/llama-server.mjs --check    print the path if cached, else exit 1 (no build)
//
// The cache lives in $DUCK_CACHE_DIR (default: $XDG_CACHE_HOME/duck or ~/.cache/duck). A ccache
// directory beside it makes a rebuild after a flag or version change take seconds, not minutes.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const pkgDir = join(root, 'node_modules', 'node-llama-cpp')
const bundle = join(pkgDir, 'llama', 'gitRelease.bundle')

export const CMAKE_FLAGS = [
  '-DCMAKE_BUILD_TYPE=Release',
  '-DLLAMA_OPENSSL=OFF',
  '-DLLAMA_BUILD_UI=OFF',
  '-DLLAMA_USE_PREBUILT_UI=OFF',
  '-DLLAMA_BUILD_TESTS=OFF',
  '-DLLAMA_BUILD_EXAMPLES=OFF',
  '-DBUILD_SHARED_LIBS=OFF',
  '-DGGML_NATIVE=OFF'
]

function fail(message) {
  process.stderr.write(`llama-server: ${message}\n`)
  process.exit(1)
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options })
  if (result.error) fail(`${command} could not start: ${result.error.message}`)
  if (result.status !== 0) fail(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`)
  return result
}

export function cacheDir() {
  if (process.env.DUCK_CACHE_DIR) return resolve(process.env.DUCK_CACHE_DIR)
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache')
  return join(base, 'duck')
}

function cacheKey() {
  if (!existsSync(bundle)) fail(`${bundle} is missing; run npm install first`)
  const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version
  const info = JSON.parse(readFileSync(join(pkgDir, 'llama', 'llama.cpp.info.json'), 'utf8'))
  const flags = createHash('sha256').update(CMAKE_FLAGS.join(' ')).digest('hex').slice(0, 12)
  return `node-llama-cpp-${version}-${info.tag}-${process.platform}-${process.arch}-${flags}`
}

const exe = process.platform === 'win32' ? 'llama-server.exe' : 'llama-server'
const key = cacheKey()
const target = join(cacheDir(), 'llama-server', key, exe)

if (existsSync(target)) {
  process.stdout.write(`${target}\n`)
  process.exit(0)
}
if (process.argv.includes('--check')) process.exit(1)

const work = join(cacheDir(), 'llama-server', `${key}.build`)
rmSync(work, { recursive: true, force: true })
mkdirSync(work, { recursive: true })
process.stderr.write(`llama-server: building ${key} (several minutes on first run)\n`)
const started = Date.now()
const src = join(work, 'src')
run('git', ['-c', 'advice.detachedHead=false', 'clone', '--quiet', bundle, src], {
  stdio: ['ignore', 'ignore', 'inherit']
})
const env = { ...process.env, CCACHE_DIR: join(cacheDir(), 'ccache') }
const build = join(work, 'build')
run('cmake', ['-S', src, '-B', build, ...CMAKE_FLAGS], { env, stdio: ['ignore', 'ignore', 'inherit'] })
const jobs = String(Math.max(1, (await import('node:os')).availableParallelism()))
run('cmake', ['--build', build, '--config', 'Release', '--target', 'llama-server', '-j', jobs], {
  env,
  stdio: ['ignore', 'ignore', 'inherit']
})
const candidates = [join(build, 'bin', exe), join(build, 'bin', 'Release', exe)]
const built = candidates.find((p) => existsSync(p))
if (!built) fail(`the build finished but produced no ${exe}`)
mkdirSync(dirname(target), { recursive: true })
copyFileSync(built, `${target}.tmp`)
renameSync(`${target}.tmp`, target)
rmSync(work, { recursive: true, force: true })
process.stderr.write(`llama-server: built in ${Math.round((Date.now() - started) / 1000)} s\n`)
process.stdout.write(`${target}\n`)
