/**
 * Argument checks for read-only system-information programs that can also change the system
 * (`hostname NAME`, `date -s`, `ip link set`). Each returns a verdict when the call is unsafe,
 * null when it only shows information.
 */
import { longIs, parseArgs } from './argv-options'
import type { PartVerdict } from './verdict'
import { ask } from './verdict'

export function checkHostname(args: string[]): PartVerdict | null {
  const parsed = parseArgs(args)
  const setting = parsed.opts.some((o) => ['-F', '-b', '--file', '--boot'].includes(o.name))
  if (setting || parsed.positionals.length > 0) {
    return ask('process', 'medium', ["`hostname` with an argument changes the computer's name"], 'hostname')
  }
  return null
}

export function checkDate(args: string[]): PartVerdict | null {
  const parsed = parseArgs(args, { short: 'dfr', long: ['date', 'file', 'reference'] })
  const setting =
    parsed.opts.some((o) => o.name === '-s' || longIs(o.name, 'set')) ||
    parsed.positionals.some((p) => !p.startsWith('+'))
  return setting ? ask('process', 'medium', ['`date` with a time sets the system clock'], 'date') : null
}

const IP_OBJECTS = new Set([
  'address',
  'addr',
  'a',
  'link',
  'l',
  'route',
  'r',
  'ro',
  'neigh',
  'neighbour',
  'neighbor',
  'n',
  'rule',
  'ru',
  'maddress',
  'maddr',
  'm'
])
const IP_SHOW = new Set(['show', 'list', 'ls', 'lst', 'sh', 's'])

export function checkIp(args: string[]): PartVerdict | null {
  const unsafe = ask('network', 'medium', ['`ip` can change the network configuration'], ipKey(args))
  let i = 0
  for (; i < args.length; i++) {
    const arg = args[i] as string
    if (!arg.startsWith('-')) break
    if (/^-(b|batch|force|n|netns)$/.test(arg)) return unsafe
    if (/^-(f|family|l|loops|rc|rcvbuf)$/.test(arg)) i++
  }
  const object = args[i]
  const verb = args[i + 1]
  if (object === undefined || !IP_OBJECTS.has(object)) return unsafe
  if (verb !== undefined && !IP_SHOW.has(verb) && !(verb.startsWith('-') || /^(dev|to|table)$/.test(verb))) {
    return unsafe
  }
  return null
}

function ipKey(args: string[]): string {
  const sub = args.find((a) => !a.startsWith('-'))
  return sub ? `ip ${sub}` : 'ip'
}

/** Long options of procps `ps` whose value may be the next word. */
const PS_LONG_VALUE = new Set([
  '--sort',
  '--format',
  '--pid',
  '--ppid',
  '--quick-pid',
  '--sid',
  '--tty',
  '--user',
  '--User',
  '--group',
  '--Group',
  '--cols',
  '--columns',
  '--width',
  '--rows',
  '--lines',
  '--context'
])
/** UNIX-style (`-…`) option letters without a value; `-e` among them means "every process". */
const PS_UNIX_FLAGS = 'AadefFHjlLMmNTwyZcP'
/** UNIX-style option letters whose value follows. */
const PS_UNIX_VALUE = 'CGgOopqstUu'
/** BSD-style (no dash) option letters whose value follows. */
const PS_BSD_VALUE = 'OopqtUk'

/**
 * `ps` shows other programs' environment variables (API keys among them) with the BSD `e`
 * modifier (`ps e`, `ps aux e`, `ps -eo pid,args e`) and with macOS's `-E`. procps also reads a
 * dashed cluster it cannot parse as BSD options (`ps -axe` is `ps axe`), so a dashed cluster
 * with an `e` asks unless it is plainly UNIX-style (`-e`, `-ef`, `-eo FORMAT`).
 */
export function checkPs(args: string[]): PartVerdict | null {
  const shows = ask('system_info', 'medium', ['`ps e` shows the environment variables of running programs'], null)
  if (args.some((a) => /environ/i.test(a))) return shows // the `environ` format keyword
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg.startsWith('--')) {
      if (!arg.includes('=') && PS_LONG_VALUE.has(arg)) i++
      continue
    }
    if (arg.startsWith('-')) {
      const letters = arg.slice(1)
      if (letters.includes('E')) return shows
      let unix = true
      for (let j = 0; j < letters.length; j++) {
        const c = letters[j] as string
        if (PS_UNIX_VALUE.includes(c)) {
          if (j === letters.length - 1) i++
          else unix = false // an attached value: procps may read the cluster as BSD options
          break
        }
        if (!PS_UNIX_FLAGS.includes(c)) unix = false
      }
      if (letters.includes('e') && !unix) return shows
      continue
    }
    if (/^[0-9,]+$/.test(arg)) continue // process ids
    for (let j = 0; j < arg.length; j++) {
      const c = arg[j] as string
      if (c === 'e') return shows
      if (PS_BSD_VALUE.includes(c)) {
        if (j === arg.length - 1) i++
        break
      }
    }
  }
  return null
}

/**
 * bash's `printf -v NAME` assigns the text to a shell variable instead of printing it: `PATH`,
 * `IFS` or `BASH_ENV` would change what later parts of the command run. Any option asks.
 */
export function checkPrintf(args: string[]): PartVerdict | null {
  const first = args[0]
  if (first !== undefined && first.startsWith('-') && first !== '--' && first !== '-') {
    return ask('unknown', 'medium', ['`printf -v` sets a shell variable, which can change what runs next'], null)
  }
  return null
}
