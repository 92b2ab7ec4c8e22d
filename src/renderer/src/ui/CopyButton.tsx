import { Check, Copy } from 'lucide-react'
import { useEffect, useState } from 'react'

/** Copies text to the clipboard; says "Copied" for a moment. */
export function CopyButton({
  text,
  label = 'Copy',
  className = ''
}: {
  text: string
  label?: string
  className?: string
}) {
  const [copied, setCopied] = useState(false)
  useEffect(() => {
    if (!copied) return
    const timer = window.setTimeout(() => setCopied(false), 1500)
    return () => window.clearTimeout(timer)
  }, [copied])
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(text)
      setCopied(true)
    } catch {
      // clipboard refused (no permission): nothing to do
    }
  }
  return (
    <button
      type="button"
      className={`icon-button copy-button ${className}`}
      onClick={() => void copy()}
      aria-label={copied ? 'Copied' : label}
      title={label}
    >
      {copied ? (
        <Check width={14} height={14} aria-hidden="true" />
      ) : (
        <Copy width={14} height={14} aria-hidden="true" />
      )}
      <span className="copy-button__text">{copied ? 'Copied' : label}</span>
    </button>
  )
}
