/**
 * `npm run serve -- --port <n>`: Duck's whole core behind the local API, with plain Node.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { readEnvConfig } from '../core/config/env'
import { openKeytarStore } from '../core/config/keytar-store'
import { defaultUserDataDir } from '../core/config/paths'
import { MemorySecretStore, type SecretStore } from '../core/config/secrets'
import { DuckService } from '../core/service'
import { listen } from './listen'

function fail(message: string): never {
  process.stderr.write(`duck: ${message}\n`)
  process.exit(2)
}

/** The OS keychain when one answers (the desktop app's entry is shared), else memory. */
async function openSecrets(): Promise<SecretStore> {
  if (process.env.DUCK_SECRET_STORE?.trim().toLowerCase() === 'memory') return new MemorySecretStore()
  const keychain = await openKeytarStore()
  if (!('unavailable' in keychain)) return keychain
  process.stderr.write(
    `duck: ${keychain.unavailable}; an API key set in Settings is kept only until the server stops.\n`
  )
  return new MemorySecretStore()
}

async function main(): Promise<void> {
  let port = 8787
  try {
    const { values } = parseArgs({
      options: { port: { type: 'string', short: 'p' }, help: { type: 'boolean', short: 'h' } },
      strict: true
    })
    if (values.help) {
      process.stdout.write('Usage: npm run serve -- --port <n>   (0 picks a free port)\n')
      return
    }
    if (values.port !== undefined) {
      if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) {
        fail(`--port must be a number from 0 to 65535, not "${values.port}".`)
      }
      port = Number(values.port)
    }
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error))
  }

  const userDataDir = process.env.DUCK_DATA_DIR?.trim() || defaultUserDataDir()
  let service: DuckService
  try {
    const env = readEnvConfig(userDataDir)
    const secrets = await openSecrets()
    service = new DuckService({
      env,
      userDataDir,
      secrets,
      ...(env.sudoPath ? { tools: { sudoPath: env.sudoPath } } : {})
    })
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error))
  }
  const rendererDir = fileURLToPath(new URL('../renderer', import.meta.url))
  const env = service.env
  let server
  try {
    server = await listen({ service, port, rendererDir, ...(env.apiToken ? { token: env.apiToken } : {}) })
  } catch (error) {
    await service.close()
    fail(`could not listen on 127.0.0.1:${port}: ${error instanceof Error ? error.message : String(error)}`)
  }
  process.stdout.write(`Duck listening on ${server.url}\n`)
  if (!env.apiToken) {
    process.stderr.write(`Open ${server.url}/?token=${server.token} in a browser to use Duck.\n`)
  }

  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    process.stderr.write(`duck: ${signal} received, stopping\n`)
    void server
      .close()
      .then(() => service.close())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        process.stderr.write(`duck: error while stopping: ${String(error)}\n`)
        process.exit(1)
      })
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGHUP', () => stop('SIGHUP'))
  watchLauncher(stop)
}

/**
 * Under `npm run serve` the server runs as npm → sh → node. A signal sent to npm alone can end
 * npm (SIGHUP) or npm and the shell (SIGTERM) without reaching node, which would live on
 * re-parented to init. So when npm started it, the server stops as soon as its parent changes
 * or npm (the parent's parent) is gone.
 */
function watchLauncher(stop: (reason: string) => void): void {
  if (!process.env.npm_lifecycle_event || process.platform === 'win32') return
  const parent = process.ppid
  const launcher = parentOf(parent)
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0)
      return true
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM'
    }
  }
  const timer = setInterval(() => {
    if (process.ppid !== parent || (launcher !== null && launcher > 1 && !alive(launcher))) {
      clearInterval(timer)
      stop('npm exited')
    }
  }, 250)
  timer.unref()
}

/** A process's parent (Linux: /proc; elsewhere: ps), or null when it cannot be read. */
function parentOf(pid: number): number | null {
  try {
    if (process.platform === 'linux') {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) || null
    }
    return Number(execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' }).trim()) || null
  } catch {
    return null
  }
}

void main()
