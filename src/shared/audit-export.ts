import { DuckApiError, type AuditExportOptions, type AuditExportResult } from './api'

/** One chunk of an export as the IPC call answers it (see DuckService.auditExportChunk). */
export interface AuditExportChunkAnswer {
  text: string
  rows: number
  total: number | null
  next_cursor: string | null
  contentType: string
  filename: string
}

export function exportCancelled(): DuckApiError {
  return new DuckApiError('invalid_input', 'The export was cancelled.', 0)
}

/** An export as a loop over chunk calls, each older than the last (the IPC transport). */
export async function exportByChunks(
  chunk: (cursor: string | null) => Promise<AuditExportChunkAnswer>,
  options: AuditExportOptions = {}
): Promise<AuditExportResult> {
  const parts: string[] = []
  let rows = 0
  let total = 0
  let cursor: string | null = null
  let file = { contentType: 'text/csv', filename: 'duck-audit.csv' }
  do {
    const answer: AuditExportChunkAnswer = await chunk(cursor)
    if (answer.total !== null) total = answer.total
    file = { contentType: answer.contentType, filename: answer.filename }
    parts.push(answer.text)
    rows += answer.rows
    cursor = answer.next_cursor
    if (options.onProgress?.(rows, Math.max(total, rows)) === false) throw exportCancelled()
  } while (cursor)
  return { parts, rows, total: Math.max(total, rows), filename: file.filename, type: file.contentType }
}
