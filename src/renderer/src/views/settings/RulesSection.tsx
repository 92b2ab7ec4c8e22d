import { Trash2 } from 'lucide-react'
import { useEffect, useState } from 'react'
import { relativeTime } from '../../lib/format'
import { useDuck } from '../../store'
import { deleteRule, loadRules } from '../../store/actions/library'

/** What "Always allow" created; deleting a rule makes Duck ask again. */
export function RulesSection() {
  const rules = useDuck((s) => s.rules)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    void loadRules()
  }, [])
  return (
    <section className="settings-section" aria-labelledby="settings-rules">
      <h2 id="settings-rules" className="section-title">
        Always allow rules
      </h2>
      {(rules.error || error) && (
        <p className="inline-error" role="alert">
          {error ?? rules.error}
        </p>
      )}
      {rules.status === 'ready' && rules.data.length === 0 && (
        <p className="muted small">
          None yet. “Always allow” in an approval adds one here; Duck then runs that without asking, in that workspace.
        </p>
      )}
      {rules.data.length > 0 && (
        <ul className="rules">
          {rules.data.map((rule) => (
            <li key={rule.rule_id} className="rule">
              <div>
                <p>
                  <code>{rule.args ?? rule.pattern}</code>{' '}
                  <span className="muted small">
                    {rule.args ? 'only these arguments' : rule.tool === 'shell_exec_safe' ? 'any arguments' : ''} with{' '}
                    {rule.tool}
                  </span>
                </p>
                <p className="muted small">
                  in {rule.workspace} · {relativeTime(rule.created_at)}
                </p>
              </div>
              <button
                type="button"
                className="icon-button"
                aria-label={`Delete the rule ${rule.args ?? rule.pattern}`}
                onClick={() => void deleteRule(rule.rule_id).then(setError)}
              >
                <Trash2 width={14} height={14} aria-hidden="true" />
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
