import * as Dialog from '@radix-ui/react-dialog'
import type { ReactNode, RefObject } from 'react'

/**
 * The frame every Duck modal shares: always open while mounted, focus placed on `initialFocus`
 * and given back through `returnFocus`, Esc handled by `onEscape`, clicks outside ignored (a
 * decision is never made by accident).
 */
export function ModalFrame({
  className,
  testId,
  initialFocus,
  returnFocus,
  onEscape,
  children
}: {
  className: string
  testId: string
  initialFocus: RefObject<HTMLElement | null>
  returnFocus?: (() => void) | undefined
  onEscape: () => void
  children: ReactNode
}) {
  return (
    <Dialog.Root open>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content
          className={className}
          data-testid={testId}
          onOpenAutoFocus={(event) => {
            event.preventDefault()
            initialFocus.current?.focus()
          }}
          onCloseAutoFocus={(event) => {
            if (!returnFocus) return
            event.preventDefault()
            returnFocus()
          }}
          onEscapeKeyDown={(event) => {
            event.preventDefault()
            onEscape()
          }}
          onPointerDownOutside={(event) => event.preventDefault()}
          onInteractOutside={(event) => event.preventDefault()}
        >
          {children}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  )
}
