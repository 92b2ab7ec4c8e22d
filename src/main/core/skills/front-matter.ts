/**
 * Skill files: markdown with a front matter block in a small, strict subset of YAML.
 *
 *   ---
 *   name: git_summary
 *   description: Summarise a Git repository's state and recent history.
 *   triggers:
 *     - git summary
 *     - recent commits
 *   steps:
 *     - Run `git status --short --branch`.
 *   ---
 *   Notes for people (ignored by Duck).
 *
 * Allowed: `key: value` (optionally in single or double quotes), `key:` followed by
 * `- item` lines, blank lines and `#` comments. Anything else is an error naming the line.
 */

export interface SkillDefinition {
  name: string
  description: string
  triggers: string[]
  steps: string[]
}

export class SkillFormatError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SkillFormatError'
  }
}

const SCALARS = ['name', 'description'] as const
const LISTS = ['triggers', 'steps'] as const
const KEYS: readonly string[] = [...SCALARS, ...LISTS]
const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/
const LIMITS = { description: 500, item: 1000, triggers: 40, steps: 30 }

type Scalar = (typeof SCALARS)[number]
type List = (typeof LISTS)[number]

function isScalar(key: string): key is Scalar {
  return (SCALARS as readonly string[]).includes(key)
}
function isList(key: string): key is List {
  return (LISTS as readonly string[]).includes(key)
}

/** Parses a skill file's text; throws SkillFormatError with the line at fault. */
export function parseSkill(source: string): SkillDefinition {
  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/)
  if (lines[0]?.trim() !== '---')
    throw new SkillFormatError('line 1: a skill file must start with a `---` line (front matter).')
  const end = lines.findIndex((line, i) => i > 0 && line.trim() === '---')
  if (end === -1) throw new SkillFormatError('the front matter is not closed: add a `---` line after it.')

  const scalars: Partial<Record<Scalar, string>> = {}
  const lists: Partial<Record<List, string[]>> = {}
  let list: List | null = null
  for (let i = 1; i < end; i++) {
    const line = lines[i] ?? ''
    const at = `line ${i + 1}`
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue
    if (line.includes('\t')) throw new SkillFormatError(`${at}: tabs are not allowed; indent with spaces.`)
    const item = /^\s*-(?:\s+(.*))?$/.exec(line)
    if (item) {
      if (list === null)
        throw new SkillFormatError(`${at}: a \`- item\` needs a list key above it (triggers: or steps:).`)
      const value = unquote(item[1]?.trim() ?? '', at)
      if (value === '') throw new SkillFormatError(`${at}: empty list item.`)
      if (value.length > LIMITS.item)
        throw new SkillFormatError(`${at}: the item is longer than ${LIMITS.item} characters.`)
      ;(lists[list] ??= []).push(value)
      continue
    }
    const pair = /^([A-Za-z_][\w-]*)\s*:(?:\s+(.*)|\s*)$/.exec(line)
    if (!pair) throw new SkillFormatError(`${at}: expected \`key: value\`, \`key:\` or \`- item\`.`)
    const key = pair[1] as string
    const value = pair[2]?.trim() ?? ''
    if (!KEYS.includes(key)) throw new SkillFormatError(`${at}: unknown key "${key}" (expected ${KEYS.join(', ')}).`)
    if (key in scalars || key in lists) throw new SkillFormatError(`${at}: "${key}" is given twice.`)
    if (isList(key)) {
      if (value !== '')
        throw new SkillFormatError(`${at}: "${key}" must be a list: put each entry on its own \`- item\` line.`)
      lists[key] = []
      list = key
    } else if (isScalar(key)) {
      if (value === '') throw new SkillFormatError(`${at}: "${key}" needs a value on the same line.`)
      scalars[key] = unquote(value, at)
      list = null
    }
  }
  return validate(scalars, lists)
}

function unquote(value: string, at: string): string {
  const quote = value[0]
  if (quote !== '"' && quote !== "'") return value
  if (value.length < 2 || value[value.length - 1] !== quote)
    throw new SkillFormatError(`${at}: the quoted value is not closed.`)
  const inner = value.slice(1, -1)
  return quote === "'" ? inner.replace(/''/g, "'") : inner.replace(/\\(["\\])/g, '$1')
}

function validate(scalars: Partial<Record<Scalar, string>>, lists: Partial<Record<List, string[]>>): SkillDefinition {
  const { name, description } = scalars
  if (name === undefined) throw new SkillFormatError('"name" is missing.')
  if (!NAME.test(name)) {
    throw new SkillFormatError(`"name" must be lower-case letters, digits, "_" or "-" (at most 64), not "${name}".`)
  }
  if (description === undefined) throw new SkillFormatError('"description" is missing.')
  if (description.length > LIMITS.description)
    throw new SkillFormatError(`"description" is longer than ${LIMITS.description} characters.`)
  const triggers = lists.triggers ?? []
  const steps = lists.steps ?? []
  if (triggers.length === 0)
    throw new SkillFormatError('"triggers" needs at least one `- item` (phrases a request would use).')
  if (steps.length === 0) throw new SkillFormatError('"steps" needs at least one `- item`.')
  if (triggers.length > LIMITS.triggers)
    throw new SkillFormatError(`"triggers" has more than ${LIMITS.triggers} items.`)
  if (steps.length > LIMITS.steps) throw new SkillFormatError(`"steps" has more than ${LIMITS.steps} items.`)
  return { name, description, triggers, steps }
}
