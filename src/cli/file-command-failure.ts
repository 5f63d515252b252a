import { errorJson } from './error-json.js'
import { EXIT, exitCodeFor } from './exit-codes.js'
import type { Printer } from './output.js'

/**
 * Reports the failure of a command that only writes files (init, migration create): the error as
 * JSON or one line. It connects to nothing, so a failure without its own exit code is the
 * caller's input: exit 2 (usage), not 1.
 */
export function reportFileCommandFailure(p: Printer, e: unknown, json: boolean | undefined): void {
  if (json) p.line(JSON.stringify({ error: errorJson(e) }, null, 2))
  else p.error(`✖ ${(e as Error).message}`)
  const code = exitCodeFor(e)
  process.exitCode = code === EXIT.failure ? EXIT.usage : code
}
