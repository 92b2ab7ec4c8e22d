import type { EventListener } from '../../../shared/api'
import type { DuckEvent, EventDraft, PersistedDraft, StreamEvent } from '../../../shared/events'
import type { Db } from '../store/database'
import { now, stmt } from '../store/statements'

/** Where a stream's events go (the transport's writer). */
export type StreamListener = EventListener

/**
 * One task's event bus: stamps ids and a per-task `seq` that only increases, appends every
 * event but the deltas to the task's log as it happens, and forwards stream events to the
 * listener of the current stream.
 */
export class TaskEmitter {
  private seq: number

  constructor(
    private readonly db: Db,
    readonly taskId: string,
    readonly conversationId: string,
    private readonly listener: StreamListener | null
  ) {
    const row = stmt(db, 'SELECT next_seq FROM tasks WHERE id = ?').get(taskId) as { next_seq: number } | undefined
    if (!row) throw new Error(`unknown task ${taskId}`)
    this.seq = row.next_seq
  }

  private stamp<T extends PersistedDraft>(draft: T): DuckEvent {
    // task_id, conversation_id and seq come first on the wire.
    return { task_id: this.taskId, conversation_id: this.conversationId, seq: this.seq++, ...draft } as DuckEvent
  }

  /** A stream event: persisted unless it is a delta, then sent to the stream. */
  emit(draft: EventDraft): StreamEvent {
    const event = this.stamp(draft) as StreamEvent
    if (event.type !== 'reasoning_delta' && event.type !== 'content_delta') this.persist(event)
    this.listener?.(event)
    return event
  }

  /** An event only the task's log holds (audit, post-task). */
  record(draft: PersistedDraft): DuckEvent {
    const event = this.stamp(draft)
    this.persist(event)
    return event
  }

  private persist(event: DuckEvent): void {
    const { type, ...payload } = event
    stmt(this.db, 'INSERT INTO task_events (task_id, seq, event_type, payload, created_at) VALUES (?, ?, ?, ?, ?)').run(
      this.taskId,
      event.seq,
      type,
      JSON.stringify(payload),
      now()
    )
    stmt(this.db, 'UPDATE tasks SET next_seq = MAX(next_seq, ?) WHERE id = ?').run(this.seq, this.taskId)
  }

  /** Saves the counter so the next stream of this task continues after the deltas sent. */
  flush(): void {
    stmt(this.db, 'UPDATE tasks SET next_seq = MAX(next_seq, ?) WHERE id = ?').run(this.seq, this.taskId)
  }
}
