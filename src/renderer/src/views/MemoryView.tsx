import { BookOpen, Lightbulb, Trash2 } from 'lucide-react'
import { useEffect, useState } from 'react'
import type { MemoryRecord } from '../../../shared/dto'
import { relativeTime } from '../lib/format'
import { useDuck } from '../store'
import { deleteMemory, forgetMemories, loadLessons, loadMemories } from '../store/actions/library'
import { ConfirmDialog } from '../ui/ConfirmDialog'
import { Segmented } from '../ui/Segmented'
import { ViewHeader } from './ViewHeader'
import { SearchField } from '../ui/SearchField'

type Scope = 'workspace' | 'all'

function MemoryList({
  title,
  items,
  onDelete
}: {
  title: string
  items: MemoryRecord[]
  onDelete: (m: MemoryRecord) => void
}) {
  if (items.length === 0) return null
  return (
    <section className="card-list" aria-label={title}>
      <h2 className="section-title">{title}</h2>
      <ul>
        {items.map((m) => (
          <li key={m.memory_id} className="memory">
            <div className="memory__body">
              <p className="memory__text">{m.text}</p>
              <p className="memory__meta muted small">
                {m.memory_type} · importance {m.importance.toFixed(1)}
                {m.workspace && m.scope === 'workspace' ? ` · ${m.workspace}` : ''} · {relativeTime(m.created_at)}
              </p>
            </div>
            <button
              type="button"
              className="icon-button"
              aria-label={`Delete memory: ${m.text.slice(0, 60)}`}
              onClick={() => onDelete(m)}
            >
              <Trash2 width={14} height={14} aria-hidden="true" />
            </button>
          </li>
        ))}
      </ul>
    </section>
  )
}

/** What Duck remembers (per workspace and global) and the lessons it drew from tasks. */
export function MemoryView() {
  const workspace = useDuck((s) => s.workspace)
  const memories = useDuck((s) => s.memories)
  const lessons = useDuck((s) => s.lessons)
  const [scope, setScope] = useState<Scope>(workspace ? 'workspace' : 'all')
  const [q, setQ] = useState('')
  const [confirm, setConfirm] = useState<'workspace' | 'all' | null>(null)
  const [error, setError] = useState<string | null>(null)
  const query = { ...(scope === 'workspace' && workspace ? { workspace } : {}), ...(q.trim() ? { q: q.trim() } : {}) }
  const key = JSON.stringify(query)

  useEffect(() => {
    const timer = window.setTimeout(() => {
      void loadMemories(JSON.parse(key) as typeof query)
      void loadLessons((JSON.parse(key) as typeof query).q)
    }, 150)
    return () => window.clearTimeout(timer)
  }, [key])

  const reload = (): void => {
    void loadMemories(query)
    void loadLessons(query.q)
  }
  const remove = async (m: MemoryRecord): Promise<void> => {
    setError(await deleteMemory(m.memory_id))
  }
  const local = memories.data.filter((m) => m.scope === 'workspace')
  const global = memories.data.filter((m) => m.scope === 'global')
  return (
    <div className="view">
      <ViewHeader title="Memory">
        {workspace && (
          <button type="button" className="button button--small" onClick={() => setConfirm('workspace')}>
            Forget this workspace
          </button>
        )}
        <button type="button" className="button button--small button--danger-ghost" onClick={() => setConfirm('all')}>
          Forget all
        </button>
      </ViewHeader>
      <div className="view__scroll">
        <div className="view__column">
          <div className="toolbar toolbar--plain">
            <SearchField inline value={q} onChange={setQ} placeholder="Search memories" label="Search memories" />
            {workspace && (
              <Segmented<Scope>
                label="Which memories"
                value={scope}
                options={[
                  { value: 'workspace', label: 'This workspace' },
                  { value: 'all', label: 'All' }
                ]}
                onChange={setScope}
              />
            )}
          </div>
          {(memories.error || error) && (
            <p className="inline-error" role="alert">
              {error ?? memories.error}
            </p>
          )}
          {memories.status === 'ready' && memories.data.length === 0 && (
            <div className="empty empty--inline">
              <BookOpen className="empty__icon" width={24} height={24} aria-hidden="true" />
              <p className="muted">
                {q
                  ? 'No memory matches.'
                  : 'Nothing remembered yet. After a task, Duck keeps what is worth knowing next time — facts about your projects and preferences.'}
              </p>
            </div>
          )}
          <MemoryList
            title={scope === 'workspace' ? 'This workspace' : 'Workspaces'}
            items={local}
            onDelete={(m) => void remove(m)}
          />
          <MemoryList title="Global" items={global} onDelete={(m) => void remove(m)} />
          <section className="card-list" aria-label="Lessons">
            <h2 className="section-title">Lessons</h2>
            {lessons.error && <p className="inline-error">{lessons.error}</p>}
            {lessons.status === 'ready' && lessons.data.length === 0 && (
              <p className="muted small">No lessons yet: Duck reflects on each finished task.</p>
            )}
            <ul>
              {lessons.data.map((l) => (
                <li key={l.experience_id} className="memory">
                  <Lightbulb className="memory__icon" width={14} height={14} aria-hidden="true" />
                  <div className="memory__body">
                    <p className="memory__text">{l.lesson}</p>
                    <p className="memory__meta muted small">{relativeTime(l.created_at)}</p>
                  </div>
                </li>
              ))}
            </ul>
          </section>
        </div>
      </div>
      {confirm && (
        <ConfirmDialog
          open
          title={confirm === 'all' ? 'Forget everything?' : 'Forget this workspace?'}
          body={
            confirm === 'all'
              ? 'Duck forgets every memory, in every workspace and global. This cannot be undone.'
              : `Duck forgets what it remembered about ${workspace}. Global memories stay.`
          }
          confirmLabel="Forget"
          onConfirm={async () => {
            const problem = await forgetMemories(confirm === 'all' ? {} : { workspace })
            if (!problem) reload()
            return problem
          }}
          onClose={() => setConfirm(null)}
        />
      )}
    </div>
  )
}
