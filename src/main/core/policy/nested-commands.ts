/**
 * Commands inside commands: `bash -c '…'`, `sudo …`, `xargs rm`, `find -exec …`. The verdict
 * for such a part combines the program's own verdict with the inner command's.
 */
import { maxRisk, mostDangerousAction } from './risk'
import type { PartVerdict, Summary } from './verdict'
import { unique } from './verdict'

/** How many commands deep Duck looks before it stops (the outer verdict still asks). */
export const MAX_DEPTH = 3

/**
 * How a classifier looks at an inner command. shell-policy passes it down, so the
 * per-program modules never import shell-policy back.
 */
export interface Nesting {
  /** How deep the part being classified is: 0 for the command itself. */
  depth: number
  classify(argv: string[], globs: boolean[], depth: number): Promise<PartVerdict>
  summarize(command: string, depth: number): Promise<Summary>
}

/** A verdict for a program that runs a command string (`bash -c '…'`, `su -c '…'`). */
export async function innerString(script: string | undefined, nest: Nesting, base: PartVerdict): Promise<PartVerdict> {
  if (script === undefined || nest.depth >= MAX_DEPTH) return base
  const inner = await nest.summarize(script, nest.depth + 1)
  return {
    ...base,
    action: mostDangerousAction([base.action, inner.action]),
    risk: maxRisk(base.risk, inner.risk),
    privileged: base.privileged || inner.privileged,
    reasons: unique([...base.reasons, ...inner.reasons])
  }
}

/** A verdict for a program that runs another program given as words (`xargs rm`). */
export async function innerArgv(argv: string[] | null, nest: Nesting, base: PartVerdict): Promise<PartVerdict> {
  if (!argv || argv.length === 0 || nest.depth >= MAX_DEPTH) return base
  const inner = await nest.classify(
    argv,
    argv.map(() => false),
    nest.depth + 1
  )
  return {
    ...base,
    action: mostDangerousAction([base.action, inner.action]),
    risk: maxRisk(base.risk, inner.risk),
    privileged: base.privileged || inner.privileged,
    reasons: unique([...base.reasons, ...inner.reasons])
  }
}
