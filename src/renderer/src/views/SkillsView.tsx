import { Sparkles } from 'lucide-react'
import { useEffect } from 'react'
import { useDuck } from '../store'
import { loadSkills } from '../store/actions/library'
import { ViewHeader } from './ViewHeader'

/** The skills Duck can bring to a task, and where each comes from. */
export function SkillsView() {
  const skills = useDuck((s) => s.skills)
  useEffect(() => {
    void loadSkills()
  }, [])
  return (
    <div className="view">
      <ViewHeader title="Skills" />
      <div className="view__scroll">
        <div className="view__column">
          <p className="muted">When a request matches a skill, Duck follows it while planning.</p>
          {skills.error && (
            <p className="inline-error" role="alert">
              {skills.error}
            </p>
          )}
          {skills.status === 'ready' && skills.data.length === 0 && <p className="muted">No skills installed.</p>}
          <ul className="skills">
            {skills.data.map((skill) => (
              <li key={skill.name} className="skill">
                <Sparkles className="skill__icon" width={16} height={16} aria-hidden="true" />
                <div>
                  <p className="skill__name">
                    <code>{skill.name}</code>
                    <span className={`badge badge--plain badge--${skill.source}`}>
                      {skill.source === 'builtin' ? 'Built in' : 'Yours'}
                    </span>
                  </p>
                  <p className="skill__description">{skill.description}</p>
                </div>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  )
}
