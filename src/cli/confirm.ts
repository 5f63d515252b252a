import { confirm, isCancel } from '@clack/prompts'
import { ShipshapeError } from '../errors.js'
import type { Printer } from './output.js'

/** One thing a destructive command would lose. */
export interface Loss {
  /** The datasource it happens in. */
  datasource: string
  /** For humans: `drop table "Todo"`, `revert 20240101_add_notes`. */
  what: string
  /** Rows that go with it, when they can be counted. */
  rows?: number
  /** Why it is destructive, one line each. */
  reasons?: string[]
}

/** A destructive command met no `--yes`, and no terminal to ask on. Nothing was changed. */
export class ConfirmationRequiredError extends ShipshapeError {
  readonly losses: Loss[]
  constructor(command: string, losses: Loss[]) {
    super(
      'CONFIRMATION_REQUIRED',
      `${command} would lose data:\n${losses.map((l) => `  - ${lossLine(l)}`).join('\n')}\n` +
        `Nothing was changed. Run it on a terminal to confirm, or pass --yes to go ahead without asking.`,
    )
    this.losses = losses
  }
}

/** The answer on the terminal was no (or Ctrl-C). Nothing was changed. */
export class ConfirmationDeclinedError extends ShipshapeError {
  constructor(command: string) {
    super('CONFIRMATION_DECLINED', `${command}: not confirmed. Nothing was changed.`)
  }
}

export function lossLine(l: Loss): string {
  const rows = l.rows === undefined ? '' : ` (${l.rows} row${l.rows === 1 ? '' : 's'})`
  return `${l.datasource}: ${l.what}${rows}`
}

/**
 * Whether the user can be asked: both ends are a terminal. `CI` is set by every CI service; a
 * pipeline with a pseudo-terminal must still say `--yes`.
 */
export function isInteractive(): boolean {
  return !!process.stdin.isTTY && !!process.stdout.isTTY && !process.env.CI
}

/**
 * Asks before a destructive command runs, after showing what it would lose. Returns when it may go
 * ahead: nothing to lose, `--yes`, or a yes on the terminal. Throws ConfirmationRequiredError (exit
 * 3) without a terminal or under `--json`, ConfirmationDeclinedError (exit 3) on a no.
 */
export async function confirmLosses(
  command: string,
  losses: Loss[],
  flags: { yes?: boolean; json?: boolean },
  printer: Printer,
): Promise<void> {
  if (losses.length === 0 || flags.yes) return
  if (flags.json || !isInteractive()) throw new ConfirmationRequiredError(command, losses)
  const c = printer.colors
  printer.line(c.bold(c.red(`${command} would lose data:`)))
  for (const l of losses) {
    printer.line(`  ${c.red('-')} ${lossLine(l)}`)
    for (const r of l.reasons ?? []) printer.line(`      ${c.dim(r)}`)
  }
  const rows = losses.reduce((n, l) => n + (l.rows ?? 0), 0)
  const answer = await confirm({
    message: rows ? `Lose ${rows} row(s) and go ahead?` : 'Go ahead?',
    initialValue: false,
    input: process.stdin,
    output: process.stdout,
  })
  if (isCancel(answer) || answer !== true) throw new ConfirmationDeclinedError(command)
}
