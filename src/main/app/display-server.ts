/**
 * Linux under Wayland: global shortcuts need Chromium's `GlobalShortcutsPortal` feature (the
 * desktop portal's GlobalShortcuts interface), and the pointer's position is not known to apps,
 * so quick ask cannot follow it. Electron picks Wayland when a Wayland display is there, unless
 * told otherwise (`--ozone-platform=x11`, or the hint).
 */
export const GLOBAL_SHORTCUTS_PORTAL = 'GlobalShortcutsPortal'

function switchValue(argv: readonly string[], name: string): string | undefined {
  const prefix = `--${name}=`
  for (let i = argv.length - 1; i >= 0; i--) {
    const arg = argv[i] ?? ''
    if (arg.startsWith(prefix)) return arg.slice(prefix.length).toLowerCase()
  }
  return undefined
}

/** Whether this app runs as a Wayland client (not under XWayland, not on another OS). */
export function isWayland(
  platform: NodeJS.Platform,
  env: Record<string, string | undefined>,
  argv: readonly string[]
): boolean {
  if (platform !== 'linux') return false
  const waylandDisplay = !!env.WAYLAND_DISPLAY || env.XDG_SESSION_TYPE?.toLowerCase() === 'wayland'
  const forced = switchValue(argv, 'ozone-platform')
  if (forced) return forced === 'wayland'
  const hint = switchValue(argv, 'ozone-platform-hint') ?? env.ELECTRON_OZONE_PLATFORM_HINT?.toLowerCase()
  if (hint === 'x11') return false
  return waylandDisplay
}

/** `--enable-features` with `feature` added to what is already asked for (the last switch wins). */
export function withFeature(existing: string, feature: string): string {
  const features = existing
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '')
  return features.includes(feature) ? features.join(',') : [...features, feature].join(',')
}

export interface CommandLineLike {
  getSwitchValue(name: string): string
  appendSwitch(name: string, value?: string): void
}

/** Before ready: on Wayland, turns on the portal the global shortcut needs. */
export function enableWaylandShortcuts(commandLine: CommandLineLike, wayland: boolean): boolean {
  if (!wayland) return false
  commandLine.appendSwitch(
    'enable-features',
    withFeature(commandLine.getSwitchValue('enable-features'), GLOBAL_SHORTCUTS_PORTAL)
  )
  return true
}
