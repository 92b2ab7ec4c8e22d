import { create, type StateCreator } from 'zustand'
import type { Transport } from '../bridge'

export type View = 'chat' | 'audit' | 'memory' | 'skills' | 'settings'

export interface ConnectionSlice {
  connection: {
    status: 'checking' | 'connected' | 'disconnected' | 'signed_out'
    transport: Transport | null
    version: string | null
    message: string | null
  }
}

export interface UiSlice {
  view: View
  sidebarCollapsed: boolean
}

export type DuckState = ConnectionSlice & UiSlice

const createConnectionSlice: StateCreator<DuckState, [], [], ConnectionSlice> = () => ({
  connection: { status: 'checking', transport: null, version: null, message: null }
})

const createUiSlice: StateCreator<DuckState, [], [], UiSlice> = () => ({
  view: 'chat',
  sidebarCollapsed: false
})

/** One store per window, built from typed slices; actions live outside components. */
export const useDuck = create<DuckState>()((...a) => ({
  ...createConnectionSlice(...a),
  ...createUiSlice(...a)
}))
