import { PlanRefusedError, redactUrl } from '../errors.js'
import { ConfirmationRequiredError } from './confirm.js'

/** An error as `--json` prints it: its stable code, the message (passwords redacted), and what it carries. */
export function errorJson(e: unknown): Record<string, unknown> {
  const err = e as Error & { code?: string }
  return {
    code: err.code ?? 'ERROR',
    message: redactUrl(err.message ?? String(e)),
    ...(e instanceof ConfirmationRequiredError ? { losses: e.losses } : {}),
    ...(e instanceof PlanRefusedError ? { rule: e.rule, reasons: e.reasons.map(redactUrl) } : {}),
  }
}
