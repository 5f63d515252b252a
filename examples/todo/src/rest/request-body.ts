import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { Request } from 'express'
import type { OpenApiDocument } from 'shipshape'
import { HttpError } from './http-error.js'

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default

/**
 * Request bodies checked against the OpenAPI document's schemas, as LoopBack 4 does with ajv:
 * 415 for a body that isn't JSON, 400 for a missing one, 422 with `details` for an invalid one.
 */
export class BodyValidator {
  private readonly ajv = new Ajv({ allErrors: true, strict: false })
  private readonly compiled = new Map<string, ValidateFunction>()

  constructor(document: OpenApiDocument) {
    addFormats(this.ajv)
    this.ajv.addSchema(document as object, 'openapi.json')
  }

  body<T>(req: Request, schema: string): T {
    const type = req.headers['content-type']
    if (type !== undefined && !req.is('application/json'))
      throw new HttpError(415, `Content-type ${type} does not match [application/json].`, 'UNSUPPORTED_MEDIA_TYPE')
    if (req.body === undefined) throw new HttpError(400, 'Request body is required', 'MISSING_REQUIRED_PARAMETER')
    let validate = this.compiled.get(schema)
    if (!validate) {
      validate = this.ajv.getSchema(`openapi.json#/components/schemas/${schema}`)
      if (!validate) throw new Error(`No schema ${schema} in the OpenAPI document`)
      this.compiled.set(schema, validate)
    }
    if (!validate(req.body))
      throw new HttpError(
        422,
        'The request body is invalid. See error object `details` property for more info.',
        'VALIDATION_FAILED',
        (validate.errors ?? []).map((e: ErrorObject) => ({ path: e.instancePath, code: e.keyword, message: e.message, info: e.params })),
      )
    return req.body as T
  }
}
