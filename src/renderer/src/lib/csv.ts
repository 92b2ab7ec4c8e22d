/** A text cell a spreadsheet would evaluate (a formula, or one after a tab or CR): OWASP's list. */
const FORMULA_START = /^[=+\-@\t\r]/

/**
 * CSV per RFC 4180: quoted where needed, CRLF line ends. Quoting does not stop a spreadsheet
 * from running `=HYPERLINK(…)` from a command, so a text cell that starts like a formula gets
 * a leading `'` (shown as text, not evaluated). Numbers stay numbers (-1 is not a formula).
 */
export function toCsv(header: string[], rows: (string | number | boolean | null)[][]): string {
  const cell = (value: string | number | boolean | null): string => {
    let text = value === null ? '' : String(value)
    if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
  }
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n'
}

/** Saves text as a file through a Blob and an object URL. */
export function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const link = document.createElement('a')
  link.href = url
  link.download = name
  link.rel = 'noopener'
  document.body.appendChild(link)
  link.click()
  link.remove()
  window.setTimeout(() => URL.revokeObjectURL(url), 1000)
}
