/**
 * The safety gate for shell commands (like Codex CLI's "safe command" check).
 *
 * A command runs without a person only when it parses into plain parts (see bash-parser: the
 * tree-sitter reading must agree with Duck's own reading of the line with bash's rules, and
 * control or invisible characters are refused first, see lexical) AND every part is a program
 * on the read-only allow-list, with only options on that program's list (program-options,
 * package-options) and, for programs with a language of their own, a script or program read
 * with that language's tokens and found harmless (sed-script, jq-program, awk-program), AND
 * (given the workspace) every file it names is inside the workspace, no wildcard expands into
 * an option, and no repository or project file there would make it run a program of its own
 * (git-repository, workspace-config). Everything else needs a person. What may run without a
 * person runs with a forced environment (`run_env`, see run-environment), which the executor
 * applies.
 * The rest of the work here is describing the command well: its action type, risk level,
 * plain-English reasons, the paths outside the workspace it names and the keys an "Always
 * allow" rule would be made of.
 *
 * Workspace confinement (see confinement and operands): every operand that could be a path
 * (non-option words, `--opt=value` values, path options such as `git -C`, `cd` targets,
 * files named in sed scripts) is resolved like the file tools resolve paths (`~`, `..`,
 * symlinks, wildcards expanded) against the workspace root and against every folder an earlier
 * `cd` may have gone to. A part naming anything outside asks, lists it in `outside_workspace`
 * and has no rule key. So do walks that follow symlinks out (`grep -R`, `rg -L`, `find -L`, …)
 * and `git` in a workspace that is only part of a larger repository. With or without a
 * workspace, process folders under `/proc` (other programs' environment variables) ask, as do
 * `ps e`, `printenv`, `set` and jq's `env`.
 *
 * Risk levels:
 * - `none`: pure system information (`pwd`, `whoami`, `uname`, `df`, `ps`, …).
 * - `low`: other read-only commands (`ls`, `cat`, `grep`, `git status`, `apt list`, …).
 * - `medium`: anything that changes files, controls processes, uses the network, runs other
 *   programs, reads outside the workspace or cannot be parsed into plain parts (substitutions,
 *   redirects, …).
 * - `high`: recursive or disk-level deletion (`rm -r`, `find -delete`, `dd`, …), package
 *   installs and removals, forced pushes and hard resets, and anything privileged (`sudo`,
 *   `su`, `pkexec`, `doas`).
 *
 * "Always allow" keys are the program plus its subcommand (`git status`, `apt list`, `touch`),
 * plus the verb where a subcommand has verbs (`git stash drop`, `docker volume rm`, `gh repo
 * delete`) and the script or target where that is what runs (`npm run build`, `make test`,
 * `python3 -m http.server`). Destructive or writing forms get their own key so a rule for the
 * everyday form never covers them: `rm -r`, `find -delete`, `sed -i`, `sed w`, `git push
 * --force` (also `+ref`, `:ref`, `--delete`, `--mirror`, `--prune`), `git reset --hard`,
 * `git clean -f`, `git branch --delete`. Parts that run code given inline or another program
 * (`bash -c`, `python -c`, `eval`, `xargs`, `env`, `find -exec`, `git -c`, `git diff
 * --ext-diff`, `sed … e`, sed scripts Duck cannot check, `tar --to-command`, `rsync -e`,
 * `ssh -o`, `npx -p`, `npm exec`, `make -f`, `awk` with `system`, pagers and editors, …),
 * parts whose wildcards could turn into options, parts that read outside the workspace and
 * privileged commands have no key, so no rule can ever cover them.
 *
 * The planner's risk can only raise the reported risk. `needs_approval` is decided by the
 * command alone, except that a planner risk of `high` always asks a person too.
 *
 * This module combines the verdicts of a command's parts; the per-program rules live in
 * read-only-programs (the allow-list and its argument checks), program-runners (sudo, shells,
 * interpreters, wrappers), subcommand-programs (git, package managers, docker, …) and
 * other-programs (programs that are never read-only); confinement judges the files.
 */
import type { ActionType, RiskLevel } from '../../../shared/events'
import type { Assessment } from '../tools/types'
import type { CommandPart } from './bash-parser'
import { analyzeCommand } from './bash-parser'
import { confineParts, outsidePaths } from './confinement'
import type { Nesting } from './nested-commands'
import { CODE_BUILTINS, OTHER_PROGRAMS } from './other-programs'
import { interpreter, INTERPRETERS, privileged, PRIVILEGED, shell, SHELLS, wrapper, WRAPPERS } from './program-runners'
import { lexicalProblem } from './lexical'
import { joinWords } from './rules'
import type { RunEnvironment } from './run-environment'
import { POLICY_RUN_ENV } from './run-environment'
import { refusedOption } from './program-options'
import { READ_ONLY } from './read-only-programs'
import { maxRisk, mostDangerousAction } from './risk'
import { SUBCOMMANDS } from './subcommand-programs'
import type { PartVerdict, Summary } from './verdict'
import { ask, lookup, safe, unique } from './verdict'

export type { PartVerdict } from './verdict'
export type { RunEnvironment } from './run-environment'
export { applyRunEnvironment, POLICY_RUN_ENV } from './run-environment'

/**
 * The policy's assessment of a shell command. When it may run without a person
 * (`needs_approval: false`), `run_env` is the environment it must run with (see
 * run-environment for the exact contract); it is absent otherwise.
 */
export type ShellAssessment = Assessment & { run_env?: RunEnvironment }

/**
 * Assesses a shell command; see the module comment for the rules. `workspace` is the folder the
 * command runs in: read-only parts that name files outside it ask.
 */
export async function assessShellCommand(
  command: string,
  plannerRisk?: RiskLevel,
  workspace?: string
): Promise<ShellAssessment> {
  const lexical = lexicalProblem(command)
  if (lexical !== null) {
    return {
      risk_level: maxRisk('medium', plannerRisk),
      action_type: 'unknown',
      needs_approval: true,
      reasons: [lexical],
      outside_workspace: [],
      privileged: false,
      rule_keys: []
    }
  }
  const summary = await summarize(command, 0, workspace)
  let needsApproval = !summary.safe || summary.privileged
  const reasons = [...summary.reasons]
  if (plannerRisk === 'high' && !needsApproval) {
    needsApproval = true
    reasons.push('the planner rated this step as high risk')
  }
  return {
    risk_level: maxRisk(summary.risk, plannerRisk),
    action_type: summary.action,
    needs_approval: needsApproval,
    reasons: needsApproval ? unique(reasons) : [],
    outside_workspace: summary.outside,
    privileged: summary.privileged,
    rule_keys: summary.privileged ? [] : summary.ruleKeys,
    rule_parts: summary.privileged ? [] : summary.ruleParts,
    ...(needsApproval ? {} : { run_env: POLICY_RUN_ENV })
  }
}

/** Classifies one plain command (argv after quote removal). Exported for tests and tools. */
export async function classifyArgv(argv: string[], globs?: boolean[]): Promise<PartVerdict> {
  return classify(argv, globs ?? argv.map(() => false), 0)
}

// ---------------------------------------------------------------------------------------------
// Whole commands

const READING: ReadonlySet<ActionType> = new Set(['file_read', 'system_info', 'package_check'])

/**
 * The verdicts of a plain command's parts with the workspace check folded in: a part that
 * names files outside the workspace asks and has no rule key.
 */
async function confine(
  parts: readonly CommandPart[],
  verdicts: PartVerdict[],
  workspace: string | undefined
): Promise<{ verdicts: PartVerdict[]; outside: string[] }> {
  const confinement = await confineParts(
    parts.map((part, i) => ({
      argv: part.argv,
      globs: part.globs,
      reads: READING.has((verdicts[i] as PartVerdict).action),
      safe: (verdicts[i] as PartVerdict).safe
    })),
    workspace
  )
  const confined = verdicts.map((verdict, i) => {
    const reasons = confinement[i]?.reasons ?? []
    if (reasons.length === 0) return verdict
    return {
      ...verdict,
      safe: false,
      key: null,
      risk: maxRisk(verdict.risk, 'medium'),
      reasons: unique([...(verdict.safe ? [] : verdict.reasons), ...reasons])
    }
  })
  return { verdicts: confined, outside: unique(confinement.flatMap((c) => c.outside)) }
}

async function summarize(command: string, depth: number, workspace?: string): Promise<Summary> {
  const analysis = await analyzeCommand(command)
  if (analysis.parsed.ok) {
    const { parts } = analysis.parsed
    const classified: PartVerdict[] = []
    for (const part of parts) classified.push(await classify(part.argv, part.globs, depth))
    const { verdicts, outside } =
      depth === 0 ? await confine(parts, classified, workspace) : { verdicts: classified, outside: [] }
    const keys = verdicts.map((v) => v.key)
    const allKeyed = keys.every((k): k is string => k !== null)
    return {
      safe: verdicts.every((v) => v.safe),
      risk: maxRisk(...verdicts.map((v) => v.risk)),
      action: mostDangerousAction(verdicts.map((v) => v.action)),
      privileged: verdicts.some((v) => v.privileged),
      reasons: unique(verdicts.flatMap((v) => (v.safe ? [] : v.reasons))),
      ruleKeys: allKeyed ? unique(keys) : [],
      ruleParts: allKeyed
        ? keys.map((key, i) => ({
            key,
            words: joinWords((parts[i] as CommandPart).argv, (parts[i] as CommandPart).globs)
          }))
        : [],
      outside
    }
  }

  // Not plain: a person must look. Classify what can be found, for the card.
  const classified: PartVerdict[] = []
  for (const cmd of analysis.commands) classified.push(await classify(cmd.argv, cmd.globs, depth))
  const { verdicts, outside } =
    depth === 0 ? await confine(analysis.commands, classified, workspace) : { verdicts: classified, outside: [] }
  const redirected = analysis.redirects.flatMap((r) => [r.writes, r.reads]).filter((w) => w !== undefined)
  const actions = verdicts.map((v) => v.action)
  const reasons = [...analysis.problems]
  if (analysis.redirects.some((r) => r.writes !== undefined)) actions.push('file_write')
  if (analysis.redirects.some((r) => r.reads !== undefined)) actions.push('file_read')
  return {
    safe: false,
    risk: maxRisk('medium', ...verdicts.map((v) => v.risk)),
    action: actions.length > 0 ? mostDangerousAction(actions) : 'unknown',
    privileged: verdicts.some((v) => v.privileged),
    reasons: unique([...reasons, ...verdicts.flatMap((v) => (v.safe ? [] : v.reasons))]),
    ruleKeys: [],
    ruleParts: [],
    outside: unique([...outside, ...(depth === 0 ? await outsidePaths(redirected, workspace) : [])])
  }
}

// ---------------------------------------------------------------------------------------------
// One part

const STANDARD_BIN_DIRS = new Set([
  '/bin',
  '/usr/bin',
  '/usr/local/bin',
  '/sbin',
  '/usr/sbin',
  '/usr/local/sbin',
  '/opt/homebrew/bin'
])

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1)
}

async function classify(argv: string[], globs: boolean[], depth: number): Promise<PartVerdict> {
  const nest: Nesting = { depth, classify, summarize }
  const word = argv[0] ?? ''
  const args = argv.slice(1)
  const argGlobs = globs.slice(1)

  // Privileged programs are recognised by name wherever they live.
  const base = basename(word)
  if (PRIVILEGED.has(base)) return privileged(base, args, nest)

  let prog = word
  if (word.includes('/')) {
    const dir = word.slice(0, word.lastIndexOf('/')) || '/'
    if (!STANDARD_BIN_DIRS.has(dir)) {
      return ask('unknown', 'medium', [`\`${word}\` runs a program from a file path`], word)
    }
    prog = base
  }

  if (SHELLS.has(prog)) return shell(prog, args, nest)
  if (lookup(INTERPRETERS, prog)) return interpreter(prog, args, nest)
  if (lookup(WRAPPERS, prog)) return wrapper(prog, args, nest)

  const readOnly = lookup(READ_ONLY, prog)
  if (readOnly) {
    if (readOnly.check) {
      // What the wildcard expands to can change from one run to the next: no rule may cover it.
      const glob = optionLikeGlob(args, argGlobs)
      if (glob !== null) {
        return ask(
          readOnly.action,
          'medium',
          [
            `the wildcard \`${glob}\` could expand to a file name that starts with \`-\` and be taken as an option of \`${prog}\``
          ],
          null
        )
      }
      const verdict = await readOnly.check(args, prog, nest)
      if (verdict) return verdict
    }
    const refused = refusedOption(prog, args)
    if (refused !== null) {
      return ask(
        readOnly.action,
        'medium',
        [`\`${prog} ${refused}\` is not one of the options Duck knows to be harmless for \`${prog}\``],
        null
      )
    }
    return safe(readOnly.action, readOnly.risk, prog)
  }

  const sub = lookup(SUBCOMMANDS, prog)
  if (sub) {
    const glob = optionLikeGlob(args, argGlobs)
    const verdict = await sub(args, prog)
    if (verdict.safe && glob !== null) {
      return ask(
        verdict.action,
        'medium',
        [
          `the wildcard \`${glob}\` could expand to a file name that starts with \`-\` and be taken as an option of \`${prog}\``
        ],
        null
      )
    }
    return verdict
  }

  const known = lookup(OTHER_PROGRAMS, prog)
  if (known) return known(args, prog)

  const builtin = lookup(CODE_BUILTINS, prog)
  if (builtin) return ask('unknown', 'medium', [builtin], null)

  if (/^mkfs(\..+)?$/.test(prog)) {
    return ask('file_write', 'high', [`\`${prog}\` formats a disk, erasing everything on it`], prog)
  }
  return ask('unknown', 'medium', [`\`${prog}\` is not a known read-only program`], prog)
}

/** A wildcard that could expand to something starting with `-` (before any `--`). */
function optionLikeGlob(args: string[], globs: boolean[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === '--') return null
    if (globs[i] && (arg.startsWith('-') || /^[*?[]/.test(arg))) return arg
  }
  return null
}
