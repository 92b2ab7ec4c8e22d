import type {
  DesktopCommand,
  DesktopMethod,
  DuckDesktop,
  PasswordSheetNotice,
  SecretStoreInfo,
  SecretStoreKind
} from '../shared/ipc'
import { IPC_EVENTS } from '../shared/ipc'
import { invoke, pushChannel, type IpcRendererLike, type StreamRouter } from './ipc-client'

/** Main passes start-up facts to the preload as `additionalArguments` (the sandbox has no env). */
export const SECRET_STORE_ARG = '--duck-secret-store='

const KINDS: readonly SecretStoreKind[] = ['keychain', 'safe-storage', 'session', 'memory']

export function secretStoreFromArgv(argv: readonly string[]): SecretStoreInfo {
  const value = argv.find((arg) => arg.startsWith(SECRET_STORE_ARG))?.slice(SECRET_STORE_ARG.length)
  const kind = KINDS.find((k) => k === value) ?? 'session'
  return { kind, persistent: kind === 'keychain' || kind === 'safe-storage' }
}

function isCommand(value: unknown): value is DesktopCommand {
  const v = value as Partial<{ type: string; conversation_id: unknown }> | null
  return (
    typeof v === 'object' &&
    v !== null &&
    (v.type === 'new-chat' || (v.type === 'open-conversation' && typeof v.conversation_id === 'string'))
  )
}

function isNotice(value: unknown): value is PasswordSheetNotice {
  const v = value as Partial<PasswordSheetNotice> | null
  return typeof v === 'object' && v !== null && typeof v.task_id === 'string' && typeof v.open === 'boolean'
}

/** `window.duckDesktop`: read-only facts and the few things only the desktop app does. */
export function createDesktopApi(
  ipc: IpcRendererLike,
  streams: StreamRouter,
  facts: { argv: readonly string[]; platform: string }
): DuckDesktop {
  const call = <T>(method: DesktopMethod, ...args: unknown[]): Promise<T> => invoke<T>(ipc, method, args)
  return {
    nativePasswordSheet: true,
    secretStore: secretStoreFromArgv(facts.argv),
    platform: facts.platform,
    pickFolder: () => call('desktop.pickFolder'),
    openConversation: (conversationId) => call('desktop.openConversation', conversationId),
    openPasswordSheet: (taskId) => call('desktop.openPasswordSheet', taskId),
    quickAskShortcut: () => call('desktop.quickAskShortcut'),
    setQuickAskShortcut: (accelerator) => call('desktop.setQuickAskShortcut', accelerator),
    onTaskEvent: (listener) => streams.onForeign(listener),
    onPasswordSheet: pushChannel(ipc, IPC_EVENTS.passwordSheet, isNotice),
    onCommand: pushChannel(ipc, IPC_EVENTS.command, isCommand)
  }
}
