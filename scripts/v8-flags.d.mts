export const MAIN_PROCESS_V8_FLAGS: readonly string[]
