/** Small, pure formatting helpers for the window. */
import type { ToolActionType, AuditDecision, GenerationStats, RiskLevel } from '../../../shared/events'

export function seconds(ms: number, digits = 1): string {
  return `${(ms / 1000).toFixed(digits)} s`
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return seconds(ms)
  const m = Math.floor(ms / 60_000)
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`
}

/** "38.2 tok/s · 21–44 · 512 tokens · first token 0.41 s"; null when there is nothing to say. */
export function statsLine(stats: GenerationStats | null): string | null {
  if (!stats || stats.output_tokens <= 0) return null
  const parts: string[] = []
  if (stats.avg_tokens_per_second !== null) parts.push(`${stats.avg_tokens_per_second.toFixed(1)} tok/s`)
  if (stats.min_tokens_per_second !== null && stats.max_tokens_per_second !== null) {
    parts.push(`${Math.round(stats.min_tokens_per_second)}–${Math.round(stats.max_tokens_per_second)}`)
  }
  parts.push(`${stats.output_tokens} ${stats.output_tokens === 1 ? 'token' : 'tokens'}`)
  if (stats.ttft_ms !== null) parts.push(`first token ${(stats.ttft_ms / 1000).toFixed(2)} s`)
  return parts.join(' · ')
}

/** Said under an answer that a length or context limit cut off. */
export const TRUNCATED_NOTE = "The answer was cut off: it reached the model's length limit."

export function wasTruncated(stats: GenerationStats | null): boolean {
  return stats?.truncated === true
}

/** "512 B", "8.4 kB", "1.8 GB" (decimal units, as model sizes are given). */
export function bytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '?'
  if (n < 1000) return `${Math.round(n)} B`
  const units = ['kB', 'MB', 'GB', 'TB']
  let value = n / 1000
  let unit = 0
  while (value >= 999.5 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  return `${value < 9.95 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`
}

/** "8.2 MB/s". */
export function rate(bytesPerSecond: number): string {
  return `${bytes(bytesPerSecond)}/s`
}

/** "12 s left", "about 4 min left", "about 1 h 20 min left". */
export function timeLeft(secondsLeft: number): string {
  const s = Math.max(0, Math.round(secondsLeft))
  if (s < 60) return `${s} s left`
  const minutes = Math.round(s / 60)
  if (minutes < 60) return `about ${minutes} min left`
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  return `about ${h} h${m ? ` ${m} min` : ''} left`
}

/** "8,192" in the person's locale. */
export function count(n: number): string {
  return n.toLocaleString()
}

export const RISK_LABELS: Record<RiskLevel | 'privileged', string> = {
  none: 'No risk',
  low: 'Low risk',
  medium: 'Medium risk',
  high: 'High risk',
  privileged: 'Privileged'
}

export const ACTION_LABELS: Record<ToolActionType, string> = {
  system_info: 'System info',
  package_check: 'Package check',
  file_read: 'Read files',
  file_write: 'Write files',
  network: 'Network',
  process: 'Process',
  package_install: 'Install packages',
  privileged: 'Administrator',
  unknown: 'Other',
  mcp: 'MCP tool'
}

export const DECISION_LABELS: Record<AuditDecision, string> = {
  auto_allowed: 'Auto-allowed',
  allowed_once: 'Allowed once',
  allowed_always: 'Always allowed',
  denied: 'Denied',
  pending: 'Pending'
}

export function actionLabel(type: string): string {
  return (ACTION_LABELS as Record<string, string>)[type] ?? type
}

/** The badge a call shows: privileged action types are violet whatever the risk. */
export function riskKey(risk: RiskLevel, actionType: string): RiskLevel | 'privileged' {
  return actionType === 'privileged' ? 'privileged' : risk
}

/** "14:02", "Yesterday", "Mar 3" — short relative times for lists. */
export function relativeTime(iso: string, now: Date = new Date()): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return ''
  const diff = now.getTime() - date.getTime()
  if (diff < 60_000) return 'now'
  if (diff < 3_600_000) return `${Math.floor(diff / 60_000)} min`
  if (sameDay(date, now)) return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
  const yesterday = new Date(now)
  yesterday.setDate(now.getDate() - 1)
  if (sameDay(date, yesterday)) return 'Yesterday'
  return date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })
}

/** "2026-03-04 14:02:33" in local time: compact, sortable, the same everywhere. */
export function dateTime(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  const two = (n: number): string => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
}

/** "/home/me/projects/site" → "…/projects/site" (the last parts of a long path). */
export function shortPath(path: string, parts = 2): string {
  const pieces = path.split('/').filter(Boolean)
  return pieces.length <= parts ? path : `…/${pieces.slice(-parts).join('/')}`
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}

export function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate()
}

export type DayGroup = 'Today' | 'Yesterday' | 'Earlier'

export function dayGroup(iso: string, now: Date = new Date()): DayGroup {
  const date = new Date(iso)
  if (sameDay(date, now)) return 'Today'
  const yesterday = new Date(now)
  yesterday.setDate(now.getDate() - 1)
  return sameDay(date, yesterday) ? 'Yesterday' : 'Earlier'
}

/** The host of a URL ("127.0.0.1:8080"), or the text itself when it is not one. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}

export function lineCount(text: string): number {
  if (text === '') return 0
  const trimmed = text.endsWith('\n') ? text.slice(0, -1) : text
  return trimmed.split('\n').length
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
