/** A progress bar: `value` of `max`, or a moving stripe while the value is unknown (null). */
export function ProgressBar({
  label,
  value,
  max,
  valueText
}: {
  label: string
  value: number | null
  max: number
  valueText?: string
}) {
  const known = value !== null
  return (
    <div
      className={`progress${known ? '' : ' progress--indeterminate'}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      {...(known ? { 'aria-valuenow': Math.floor(value), ...(valueText ? { 'aria-valuetext': valueText } : {}) } : {})}
    >
      <div className="progress__fill" style={known ? { width: `${(100 * value) / max}%` } : undefined} />
    </div>
  )
}
