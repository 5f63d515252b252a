import { redactUrl } from '../errors.js'

/**
 * An error as `--json` prints it: its stable code, the message (passwords redacted), and what it
 * carries — a refusal's rule, reasons and plan, a confirmation's losses. Read by shape, not class:
 * an `{app}` config may load its own copy of the package.
 */
export function errorJson(e: unknown): Record<string, unknown> {
  const err = e as Error & { code?: string; rule?: string; reasons?: string[]; plan?: unknown; losses?: unknown }
  return {
    code: err.code ?? 'ERROR',
    message: redactUrl(err.message ?? String(e)),
    ...(err.code === 'CONFIRMATION_REQUIRED' && err.losses ? { losses: err.losses } : {}),
    ...(err.code === 'PLAN_REFUSED'
      ? { rule: err.rule, reasons: (err.reasons ?? []).map(redactUrl), ...(err.plan ? { plan: err.plan } : {}) }
      : {}),
  }
}
