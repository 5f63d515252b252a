/** An error with an HTTP status, rendered LoopBack style by `rest/error-handler.ts`. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly code?: string,
    readonly details?: unknown[],
  ) {
    super(message)
  }
}
