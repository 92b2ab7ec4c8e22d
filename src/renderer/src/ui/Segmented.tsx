import { useId } from 'react'

export interface SegmentedOption<T extends string> {
  value: T
  label: string
  hint?: string
}

/** A segmented control on native radio buttons: arrow keys move, one tab stop. */
export function Segmented<T extends string>({
  label,
  value,
  options,
  onChange,
  disabled = false
}: {
  label: string
  value: T
  options: SegmentedOption<T>[]
  onChange: (value: T) => void
  disabled?: boolean
}) {
  const name = useId()
  return (
    <fieldset className="segmented" disabled={disabled}>
      <legend className="visually-hidden">{label}</legend>
      {options.map((option) => (
        <label key={option.value} className="segmented__option" title={option.hint}>
          <input
            type="radio"
            name={name}
            value={option.value}
            checked={value === option.value}
            onChange={() => onChange(option.value)}
          />
          <span>{option.label}</span>
        </label>
      ))}
    </fieldset>
  )
}
