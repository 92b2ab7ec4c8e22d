import { create, type StateCreator } from 'zustand'
import { loadSidebarWidth, loadWorkspace } from '../lib/storage'
import type {
  ChatSlice,
  ConnectionSlice,
  ConversationsSlice,
  DuckState,
  EngineSlice,
  LibrarySlice,
  Loadable,
  McpSlice,
  ModelSlice,
  UiSlice
} from './types'

export type * from './types'
export { NEW_CHAT, threadItemKey } from './types'

type Slice<T> = StateCreator<DuckState, [], [], T>

const createConnectionSlice: Slice<ConnectionSlice> = () => ({
  connection: { status: 'checking', transport: null, version: null, message: null }
})

const createModelSlice: Slice<ModelSlice> = () => ({
  settings: null,
  models: null,
  modelStatus: 'unknown',
  modelError: null
})

const idle = <T>(data: T): Loadable<T> => ({ data, status: 'idle', error: null })

const createEngineSlice: Slice<EngineSlice> = () => ({
  engineStatus: idle(null),
  catalog: idle(null),
  installed: idle([]),
  downloads: idle([])
})

const createUiSlice: Slice<UiSlice> = () => ({
  view: 'chat',
  sidebarCollapsed: false,
  sidebarWidth: loadSidebarWidth(),
  activeConversationId: null,
  workspace: loadWorkspace(),
  reasoning: null,
  settingsTab: 'general'
})

const createConversationsSlice: Slice<ConversationsSlice> = () => ({
  conversations: [],
  conversationQuery: '',
  conversationsStatus: 'idle',
  conversationsError: null
})

const createChatSlice: Slice<ChatSlice> = () => ({
  threads: {},
  tasks: {},
  drafts: {},
  sending: {},
  deciding: {},
  settled: {},
  approvalError: null
})

const createLibrarySlice: Slice<LibrarySlice> = () => ({
  audit: idle([]),
  memories: idle([]),
  lessons: idle([]),
  skills: idle([]),
  rules: idle([])
})

const createMcpSlice: Slice<McpSlice> = () => ({
  mcp: idle(null)
})

/**
 * One store per window, built from typed slices; actions live outside components
 * (store/actions). The sudo password never enters it.
 */
export const useDuck = create<DuckState>()((...a) => ({
  ...createConnectionSlice(...a),
  ...createModelSlice(...a),
  ...createEngineSlice(...a),
  ...createUiSlice(...a),
  ...createConversationsSlice(...a),
  ...createChatSlice(...a),
  ...createLibrarySlice(...a),
  ...createMcpSlice(...a)
}))
