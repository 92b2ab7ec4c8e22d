import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')

/**
 * Node arguments that start Duck's headless server for a benchmark: the build `npm run serve`
 * runs (`out/main/server.js`) when it is newer than every source file of the main process, else
 * the source through tsx — which costs the server about twice the CPU per streamed token, so a
 * benchmark says which one it measured.
 */
export function serverEntry(log: (line: string) => void = console.log): string[] {
  const built = join(root, 'out', 'main', 'server.js')
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && !e.name.endsWith('.test.ts'))
      .reduce((max, e) => Math.max(max, statSync(join(e.parentPath, e.name)).mtimeMs), 0)
  const fresh =
    existsSync(built) &&
    statSync(built).mtimeMs >= Math.max(newest(join(root, 'src', 'main')), newest(join(root, 'src', 'shared')))
  log(fresh ? 'Duck: the built server (out/main/server.js)' : 'Duck: the source through tsx (the build is stale)')
  return fresh ? [built] : ['--import', 'tsx', join(root, 'src', 'main', 'server', 'main.ts')]
}
