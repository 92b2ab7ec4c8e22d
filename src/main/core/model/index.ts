export {
  ModelClient,
  reasoningRequestParams,
  type ChatMessage,
  type ChatOptions,
  type ChatResult,
  type ModelClientOptions,
  type ModelInfo,
  type ResponseFormatSpec,
  type StreamChatOptions,
  type StreamDelta,
  type StreamResult,
  type StructuredMode
} from './model-client'
export { ModelError, isModelError, type ModelErrorCode } from './errors'
export { GenerationMeter } from './meter'
export { ThinkTagParser, splitThink, type ThinkPart } from './think'
