import { guardedProvider, type ContextProvider, type LearningSettings } from '../memory/context'
import type { Db } from '../store/database'
import { lessonReference, recallLessons } from './recall'

/** Lessons from similar earlier requests; nothing when reflection is off. */
export function lessonContext(db: Db, settings: () => LearningSettings): ContextProvider {
  return guardedProvider('lessons', ({ request }) =>
    settings().reflectionEnabled ? lessonReference(recallLessons(db, request)) : null
  )
}
