import { Search } from 'lucide-react'

/** A search box with its icon; `inline` for toolbars. */
export function SearchField({
  value,
  onChange,
  placeholder,
  label,
  inline = false
}: {
  value: string
  onChange: (value: string) => void
  placeholder: string
  label: string
  inline?: boolean
}) {
  return (
    <div className={inline ? 'search-field search-field--inline' : 'search-field'}>
      <Search width={14} height={14} aria-hidden="true" />
      <input
        type="search"
        className="search-field__input"
        placeholder={placeholder}
        aria-label={label}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  )
}
