/**
 * The main window's size and place, kept in the settings table (`window_state`) and restored
 * only where it is visible on a display that is connected now.
 */
import { z } from 'zod'

export const WINDOW_STATE_KEY = 'window_state'

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

const WindowStateSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(200).max(20_000),
  height: z.number().int().min(150).max(20_000),
  maximized: z.boolean().default(false)
})
export type WindowState = z.infer<typeof WindowStateSchema>

export function parseWindowState(text: string | undefined): WindowState | null {
  if (!text) return null
  try {
    const parsed = WindowStateSchema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

function overlap(a: Rect, b: Rect): Rect | null {
  const x = Math.max(a.x, b.x)
  const y = Math.max(a.y, b.y)
  const right = Math.min(a.x + a.width, b.x + b.width)
  const bottom = Math.min(a.y + a.height, b.y + b.height)
  return right > x && bottom > y ? { x, y, width: right - x, height: bottom - y } : null
}

/** How much of the title bar must be on a display to count as visible: enough to grab it. */
const TITLE_STRIP = 32
const GRAB_WIDTH = 120

/**
 * The bounds to restore, or null to let the window open at its default place: the saved window's
 * title strip must be on one of the displays' work areas. A window larger than that display is
 * shrunk to fit it.
 */
export function restorableBounds(
  saved: WindowState | null,
  workAreas: readonly Rect[]
): (Rect & { maximized: boolean }) | null {
  if (!saved) return null
  const title: Rect = { x: saved.x, y: saved.y, width: saved.width, height: TITLE_STRIP }
  for (const area of workAreas) {
    const strip = overlap(title, area)
    if (!strip || strip.height < TITLE_STRIP / 2 || strip.width < Math.min(GRAB_WIDTH, saved.width)) continue
    const width = Math.min(saved.width, area.width)
    const height = Math.min(saved.height, area.height)
    return { x: saved.x, y: saved.y, width, height, maximized: saved.maximized }
  }
  return null
}

/** What the tracker uses of a BrowserWindow. */
export interface TrackedWindow {
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown
  getNormalBounds(): Rect
  isMaximized(): boolean
  isMinimized(): boolean
  isFullScreen(): boolean
}

/** Saves the window's normal bounds (debounced while it moves, at once when it closes). */
export function trackWindowState(win: TrackedWindow, save: (state: WindowState) => void, debounceMs = 400): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  const snapshot = (): void => {
    timer = undefined
    if (win.isMinimized() || win.isFullScreen()) return
    const b = win.getNormalBounds()
    save({
      x: Math.round(b.x),
      y: Math.round(b.y),
      width: Math.round(b.width),
      height: Math.round(b.height),
      maximized: win.isMaximized()
    })
  }
  const later = (): void => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(snapshot, debounceMs)
  }
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(event, later)
  win.on('close', () => {
    if (timer) clearTimeout(timer)
    snapshot()
  })
  return () => {
    if (timer) clearTimeout(timer)
  }
}
