/**
 * Reference blocks: retrieved text put into a prompt as background, framed so the model
 * reads it as material, never as instructions. Shared by memories, lessons and skills.
 */
import { oneLine } from './text'

/**
 * One retrieved item as a single bounded line. The marker the agent uses for tool results
 * is defused, so stored text can never pose as this task's observations.
 */
export function referenceLine(text: string, max = 400): string {
  return oneLine(text.replace(/tool_observations/gi, 'tool observations'), max)
}

/** A titled, framed list; null when there is nothing to say. */
export function referenceBlock(title: string, framing: string, items: string[]): string | null {
  if (items.length === 0) return null
  return `${title}\n${framing}\n${items.map((item) => `- ${referenceLine(item)}`).join('\n')}`
}
