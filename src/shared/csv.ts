import type { AuditRecord } from './dto'

/** A text cell a spreadsheet would evaluate (a formula, or one after a tab or CR): OWASP's list. */
const FORMULA_START = /^[=+\-@\t\r]/

export type CsvValue = string | number | boolean | null

/**
 * One CSV cell per RFC 4180: quoted where needed. Quoting does not stop a spreadsheet from
 * running `=HYPERLINK(…)` from a command, so a text cell that starts like a formula gets a
 * leading `'` (shown as text, not evaluated). Numbers stay numbers (-1 is not a formula).
 */
function csvCell(value: CsvValue): string {
  let text = value === null ? '' : String(value)
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** One CSV line, CRLF-terminated. */
export function csvLine(row: CsvValue[]): string {
  return row.map(csvCell).join(',') + '\r\n'
}

/** CSV per RFC 4180 (see csvCell), CRLF line ends. */
export function toCsv(header: string[], rows: CsvValue[][]): string {
  return [header, ...rows].map(csvLine).join('')
}

/** The audit's CSV columns, the same for the window's and the server's export. */
export const AUDIT_CSV_HEADER = [
  'time',
  'command',
  'action_type',
  'risk_level',
  'decision',
  'approved',
  'exit_code',
  'workspace',
  'task_id',
  'conversation_id'
]

export function auditCsvRow(r: AuditRecord): CsvValue[] {
  return [
    r.created_at,
    r.payload.command,
    r.payload.action_type,
    r.payload.risk_level,
    r.payload.decision,
    r.payload.approved,
    r.payload.exit_code,
    r.payload.workspace,
    r.payload.task_id,
    r.payload.conversation_id ?? ''
  ]
}

/**
 * Counts the records that end in streamed text (CSV or JSON lines), chunk by chunk: a record
 * ends at a newline outside quotes. In CSV a quoted cell may hold newlines (a `""` inside it
 * toggles twice); JSON lines never hold a raw newline, so there every newline ends one.
 */
export class RecordCounter {
  private quoted = false
  records = 0

  constructor(private readonly csv: boolean) {}

  push(text: string): number {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (c === 34 && this.csv) this.quoted = !this.quoted
      else if (c === 10 && !this.quoted) this.records++
    }
    return this.records
  }
}
