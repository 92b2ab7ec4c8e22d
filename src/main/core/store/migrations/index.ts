import { migration001Settings } from './001_settings'
import { migration002Agent } from './002_agent'
import { migration003Memory } from './003_memory'
import { migration004Models } from './004_models'
import { migration005PostTaskJobs } from './005_post_task_jobs'
import { migration006AuditSandbox } from './006_audit_sandbox'
import { migration007ApprovalPreview } from './007_approval_preview'
import { migration008FileChanges } from './008_file_changes'
import { migration009Mcp } from './009_mcp'
import { migration010RuleArguments } from './010_rule_arguments'
import { migration011CommandPreviews } from './011_command_previews'
import { migration012ConversationSearch } from './012_conversation_search'
import { migration013AuditSearch } from './013_audit_search'
import type { Migration } from './types'

/** Every migration in order. Add new ones at the end; never edit an applied one. */
export const MIGRATIONS: readonly Migration[] = [
  migration001Settings,
  migration002Agent,
  migration003Memory,
  migration004Models,
  migration005PostTaskJobs,
  migration006AuditSandbox,
  migration007ApprovalPreview,
  migration008FileChanges,
  migration009Mcp,
  migration010RuleArguments,
  migration011CommandPreviews,
  migration012ConversationSearch,
  migration013AuditSearch
]
