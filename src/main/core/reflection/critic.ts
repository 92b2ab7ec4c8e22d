/**
 * The critic role: after a task, a short review whose reusable lesson becomes one
 * experience entry.
 */
import { describeTask, type TaskDigest } from '../memory/digest'
import { PostTaskError } from '../memory/policy'
import { oneLine } from '../memory/text'
import type { ChatMessage, ChatModel } from '../model/types'

export const LESSON_MAX_CHARS = 500

export const CRITIC_SYSTEM = `You are Duck's critic. Duck is a desktop assistant that plans tool actions in a folder on
the user's computer and then answers. Review the finished task below and write one lesson
that would help Duck handle a similar request better next time.

Reply in plain text, at most four sentences: a short review of what went well or badly, then
a last line that starts with "Reusable lesson:" followed by one general sentence. The lesson
must make sense without this task (no file names, paths or values that only apply here) and
must never contain passwords, keys or other secrets.`

export function criticMessages(digest: TaskDigest): ChatMessage[] {
  return [
    { role: 'system', content: CRITIC_SYSTEM },
    { role: 'user', content: describeTask(digest) }
  ]
}

const LESSON_LABEL = /(?:^|[\s*_#>-])reusable\s+lesson\s*[*_]*\s*[:：]\s*[*_]*/i

/**
 * The lesson in a critic's reply: the text after "Reusable lesson:" when present, else the
 * whole reply; one line, bounded. Throws when the reply holds no usable sentence.
 */
export function extractLesson(reply: string): string {
  const label = LESSON_LABEL.exec(reply)
  const raw = label ? reply.slice(label.index + label[0].length) : reply
  const lesson = oneLine(
    raw.replace(/```[\s\S]*?```/g, ' ').replace(/^[\s"'“”*_]+|[\s"'“”*_]+$/g, ''),
    LESSON_MAX_CHARS
  )
  const letterWords = lesson.match(/\p{L}{2,}/gu) ?? []
  const letters = (lesson.match(/\p{L}/gu) ?? []).length
  const visible = lesson.replace(/\s/g, '').length
  if (letterWords.length < 3 || letters < visible * 0.5) {
    throw new PostTaskError(
      lesson === '' ? 'The critic replied with nothing.' : 'The critic’s reply holds no usable lesson.'
    )
  }
  return lesson
}

export async function reflect(model: ChatModel, digest: TaskDigest, signal: AbortSignal): Promise<string> {
  // Background work stays light on a local server: no thinking, a short answer.
  const reply = await model.chat('critic', criticMessages(digest), {
    temperature: 0.2,
    reasoning: 'off',
    maxTokens: 600,
    signal
  })
  // A review cut off mid-sentence would be stored as a broken lesson.
  if (reply.truncated)
    throw new PostTaskError('The critic’s reply was cut off at its length limit; no lesson was stored.')
  return extractLesson(reply.content)
}
