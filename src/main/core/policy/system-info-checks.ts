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
