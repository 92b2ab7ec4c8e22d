/** Text search over the store's FTS5 trigram indexes, and the LIKE scan for what they cannot hold. */

/**
 * The user's text as one FTS5 string: quotes doubled, so operators, columns, `*`, `^` and
 * parentheses in it are plain characters. A trigram string matches it as a substring, any case.
 */
export function ftsPhrase(text: string): string {
  return `"${text.replace(/"/g, '""')}"`
}

/** The text as a LIKE pattern that matches it anywhere (`ESCAPE '\'`). */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/** A trigram index needs three characters; shorter searches test each row with LIKE. */
export function indexable(text: string): boolean {
  return [...text].length >= 3
}
