/**
 * The native password sheet's controller. It watches task events (a TaskObserver), opens one
 * small modal window per password request, and takes the password from that window's page
 * straight to `DuckService.submitPassword` — the main window's page never sees it. Electron is
 * reached only through `deps`.
 */
import { DuckApiError } from '../../shared/api'
import type { StreamEvent } from '../../shared/events'
import { IPC_EVENTS, type PasswordSheetNotice, type PasswordSheetView } from '../../shared/ipc'
import type { ServicePort } from './ipc-api'
import type { ErrorLog, SenderLike } from './ipc'
import type { SheetPort } from './ipc-desktop'
import { lastPasswordRequest, outdates, reactTo, submitted, viewOf, type SheetRequest } from './password-sheet-state'
import type { TaskStreams } from './task-streams'

export interface SheetWindowLike {
  readonly webContents: SenderLike
  isDestroyed(): boolean
  close(): void
  focus(): void
  on(event: 'closed', listener: () => void): unknown
}

export interface PasswordSheetDeps {
  service: Pick<ServicePort, 'checkStreamable' | 'submitPassword' | 'cancelTask' | 'getTask' | 'taskEvents'>
  /** Creates the sheet (modal on the main window, loading its page) and shows it when it can. */
  openWindow(): SheetWindowLike
  /**
   * The main window's page: told when the page that owned the stream is gone, and always told of
   * the sheet and of the continuation it starts (the owner may be a hidden quick-ask window).
   */
  fallbackOwner(): SenderLike | null
  streams: TaskStreams
  log: ErrorLog
}

interface Active {
  request: SheetRequest
  owner: SenderLike
  window: SheetWindowLike
}

export class PasswordSheetController implements SheetPort {
  private active: Active | null = null
  private readonly queue: { request: SheetRequest; owner: SenderLike }[] = []

  constructor(private readonly deps: PasswordSheetDeps) {}

  /** The TaskObserver: every event of every stream main forwards. */
  readonly observe = (event: StreamEvent, owner: SenderLike): void => {
    this.prune(event)
    const reaction = reactTo(this.active?.request ?? null, event)
    switch (reaction.type) {
      case 'open':
        this.openOrQueue(reaction.request, owner)
        return
      case 'update':
        if (this.active) {
          this.active.request = reaction.request
          this.pushView()
        }
        return
      case 'close':
        this.closeActive(reaction.outcome)
        return
      case 'none':
        return
    }
  }

  /** Reopens the sheet for a task that waits for a password (after a restart or a reload). */
  openFor(taskId: unknown, owner: SenderLike): void {
    const task = this.deps.service.getTask(taskId)
    if (this.active?.request.taskId === task.task_id) {
      this.active.window.focus()
      return
    }
    if (task.status !== 'waiting_for_password') {
      throw new DuckApiError('conflict', `Task ${task.task_id} is not waiting for a password (it is ${task.status}).`)
    }
    const request = lastPasswordRequest(task.task_id, task.conversation_id, this.deps.service.taskEvents(task.task_id))
    if (!request) throw new DuckApiError('conflict', `Task ${task.task_id} has no password request to answer.`)
    this.openOrQueue(request, owner)
  }

  get current(): Readonly<SheetRequest> | null {
    return this.active?.request ?? null
  }

  view(sheetContentsId: number): PasswordSheetView {
    return viewOf(this.require(sheetContentsId).request)
  }

  submit(sheetContentsId: number, password: string): void {
    const active = this.require(sheetContentsId)
    const { request } = active
    if (request.busy) throw new DuckApiError('conflict', 'The password is being checked.')
    const input = { approval_id: request.approvalId, password }
    this.deps.service.checkStreamable('password', request.taskId, input)
    active.request = submitted(request)
    this.pushView()
    const main = this.deps.fallbackOwner()
    const listener = this.deps.streams.listener(this.liveOwner(active.owner), null, main ? [main] : [])
    this.deps.service.submitPassword(request.taskId, input, listener).catch((error: unknown) => {
      this.deps.log('the password sheet could not continue the task', error)
      if (this.active?.request.taskId !== request.taskId) return
      const message = error instanceof DuckApiError ? error.message : 'Duck could not run the command.'
      this.active.request = { ...this.active.request, busy: false, error: message }
      this.pushView()
    })
  }

  cancel(sheetContentsId: number): void {
    this.require(sheetContentsId)
    this.cancelActive()
  }

  private require(sheetContentsId: number): Active {
    const active = this.active
    if (!active || active.window.isDestroyed() || active.window.webContents.id !== sheetContentsId) {
      throw new DuckApiError('forbidden', 'This sheet has no password request.')
    }
    return active
  }

  /** Drops the queued requests that no longer wait for their password. */
  private prune(event: StreamEvent): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const queued = this.queue[i]
      if (queued && outdates(queued.request, event)) this.queue.splice(i, 1)
    }
  }

  private openOrQueue(request: SheetRequest, owner: SenderLike): void {
    if (this.active) {
      const queued = this.queue.find((q) => q.request.taskId === request.taskId)
      if (queued) queued.request = request
      else this.queue.push({ request, owner })
      return
    }
    const window = this.deps.openWindow()
    const active: Active = { request, owner, window }
    this.active = active
    // Closed by the person (window button, Esc handled by the page, Alt+F4): that is a cancel.
    window.on('closed', () => {
      if (this.active === active) this.cancelActive()
    })
    this.notify(active, true)
  }

  private cancelActive(): void {
    const active = this.active
    if (!active) return
    try {
      this.deps.service.cancelTask(active.request.taskId)
    } catch (error) {
      // It may have ended meanwhile; the sheet closes either way.
      if (!(error instanceof DuckApiError)) this.deps.log('cancelling the task from the password sheet failed', error)
    }
    this.finish(active, 'cancelled')
  }

  private closeActive(outcome: 'submitted' | 'cancelled'): void {
    if (this.active) this.finish(this.active, outcome)
  }

  private finish(active: Active, outcome: 'submitted' | 'cancelled'): void {
    this.active = null
    if (!active.window.isDestroyed()) active.window.close()
    this.notify(active, false, outcome)
    const next = this.queue.shift()
    if (next) this.openOrQueue(next.request, next.owner)
  }

  private pushView(): void {
    const active = this.active
    if (active && !active.window.isDestroyed() && !active.window.webContents.isDestroyed()) {
      active.window.webContents.send(IPC_EVENTS.sheetView, viewOf(active.request))
    }
  }

  private liveOwner(owner: SenderLike): SenderLike {
    return owner.isDestroyed() ? (this.deps.fallbackOwner() ?? owner) : owner
  }

  /** Tells the owner, and the main window's page when that is another page. */
  private notify(active: Active, open: boolean, outcome?: 'submitted' | 'cancelled'): void {
    const owner = this.liveOwner(active.owner)
    const main = this.deps.fallbackOwner()
    const notice: PasswordSheetNotice = {
      task_id: active.request.taskId,
      approval_id: active.request.approvalId,
      open,
      ...(outcome ? { outcome } : {})
    }
    if (!owner.isDestroyed()) owner.send(IPC_EVENTS.passwordSheet, notice)
    if (main && main.id !== owner.id && !main.isDestroyed()) main.send(IPC_EVENTS.passwordSheet, notice)
  }
}
