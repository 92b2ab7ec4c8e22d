/**
 * The diff Duck shows for a change to a text file: a unified diff with three lines of
 * context, the added and removed line counts, and — for files small enough to read whole in
 * the window — the same diff with the whole file as context ("View whole file").
 */
import { formatPatch, structuredPatch } from 'diff'

/** Files longer than this (on either side) are shown only as hunks. */
export const WHOLE_DIFF_MAX_LINES = 5_000

export interface TextDiff {
  diff: string
  added: number
  removed: number
  /** The diff with every line of the file as context; absent when it would add nothing or is too long. */
  whole_diff?: string
}

function lineCount(text: string): number {
  let count = 0
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count += 1
  return text.length > 0 && !text.endsWith('\n') ? count + 1 : count
}

/** `oldName` is `/dev/null` for a new file, `newName` for a deleted one. */
export function textDiff(oldName: string, newName: string, before: string, after: string): TextDiff {
  const patch = structuredPatch(oldName, newName, before, after, '', '', { context: 3 })
  let added = 0
  let removed = 0
  for (const hunk of patch.hunks) {
    for (const line of hunk.lines) {
      if (line.startsWith('+')) added += 1
      else if (line.startsWith('-')) removed += 1
    }
  }
  const diff = formatPatch(patch)
  if (patch.hunks.length === 0 || Math.max(lineCount(before), lineCount(after)) > WHOLE_DIFF_MAX_LINES) {
    return { diff, added, removed }
  }
  const whole = formatPatch(
    structuredPatch(oldName, newName, before, after, '', '', { context: Number.MAX_SAFE_INTEGER })
  )
  return whole === diff ? { diff, added, removed } : { diff, added, removed, whole_diff: whole }
}
