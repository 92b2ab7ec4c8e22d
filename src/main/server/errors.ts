import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { z } from 'zod'
import { DuckApiError, statusForCode } from '../../shared/api'
import type { ApiErrorBody, ErrorCode } from '../../shared/dto'
import { describeZodError } from '../../shared/schemas'

export function errorBody(code: ErrorCode, message: string): ApiErrorBody {
  return { error: { code, message } }
}

export function sendError(c: Context, code: ErrorCode, message: string): Response {
  return c.json(errorBody(code, message), statusForCode(code) as ContentfulStatusCode)
}

export function invalidInput(error: z.ZodError): DuckApiError {
  return new DuckApiError('invalid_input', describeZodError(error))
}

/** Maps anything thrown by a handler to the JSON error contract. */
export function toErrorResponse(c: Context, error: unknown): Response {
  if (error instanceof DuckApiError) return sendError(c, error.code, error.message)
  console.error('[duck] unexpected error while handling a request:', error)
  return sendError(c, 'internal', 'Something went wrong inside Duck. The details are in its log.')
}
