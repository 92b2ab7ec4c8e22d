import { splitMcpToolName } from '../lib/mcp'
import type { ApprovalRequest } from '../store'

/** What Duck wants to do, as a dialog title. */
export function approvalTitle(a: Pick<ApprovalRequest, 'tool' | 'action_type' | 'outside_workspace'>): string {
  const outside = a.outside_workspace.length > 0
  const mcp = splitMcpToolName(a.tool)
  if (mcp) return `Use ${mcp.tool} from the MCP server “${mcp.server}”`
  switch (a.tool) {
    case 'shell_exec_safe':
      return a.action_type === 'privileged' ? 'Run a command as administrator' : 'Run a command'
    case 'file_read':
      return outside ? 'Read outside the workspace' : 'Read a file'
    case 'list_dir':
      return outside ? 'Read outside the workspace' : 'List a folder'
    default:
      if (a.action_type === 'file_write') return outside ? 'Write outside the workspace' : 'Change files'
      return outside ? `Use ${a.tool} outside the workspace` : `Use ${a.tool}`
  }
}
