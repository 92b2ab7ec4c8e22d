export type ModelErrorCode =
  | 'model_unavailable'
  | 'model_stalled'
  | 'model_incomplete'
  | 'model_error'
  /** Generation stopped at the token budget or the context window (finish_reason "length"). */
  | 'model_truncated'
  /** The built-in engine could not load the model file (missing, not GGUF, truncated, too big). */
  | 'engine_load_failed'
  /** No model is chosen or installed for the built-in engine. */
  | 'engine_no_model'
  | 'cancelled'

/**
 * Every failure of the model client. `message` is one plain sentence a person can act on.
 * A `cancelled` error also has `name === 'AbortError'`, so generic abort checks see it.
 */
export class ModelError extends Error {
  readonly code: ModelErrorCode
  /** The HTTP status, when the server answered with one. */
  readonly status: number | undefined

  constructor(code: ModelErrorCode, message: string, options: { cause?: unknown; status?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.status = options.status
    this.name = code === 'cancelled' ? 'AbortError' : 'ModelError'
  }
}

export function isModelError(value: unknown, code?: ModelErrorCode): value is ModelError {
  return value instanceof ModelError && (code === undefined || value.code === code)
}
