import { migration001Settings } from './001_settings'
import { migration002Agent } from './002_agent'
import { migration003Memory } from './003_memory'
import type { Migration } from './types'

/** Every migration in order. Add new ones at the end; never edit an applied one. */
export const MIGRATIONS: readonly Migration[] = [migration001Settings, migration002Agent, migration003Memory]
