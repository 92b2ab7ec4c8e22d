/** How an MCP call reads in the audit: its tool and arguments, secrets removed, size-capped. */
import { SECRET_NAME as SECRET_KEY, scrubSecrets } from './secrets'
import { isMcpToolName, splitMcpToolName } from './tool'

export const AUDIT_ARGS_CHARS = 2000
/** Values that look like secrets whatever their key: bearer tokens, common key shapes. */
const SECRET_VALUE = /^(bearer\s+\S+|sk-[A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|xox[abpr]-\S+|AKIA[0-9A-Z]{16})$/i

function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[…]'
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1))
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1)
      ])
    )
  }
  if (typeof value === 'string' && SECRET_VALUE.test(value.trim())) return '[redacted]'
  return value
}

export function mcpAuditCommand(tool: string, args: Record<string, unknown>): string {
  const json = scrubSecrets(JSON.stringify(redact(args)))
  const capped =
    json.length > AUDIT_ARGS_CHARS
      ? `${json.slice(0, AUDIT_ARGS_CHARS)}… [${json.length - AUDIT_ARGS_CHARS} more characters]`
      : json
  return `${tool} ${capped}`
}

/** "Always allow `read_file` of the MCP server "files" in ~/ws, while its definition stays the same". */
export function describeMcpRule(tool: string, where: string): string | null {
  if (!isMcpToolName(tool)) return null
  const parts = splitMcpToolName(tool)
  if (!parts) return null
  return `Always allow \`${parts.tool}\` of the MCP server "${parts.server}" in ${where}, while the server's command and the tool's definition stay the same`
}
