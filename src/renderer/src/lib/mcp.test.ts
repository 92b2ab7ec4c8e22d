import { describe, expect, it } from 'vitest'
import type { AuditRecord } from '../../../shared/dto'
import { filterAudit } from '../views/auditFilter'
import {
  annotationClaims,
  argsFromLines,
  entryFromForm,
  mcpAuditParts,
  serverStateLabel,
  splitMcpToolName,
  type AddServerForm
} from './mcp'

const form = (patch: Partial<AddServerForm>): AddServerForm => ({
  name: 'files',
  transport: 'stdio',
  command: 'node',
  args: '',
  cwd: '',
  env: [],
  url: '',
  headers: [],
  ...patch
})

describe('MCP tool names', () => {
  it('splits at the first "__" after the prefix (server names have none)', () => {
    expect(splitMcpToolName('mcp__files__read_text_file')).toEqual({ server: 'files', tool: 'read_text_file' })
    expect(splitMcpToolName('mcp__a-b__tool__with__parts')).toEqual({ server: 'a-b', tool: 'tool__with__parts' })
    expect(splitMcpToolName('shell_exec_safe')).toBeNull()
    expect(splitMcpToolName('mcp____x')).toBeNull()
  })
})

describe('annotations as claims', () => {
  it('reads the hints as statements and keeps anything else as it is', () => {
    const { claims, other } = annotationClaims({
      readOnlyHint: true,
      openWorldHint: false,
      title: 'Read a file',
      custom: { a: 1 }
    })
    expect(claims.map((c) => c.label)).toEqual(['Read-only', 'Closed-world'])
    expect(other).toEqual([
      ['Title', 'Read a file'],
      ['custom', '{"a":1}']
    ])
  })

  it('marks the claims that would make a call riskier', () => {
    const { claims } = annotationClaims({ readOnlyHint: false, destructiveHint: true, openWorldHint: true })
    expect(claims.map((c) => [c.label, c.tone])).toEqual([
      ['Makes changes', 'warn'],
      ['Destructive', 'warn'],
      ['Reaches outside', 'warn']
    ])
  })

  it('a hint that is not a boolean is shown as given, not interpreted', () => {
    expect(annotationClaims({ readOnlyHint: 'yes' })).toEqual({ claims: [], other: [['readOnlyHint', 'yes']] })
  })
})

describe('server state', () => {
  it('says "Needs confirming" for a stopped server waiting for its confirmation', () => {
    expect(serverStateLabel({ state: 'stopped', needs_confirmation: true, enabled: true })).toEqual({
      key: 'confirm',
      label: 'Needs confirming'
    })
    expect(serverStateLabel({ state: 'stopped', needs_confirmation: false, enabled: false }).label).toBe('Turned off')
    expect(serverStateLabel({ state: 'ready', needs_confirmation: false, enabled: true }).label).toBe('Ready')
  })
})

describe('the add-server form', () => {
  it('one argument a line, kept exactly (spaces inside included), blank lines dropped', () => {
    expect(argsFromLines('-y\n\n@scope/pkg\n/home/me/My Project  \r\n')).toEqual([
      '-y',
      '@scope/pkg',
      '/home/me/My Project'
    ])
  })

  it('builds a stdio entry with only the fields given', () => {
    expect(entryFromForm(form({ args: 'a\nb', cwd: ' /ws ', env: [{ name: 'TOKEN', value: 's' }] }))).toEqual({
      ok: true,
      name: 'files',
      entry: { command: 'node', args: ['a', 'b'], cwd: '/ws', env: { TOKEN: 's' } }
    })
    expect(entryFromForm(form({}))).toEqual({ ok: true, name: 'files', entry: { command: 'node' } })
  })

  it('builds a Streamable HTTP entry', () => {
    expect(
      entryFromForm(
        form({ transport: 'http', url: 'http://127.0.0.1:3001/mcp', headers: [{ name: 'Authorization', value: 'x' }] })
      )
    ).toEqual({
      ok: true,
      name: 'files',
      entry: { url: 'http://127.0.0.1:3001/mcp', headers: { Authorization: 'x' } }
    })
  })

  it('names the field to fix', () => {
    expect(entryFromForm(form({ name: 'Bad Name' }))).toMatchObject({ ok: false, field: 'name' })
    expect(entryFromForm(form({ command: '  ' }))).toMatchObject({ ok: false, field: 'command' })
    expect(entryFromForm(form({ transport: 'http', url: 'ftp://x' }))).toMatchObject({ ok: false, field: 'url' })
    expect(
      entryFromForm(
        form({
          env: [
            { name: 'A', value: '1' },
            { name: 'A', value: '2' }
          ]
        })
      )
    ).toMatchObject({ ok: false, field: 'env', problem: 'The variable A is given twice.' })
    expect(entryFromForm(form({ env: [{ name: '', value: 'orphan' }] }))).toMatchObject({ ok: false, field: 'env' })
    // An empty row is simply ignored.
    expect(entryFromForm(form({ env: [{ name: '', value: '' }] }))).toMatchObject({ ok: true })
  })
})

describe('MCP calls in the audit', () => {
  const row = (payload: Partial<AuditRecord['payload']>, id = 'a'): AuditRecord => ({
    audit_id: id,
    event_type: 'command_audit',
    created_at: '2026-01-01T00:00:00.000Z',
    payload: {
      command: 'ls',
      risk_level: 'low',
      action_type: 'file_read',
      approved: true,
      decision: 'auto_allowed',
      exit_code: 0,
      task_id: 't',
      workspace: '/ws',
      conversation_id: 'c',
      sandbox: null,
      ...payload
    }
  })
  const mcp = row(
    {
      tool: 'mcp__files__read_text_file',
      command: 'mcp__files__read_text_file {"path":"/ws/note.txt"}',
      action_type: 'mcp',
      exit_code: null,
      is_error: false,
      duration_ms: 12
    },
    'b'
  )

  it('reads the server, tool and arguments of a row', () => {
    expect(mcpAuditParts(mcp.payload)).toEqual({
      server: 'files',
      tool: 'read_text_file',
      args: '{"path":"/ws/note.txt"}'
    })
    expect(mcpAuditParts(row({}).payload)).toBeNull()
  })

  it('filters shell commands and MCP tool calls apart', () => {
    const rows = [row({}), mcp]
    const filter = { risks: [], decisions: [], text: '' }
    expect(filterAudit(rows, { ...filter, kinds: ['mcp'] }).map((r) => r.audit_id)).toEqual(['b'])
    expect(filterAudit(rows, { ...filter, kinds: ['command'] }).map((r) => r.audit_id)).toEqual(['a'])
    expect(filterAudit(rows, { ...filter, kinds: [] })).toHaveLength(2)
    expect(filterAudit(rows, { ...filter, text: 'note.txt' }).map((r) => r.audit_id)).toEqual(['b'])
  })
})
