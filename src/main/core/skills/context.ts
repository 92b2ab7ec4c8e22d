import { guardedProvider, type ContextProvider } from '../memory/context'
import type { SkillCatalog } from './catalog'
import { matchSkill, skillReference } from './match'

/** The active skill for the request, if one matches well. */
export function skillContext(catalog: SkillCatalog): ContextProvider {
  return guardedProvider('skills', ({ request }) => {
    const match = matchSkill(catalog.list(), request)
    return match ? skillReference(match.skill) : null
  })
}
