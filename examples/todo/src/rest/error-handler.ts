import type { NextFunction, Request, Response } from 'express'

/** Shipshape error codes that mean "the request is wrong" (400) or "the data is invalid" (422). */
const BAD_REQUEST = new Set(['INVALID_FILTER', 'UNKNOWN_PROPERTY', 'INVALID_ID', 'INVALID_INCLUSION_FILTER'])
const UNPROCESSABLE = new Set(['VALIDATION_FAILED', 'INVALID_DATA'])
/** Unique-key violations as each driver reports them: SQLite, PostgreSQL (23505), MySQL/MariaDB. */
const DUPLICATE = new Set(['SQLITE_CONSTRAINT_PRIMARYKEY', 'SQLITE_CONSTRAINT_UNIQUE', '23505', 'ER_DUP_ENTRY'])

const NAMES: Record<number, string> = {
  400: 'BadRequestError',
  404: 'NotFoundError',
  409: 'ConflictError',
  415: 'UnsupportedMediaTypeError',
  422: 'UnprocessableEntityError',
}

type AnyError = Error & { code?: string; status?: number; statusCode?: number; details?: unknown[]; cause?: unknown; type?: string }

function isDuplicate(e: AnyError | undefined, depth = 0): boolean {
  if (!e || depth > 5) return false
  return (typeof e.code === 'string' && DUPLICATE.has(e.code)) || isDuplicate(e.cause as AnyError | undefined, depth + 1)
}

/** The status and body LoopBack 4 answers for an error: `{error: {statusCode, name, message, code?, details?}}`. */
export function errorResponse(err: unknown): { status: number; body: { error: Record<string, unknown> } } {
  const e = (err ?? {}) as AnyError
  let status = e.statusCode ?? e.status ?? 500
  let message = e.message
  let code = e.code
  if (e.code === 'ENTITY_NOT_FOUND') status = 404
  else if (e.code && UNPROCESSABLE.has(e.code)) status = 422
  else if (e.code && BAD_REQUEST.has(e.code)) status = 400
  else if (isDuplicate(e)) {
    status = 409
    message = 'An instance with this id (or unique value) already exists.'
    code = 'DUPLICATE_KEY'
  } else if (e.type === 'entity.parse.failed') code = 'INVALID_REQUEST_BODY'
  return {
    status,
    body: {
      error: {
        statusCode: status,
        name: NAMES[status] ?? (status < 500 ? 'Error' : 'InternalServerError'),
        message: status >= 500 ? 'Internal Server Error' : message,
        ...(code && status < 500 ? { code } : {}),
        ...(e.details ? { details: e.details } : {}),
      },
    },
  }
}

export function errorHandler(err: unknown, _req: Request, res: Response, _next: NextFunction) {
  const { status, body } = errorResponse(err)
  if (status >= 500) console.error(err)
  res.status(status).json(body)
}
