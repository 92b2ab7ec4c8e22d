import { describe, expect, it } from 'vitest'
import { openDatabase } from '../store/database'
import {
  ftsAllWithPrefix,
  ftsAnyOf,
  jaccard,
  keywords,
  normaliseText,
  oneLine,
  stem,
  stemSet,
  words,
  workspaceScopeKey
} from './text'

describe('words and keywords', () => {
  it('lower-cases, folds diacritics and drops stop words and single letters', () => {
    expect(words('Café, NAÏVE résumé!')).toEqual(['cafe', 'naive', 'resume'])
    expect(keywords('What is the build command for this project? a b')).toEqual(['build', 'command', 'project'])
    expect(keywords('one two one three', 2)).toEqual(['one', 'two'])
  })

  it('stems plurals and -ing/-ed endings to the same word', () => {
    expect(stem('files')).toBe(stem('file'))
    expect(stem('changed')).toBe(stem('changes'))
    expect(stem('analyzing')).toBe(stem('analyze'))
    expect(stem('analyse')).toBe(stem('analyze'))
    expect(stem('repositories')).toBe(stem('repository'))
    expect(stem('repo')).toBe(stem('repository'))
    expect(stem('upgradable')).toBe(stem('updates'))
  })

  it('normalises text for duplicate checks and measures overlap', () => {
    expect(normaliseText('  The project uses PNPM. ')).toBe(normaliseText('the project uses pnpm'))
    expect(jaccard(stemSet('The tests run with vitest'), stemSet('Tests run with Vitest.'))).toBe(1)
    expect(jaccard(new Set(), new Set())).toBe(0)
  })

  it('bounds a line at a word boundary', () => {
    expect(oneLine('a  b\n c', 100)).toBe('a b c')
    const long = oneLine('word '.repeat(100), 50)
    expect(long.length).toBeLessThanOrEqual(50)
    expect(long.endsWith('…')).toBe(true)
  })

  it('gives each workspace its own digits-only scope key', () => {
    expect(workspaceScopeKey('/a')).toMatch(/^1\d+$/)
    expect(workspaceScopeKey('/a')).toBe(workspaceScopeKey('/a'))
    expect(workspaceScopeKey('/a')).not.toBe(workspaceScopeKey('/b'))
  })
})

describe('FTS5 queries', () => {
  const hostile = [
    'hello"world',
    '"',
    '""',
    'NEAR(a b',
    'a AND OR NOT b',
    'col:value',
    'text : x',
    '*',
    'abc*',
    '^start',
    '-minus +plus',
    '(((',
    ')',
    "it's 100% {braces} [brackets] <angle>",
    'emoji 🦆 and 漢字 and ünïcödé',
    'back\\slash / slash',
    '\u0000 control \u0007',
    'a'.repeat(500)
  ]

  it('never raise a syntax error, whatever the input', () => {
    const db = openDatabase(':memory:')
    db.exec("CREATE VIRTUAL TABLE t USING fts5(text, tokenize = 'porter unicode61 remove_diacritics 2')")
    db.prepare('INSERT INTO t (text) VALUES (?)').run('hello world and 100% coverage')
    const query = db.prepare('SELECT rowid FROM t WHERE t MATCH ?')
    for (const input of hostile) {
      for (const match of [ftsAnyOf(words(input)), ftsAllWithPrefix(words(input)), ftsAnyOf(keywords(input))]) {
        if (match !== null) expect(() => query.all(match), `${input} → ${match}`).not.toThrow()
      }
    }
    expect(query.all(ftsAnyOf(words('hello"world')) as string)).toHaveLength(1)
    expect(query.all(ftsAllWithPrefix(words('hel')) as string)).toHaveLength(1)
    db.close()
  })

  it('are null when there is nothing to look for', () => {
    expect(ftsAnyOf(keywords('the of and'))).toBeNull()
    expect(ftsAllWithPrefix(words('?!'))).toBeNull()
  })
})
