/**
 * Text helpers shared by memory, lessons and skills: words, a light stemmer, stop words,
 * normalisation for duplicate checks, and FTS5 query building that no input can break.
 */
import { createHash } from 'node:crypto'

const WORD = /[\p{L}\p{N}]+/gu

/** Common English words that say nothing about what a request or a memory is about. */
const STOP_WORDS = new Set(
  (
    'a about above after again all also am an and any are as at be because been before being below between both but by ' +
    'can could did do does doing done down during each few for from further get got had has have having he her here hers ' +
    'him his how i if in into is it its itself just let me more most my myself no nor not now of off on once only or other ' +
    'our ours out over own please same she should so some such than that the their theirs them then there these they this ' +
    'those through to too under until up very want was we were what when where which while who whom why will with would ' +
    'you your yours yourself tell show give use using need needs thing things something anything don doesn isn ' +
    'won ok okay hi hello hey thanks thank'
  ).split(/\s+/)
)

/** Lower-cased words (letters and digits) of a text, in order, diacritics removed. */
export function words(text: string): string[] {
  const folded = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
  return folded.match(WORD) ?? []
}

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word)
}

/** Words worth matching on: no stop words, no single letters, unique, in order. */
export function keywords(text: string, max = Number.POSITIVE_INFINITY): string[] {
  const out: string[] = []
  const seen = new Set<string>()
  for (const word of words(text)) {
    if (word.length < 2 || STOP_WORDS.has(word) || seen.has(word)) continue
    seen.add(word)
    out.push(word)
    if (out.length >= max) break
  }
  return out
}

const SYNONYMS: Record<string, string> = {
  repo: 'repository',
  repos: 'repository',
  analyse: 'analyze',
  analysis: 'analyze',
  dir: 'directory',
  dirs: 'directory',
  folder: 'directory',
  folders: 'directory',
  biggest: 'large',
  largest: 'large',
  big: 'large',
  huge: 'large',
  upgrade: 'update',
  upgrades: 'update',
  upgradable: 'update',
  upgradeable: 'update',
  outdated: 'update',
  commits: 'commit',
  codebase: 'project',
  summarise: 'summarize',
  summarised: 'summarize'
}

/**
 * A deliberately small stemmer (plural and -ing/-ed endings, final e), enough for matching
 * "files"/"file" and "changed"/"changes" without pulling in a full Porter implementation.
 */
export function stem(word: string): string {
  let w = SYNONYMS[word] ?? word
  if (w.length > 4 && w.endsWith('ies')) w = w.slice(0, -3) + 'y'
  else if (w.length > 4 && w.endsWith('sses')) w = w.slice(0, -2)
  else if (w.length > 3 && w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1)
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3)
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2)
  if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1)
  return SYNONYMS[w] ?? w
}

/** The stems of a text's keywords, as a set. */
export function stemSet(text: string): Set<string> {
  return new Set(keywords(text).map(stem))
}

/** |a ∩ b| / |a ∪ b|; 0 when both are empty. */
export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 0
  let shared = 0
  for (const x of a) if (b.has(x)) shared++
  return shared / (a.size + b.size - shared)
}

/** The same sentence written slightly differently compares equal: case, spacing, end punctuation. */
export function normaliseText(text: string): string {
  return words(text).join(' ')
}

/** One line, trimmed, at most `max` characters (cut at a word boundary, with an ellipsis). */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  if (flat.length <= max) return flat
  const cut = flat.slice(0, max - 1)
  const space = cut.lastIndexOf(' ')
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`
}

// -- FTS5 ----------------------------------------------------------------------------------

/** A token as an FTS5 string: always quoted, so operators and punctuation are plain text. */
export function ftsQuote(token: string): string {
  return `"${token.replace(/"/g, '""')}"`
}

/** Matches rows holding any of the words (OR), best ranked by bm25; null when there is nothing to match. */
export function ftsAnyOf(tokens: string[]): string | null {
  return tokens.length === 0 ? null : tokens.map(ftsQuote).join(' OR ')
}

/** Search-box semantics: every word must appear, the last one as a prefix (typing "buil" finds "build"). */
export function ftsAllWithPrefix(tokens: string[]): string | null {
  if (tokens.length === 0) return null
  return tokens.map((t, i) => (i === tokens.length - 1 ? `${ftsQuote(t)}*` : ftsQuote(t))).join(' ')
}

/** Restricts an FTS5 expression to one column. */
export function ftsColumn(column: string, expression: string): string {
  return `${column} : (${expression})`
}

/** The scope key of global memories. */
export const GLOBAL_SCOPE_KEY = '0'

/**
 * The scope key of a workspace: digits only, so the FTS tokenizer (and its stemmer) keeps it
 * as it is. It lets the FTS index itself narrow a search to one workspace plus global memories.
 */
export function workspaceScopeKey(workspace: string): string {
  const hex = createHash('sha256').update(workspace).digest('hex').slice(0, 13)
  return `1${BigInt(`0x${hex}`).toString()}`
}

/** Julian day number of a moment, as SQLite's julianday() gives it. */
export function julianDay(ms = Date.now()): number {
  return ms / 86_400_000 + 2_440_587.5
}
