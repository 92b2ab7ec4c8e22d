import { FolderOpen, Search, Sparkles } from 'lucide-react'

const EXAMPLES = [
  { text: 'Analyze this project', icon: Sparkles },
  { text: 'Check for package updates', icon: Search },
  { text: 'Find large files', icon: FolderOpen }
] as const

/** A new chat: what Duck can do here, with three example requests. */
export function EmptyChat({ workspace, onExample }: { workspace: string; onExample: (text: string) => void }) {
  return (
    <div className="empty empty--chat">
      <h2>What should Duck do?</h2>
      <p className="muted">
        {workspace ? (
          <>
            Duck works in <code>{workspace}</code>, plans first, and asks before anything risky.
          </>
        ) : (
          'Choose a workspace folder in the top bar: Duck works inside it and asks before anything risky.'
        )}
      </p>
      {workspace && (
        <ul className="examples" aria-label="Example requests">
          {EXAMPLES.map(({ text, icon: Icon }) => (
            <li key={text}>
              <button type="button" className="example" onClick={() => onExample(text)}>
                <Icon width={16} height={16} aria-hidden="true" />
                {text}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
