/**
 * The composer's message box, so focus can come back to it when a dialog closes (an approval
 * decided, the password sheet done) instead of falling to the page body.
 */
let box: HTMLTextAreaElement | null = null

export function setComposerBox(element: HTMLTextAreaElement | null): void {
  box = element
}

/** Focuses the message box when it is shown and enabled; returns whether it did. */
export function focusComposer(): boolean {
  if (!box || !box.isConnected || box.disabled) return false
  box.focus()
  return true
}
