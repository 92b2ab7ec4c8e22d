import { describe, expect, it } from 'vitest'
import { rejectionMessage, sheetText, triesLeft } from './view'

const view = { tool: 'shell_exec_safe', command: 'sudo apt update', attempts_left: 3, error: null, busy: false }

describe('the password sheet text', () => {
  it('says nothing extra on the first try, the error after a wrong one, and "checking" while busy', () => {
    expect(sheetText(view)).toEqual({
      command: 'sudo apt update',
      message: '',
      isError: false,
      runLabel: 'Run',
      busy: false
    })
    expect(sheetText({ ...view, attempts_left: 2, error: 'Wrong password — 2 tries left.' })).toMatchObject({
      message: 'Wrong password — 2 tries left.',
      isError: true
    })
    expect(sheetText({ ...view, attempts_left: 1 })).toMatchObject({ message: '1 try left', isError: false })
    expect(sheetText({ ...view, busy: true })).toMatchObject({
      message: 'Checking the password…',
      runLabel: 'Running…',
      busy: true,
      isError: false
    })
    expect(sheetText(view, 'Type your password, or Cancel.')).toMatchObject({
      message: 'Type your password, or Cancel.',
      isError: true
    })
    expect(triesLeft(2)).toBe('2 tries left')
  })

  it('reads the message of a rejection from the bridge', () => {
    expect(
      rejectionMessage({ name: 'DuckApiError', code: 'conflict', message: 'The password is being checked.' })
    ).toBe('The password is being checked.')
    expect(rejectionMessage('weird')).toBe('Duck could not take the password.')
  })
})
