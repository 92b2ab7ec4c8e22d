export * from './api'
export * from './dto'
export * from './events'
export * from './schemas'
