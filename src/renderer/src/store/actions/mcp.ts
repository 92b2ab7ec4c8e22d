/**
 * MCP servers (Settings → Tools): the status the API reports, and the person's changes —
 * adding, confirming, restarting, stopping, removing, importing, tools on and off. Every
 * answer of the API is the whole status again, which replaces the store's copy.
 */
import { DuckApiError } from '../../../../shared/api'
import type { McpServersInfo } from '../../../../shared/mcp'
import { errorMessage } from '../../lib/format'
import { duck, hasApi } from '../api'
import { useDuck } from '..'
import type { Result } from './settings'

function describe(error: unknown): string {
  if (error instanceof DuckApiError && error.status === 404 && /No route/.test(error.message)) {
    return 'This Duck server does not offer MCP servers yet (no route). Update Duck, then try again.'
  }
  return errorMessage(error)
}

function store(info: McpServersInfo): void {
  useDuck.setState({ mcp: { data: info, status: 'ready', error: null } })
}

let inFlight: Promise<void> | null = null

/** Reads the status; `quiet` keeps what is shown while it loads (polling). */
export function loadMcp(quiet = false): Promise<void> {
  if (!hasApi()) return Promise.resolve()
  if (inFlight) return inFlight
  if (!quiet) useDuck.setState((s) => ({ mcp: { ...s.mcp, status: 'loading', error: null } }))
  inFlight = (async () => {
    try {
      store(await duck().mcp.servers())
    } catch (error) {
      useDuck.setState((s) => ({ mcp: { ...s.mcp, status: 'error', error: describe(error) } }))
    } finally {
      inFlight = null
    }
  })()
  return inFlight
}

async function change(run: () => Promise<McpServersInfo>): Promise<Result<McpServersInfo>> {
  try {
    const info = await run()
    store(info)
    return { ok: true, value: info }
  } catch (error) {
    return { ok: false, error: describe(error) }
  }
}

/** Adds (or replaces) a server's entry; it then waits for the person to confirm its launch. */
export function putMcpServer(name: string, entry: Record<string, unknown>): Promise<Result<McpServersInfo>> {
  return change(() => duck().mcp.put(name, entry))
}

/**
 * Confirms the launch the person was shown. When it changed meanwhile (409), the status is
 * read again so the sheet shows the new one.
 */
export async function confirmMcpServer(name: string, fingerprint: string): Promise<Result<McpServersInfo>> {
  const result = await change(() => duck().mcp.confirm(name, fingerprint))
  if (!result.ok) void loadMcp(true)
  return result
}

export function restartMcpServer(name: string): Promise<Result<McpServersInfo>> {
  return change(() => duck().mcp.restart(name))
}

export function stopMcpServer(name: string): Promise<Result<McpServersInfo>> {
  return change(() => duck().mcp.stop(name))
}

/** Removes the entry (and its confirmation); resolves with an error message, or null. */
export async function removeMcpServer(name: string): Promise<string | null> {
  try {
    await duck().mcp.delete(name)
    await loadMcp(true)
    return null
  } catch (error) {
    return describe(error)
  }
}

export function setMcpTool(name: string, tool: string, enabled: boolean): Promise<Result<McpServersInfo>> {
  return change(() => duck().mcp.setTool(name, tool, enabled))
}

/** Adds the servers of a Claude Desktop config; resolves with the names that are new. */
export async function importMcpConfig(path: string): Promise<Result<string[]>> {
  const before = new Set((useDuck.getState().mcp.data?.servers ?? []).map((s) => s.name))
  const result = await change(() => duck().mcp.importConfig(path))
  if (!result.ok) return result
  return { ok: true, value: result.value.servers.map((s) => s.name).filter((name) => !before.has(name)) }
}
