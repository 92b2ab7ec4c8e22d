/** What the window remembers between runs (localStorage): never secrets. */
const WORKSPACE_KEY = 'duck.workspace'
const RECENT_KEY = 'duck.recentWorkspaces'
const SIDEBAR_KEY = 'duck.sidebarWidth'

function read(key: string): string | null {
  try {
    return localStorage.getItem(key)
  } catch {
    return null
  }
}

function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value)
  } catch {
    // storage full or disabled: the window works without it
  }
}

export function loadWorkspace(): string {
  return read(WORKSPACE_KEY) ?? ''
}

export function saveWorkspace(path: string): void {
  write(WORKSPACE_KEY, path)
  const recent = [path, ...loadRecentWorkspaces().filter((p) => p !== path)].slice(0, 6)
  write(RECENT_KEY, JSON.stringify(recent))
}

export function loadRecentWorkspaces(): string[] {
  try {
    const value: unknown = JSON.parse(read(RECENT_KEY) ?? '[]')
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
  } catch {
    return []
  }
}

export function loadSidebarWidth(): number {
  const value = Number(read(SIDEBAR_KEY))
  return Number.isFinite(value) && value >= 200 && value <= 360 ? value : 260
}

export function saveSidebarWidth(width: number): void {
  write(SIDEBAR_KEY, String(Math.round(width)))
}

/** Checks a workspace path's form (the server checks that the folder exists). */
export function workspaceProblem(path: string): string | null {
  const value = path.trim()
  if (value === '') return 'Enter a folder path.'
  if (value.length > 4096) return 'That path is too long.'
  if (!(
    value.startsWith('/') ||
    value === '~' ||
    value.startsWith('~/') ||
    /^[A-Za-z]:[\\/]/.test(value) ||
    value.startsWith('\\\\')
  )) {
    return 'Use a full path, like /home/you/project or ~/project.'
  }
  return null
}

/** "/home/me/projects/site" → ["home", "me", "projects", "site"] for the breadcrumb. */
export function pathParts(path: string): string[] {
  return path.split(/[\\/]+/).filter(Boolean)
}
