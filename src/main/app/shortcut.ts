/** The quick-ask global shortcut: its default, where it is kept, and which accelerators are valid. */
export const QUICK_ASK_SHORTCUT_KEY = 'quick_ask_shortcut'
export const DEFAULT_QUICK_ASK_SHORTCUT = 'CommandOrControl+Shift+Space'

const MODIFIERS = new Map(
  [
    'Command',
    'Cmd',
    'Control',
    'Ctrl',
    'CommandOrControl',
    'CmdOrCtrl',
    'Alt',
    'Option',
    'AltGr',
    'Shift',
    'Super',
    'Meta'
  ].map((m) => [m.toLowerCase(), m])
)

const NAMED_KEYS = [
  'Plus',
  'Space',
  'Tab',
  'Capslock',
  'Numlock',
  'Scrolllock',
  'Backspace',
  'Delete',
  'Insert',
  'Return',
  'Enter',
  'Up',
  'Down',
  'Left',
  'Right',
  'Home',
  'End',
  'PageUp',
  'PageDown',
  'Escape',
  'Esc',
  'PrintScreen',
  'num0',
  'num1',
  'num2',
  'num3',
  'num4',
  'num5',
  'num6',
  'num7',
  'num8',
  'num9',
  'numdec',
  'numadd',
  'numsub',
  'nummult',
  'numdiv'
]
const KEYS = new Map(NAMED_KEYS.map((k) => [k.toLowerCase(), k]))

function keyName(token: string): string | null {
  if (/^[A-Za-z0-9]$/.test(token)) return token.toUpperCase()
  if (/^F([1-9]|1[0-9]|2[0-4])$/i.test(token)) return token.toUpperCase()
  if (/^[)!@#$%^&*(:;<=>?_~{}|"',./`[\]\\-]$/.test(token)) return token
  return KEYS.get(token.toLowerCase()) ?? null
}

export type AcceleratorCheck = { ok: true; accelerator: string } | { ok: false; error: string }

/**
 * A global shortcut needs at least one modifier and exactly one key (a bare key would take that
 * key from every other app). Returns the accelerator in Electron's spelling.
 */
export function checkAccelerator(text: string): AcceleratorCheck {
  const tokens = text
    .trim()
    .split('+')
    .map((t) => t.trim())
  if (text.trim().endsWith('++')) tokens.splice(tokens.length - 2, 2, 'Plus')
  if (tokens.length < 2 || tokens.some((t) => t === '')) {
    return { ok: false, error: 'A shortcut is one or more modifiers and a key, e.g. CommandOrControl+Shift+Space.' }
  }
  const modifiers: string[] = []
  for (const token of tokens.slice(0, -1)) {
    const modifier = MODIFIERS.get(token.toLowerCase())
    if (!modifier)
      return {
        ok: false,
        error: `"${token}" is not a modifier (use Control, Alt, Shift, Command, CommandOrControl or Super).`
      }
    if (modifiers.includes(modifier)) return { ok: false, error: `"${modifier}" appears twice.` }
    modifiers.push(modifier)
  }
  const last = tokens[tokens.length - 1] ?? ''
  const key = keyName(last)
  if (!key) return { ok: false, error: `"${last}" is not a key Duck knows.` }
  if (modifiers.length === 1 && modifiers[0] === 'Shift')
    return { ok: false, error: 'Shift alone is not enough: add Control, Alt or Command.' }
  return { ok: true, accelerator: [...modifiers, key].join('+') }
}
