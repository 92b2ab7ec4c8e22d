/** A labelled group of toggle chips (filters): each chip is pressed when its value is selected. */
export function ChipGroup<T extends string>({
  id,
  label,
  options,
  labels,
  selected,
  onToggle
}: {
  id: string
  label: string
  options: readonly T[]
  labels: Record<T, string>
  selected: readonly T[]
  onToggle: (value: T) => void
}) {
  return (
    <div className="chips" role="group" aria-labelledby={id}>
      <span id={id} className="chips__label">
        {label}
      </span>
      {options.map((value) => (
        <button
          key={value}
          type="button"
          className="chip"
          aria-pressed={selected.includes(value)}
          onClick={() => onToggle(value)}
        >
          {labels[value]}
        </button>
      ))}
    </div>
  )
}
