/**
 * Redaction for everything Duck writes to its log: secrets never reach a log file. Keys that name
 * a secret are replaced wherever they appear in an object; known secret shapes (bearer tokens,
 * API keys, `password=` pairs) are replaced in text.
 */
export const REDACTED = '[redacted]'

const SECRET_KEY =
  /^(?:.*[_-])?(?:pass(?:word|wd|phrase)?|secret|token|api[_-]?key|apikey|authori[sz]ation|cookie|credentials?)$/i

const TEXT_PATTERNS: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [/\bsk-[A-Za-z0-9_-]{8,}/g, REDACTED],
  [/\b(gh[pousr]_[A-Za-z0-9]{16,})/g, REDACTED],
  [/("?(?:password|passwd|api[_-]?key|token|secret)"?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;&}]+)/gi, `$1${REDACTED}`],
  [/([?&](?:token|key|api_key|password)=)[^&#\s]+/gi, `$1${REDACTED}`]
]

/** True for keys that name a secret: `password`, `api_key`, `modelApiKey`, `access_token`… */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key.replace(/([a-z0-9])([A-Z])/g, '$1_$2'))
}

export function redactText(text: string): string {
  let out = text
  for (const [pattern, replacement] of TEXT_PATTERNS) out = out.replace(pattern, replacement)
  return out
}

function redactValue(value: unknown, seen: WeakSet<object>, depth: number): unknown {
  if (typeof value === 'string') return redactText(value)
  if (typeof value !== 'object' || value === null) return value
  if (seen.has(value) || depth > 6) return '[…]'
  seen.add(value)
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redactText(value.message),
      stack: value.stack ? redactText(value.stack) : undefined
    }
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, seen, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value))
    out[key] = isSecretKey(key) ? REDACTED : redactValue(item, seen, depth + 1)
  return out
}

/** A redacted copy of any value: strings, errors, objects (by key), arrays. */
export function redact(value: unknown): unknown {
  return redactValue(value, new WeakSet(), 0)
}

/** One log line's text for a value. */
export function redactToString(value: unknown): string {
  const clean = redact(value)
  if (typeof clean === 'string') return clean
  if (value instanceof Error) {
    const e = clean as { name: string; message: string; stack?: string }
    return e.stack ?? `${e.name}: ${e.message}`
  }
  try {
    return JSON.stringify(clean)
  } catch {
    return String(clean)
  }
}
