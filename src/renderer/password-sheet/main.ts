/**
 * The native password sheet's page: plain DOM, no framework. The password goes from the field
 * to `window.duckSheet.submit` (→ main → sudo's stdin) and the field is cleared at once; it is
 * never kept anywhere else.
 */
import type { DuckSheet, PasswordSheetView } from '../../shared/ipc'
import { rejectionMessage, sheetText } from './view'

declare global {
  interface Window {
    duckSheet?: DuckSheet
  }
}

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id)
  if (!found) throw new Error(`#${id} is missing`)
  return found as T
}

const form = element<HTMLFormElement>('form')
const field = element<HTMLInputElement>('password')
const command = element<HTMLPreElement>('command')
const message = element<HTMLParagraphElement>('message')
const run = element<HTMLButtonElement>('run')
const cancel = element<HTMLButtonElement>('cancel')

let current: PasswordSheetView | null = null
let localError: string | null = null

function render(): void {
  if (!current) return
  const text = sheetText(current, localError)
  command.textContent = text.command
  message.textContent = text.message
  message.classList.toggle('error', text.isError)
  field.setAttribute('aria-invalid', String(text.isError))
  run.textContent = text.runLabel
  run.disabled = text.busy
  field.disabled = text.busy
  document.body.classList.toggle('busy', text.busy)
  if (!text.busy) {
    field.focus()
    if (text.isError) field.select()
  }
}

function show(view: PasswordSheetView): void {
  current = view
  localError = null
  render()
}

const sheet = window.duckSheet
if (!sheet) {
  message.textContent = 'This page only works inside Duck.'
  message.classList.add('error')
  run.disabled = true
} else {
  sheet.onView(show)
  sheet.view().then(show, (reason: unknown) => {
    localError = rejectionMessage(reason)
    message.textContent = localError
    message.classList.add('error')
  })

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    if (!current || current.busy) return
    const password = field.value
    field.value = ''
    if (password === '') {
      localError = 'Type your password, or Cancel.'
      render()
      return
    }
    sheet.submit(password).catch((reason: unknown) => {
      localError = rejectionMessage(reason)
      render()
    })
  })

  const doCancel = (): void => {
    field.value = ''
    void sheet.cancel().catch(() => window.close())
  }
  cancel.addEventListener('click', doCancel)
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault()
      doCancel()
    }
  })
}
