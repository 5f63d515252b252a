import pc from 'picocolors'
import { redact } from '../redact.js'
import type { DataSourceMigrationReport } from '../datasource/migrate-all.js'
import type { Plan, PlannedChange } from '../schema/plan.js'

/**
 * Whether to colour a stream: `NO_COLOR` (https://no-color.org) turns colours off, `FORCE_COLOR`
 * (other than `0`/`false`) turns them on where the output is no terminal (CI logs); else only on a terminal.
 */
export function usesColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false
  if (env.FORCE_COLOR !== undefined) return !['0', 'false'].includes(env.FORCE_COLOR)
  return !!stream.isTTY
}

// Names reach the terminal from models, files and the catalog: a control character in one (a
// table named "\x1b]52;…" writing the clipboard, "\r" overwriting the line) must not drive it.
// Colour codes (SGR, what picocolors writes) are kept; every other control shows as \xNN.
const CONTROL = /\x1b\[[0-9;]*m|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g

/** The text with every control character but newline, tab and colour codes made visible. */
export function terminalSafe(text: string): string {
  return text.replace(CONTROL, (m) => (m.length > 1 ? m : `\\x${m.charCodeAt(0).toString(16).padStart(2, '0')}`))
}

/** Writes for humans: colours as `usesColor` says. */
export class Printer {
  readonly colors: ReturnType<typeof pc.createColors>
  constructor(
    readonly out: NodeJS.WriteStream = process.stdout,
    readonly err: NodeJS.WriteStream = process.stderr,
  ) {
    this.colors = pc.createColors(usesColor(out))
  }
  // Every line is redacted: --json output and messages alike can carry a URL.
  line(text = '') {
    this.out.write(terminalSafe(redact(text)) + '\n')
  }
  error(text: string) {
    const c = pc.createColors(usesColor(this.err))
    this.err.write(c.red(terminalSafe(redact(text))) + '\n')
  }
  /** A progress line on standard error, rewritten in place: `\r`, clear to the end, the text. */
  status(text: string) {
    this.err.write(`\r\x1b[K${terminalSafe(text)}`)
  }
}

const SIGN: Record<string, string> = {
  'create-table': '+',
  'add-column': '+',
  'add-index': '+',
  'add-foreign-key': '+',
  'drop-table': '-',
  'drop-column': '-',
  'drop-index': '-',
  'drop-foreign-key': '-',
}

export function formatChange(p: Printer, change: PlannedChange, showSql: boolean): string[] {
  const c = p.colors
  const sign = SIGN[change.change.kind] ?? '~'
  const paint = sign === '+' ? c.green : sign === '-' ? c.red : c.yellow
  const risk =
    change.risk === 'destructive'
      ? ' ' + c.bold(c.red('[destructive]'))
      : change.risk === 'rewrite'
        ? ' ' + c.magenta('[rewrites table]')
        : change.risk === 'scan'
          ? ' ' + c.cyan('[scans rows]')
          : ''
  const lines = [`  ${paint(sign)} ${change.summary}${risk}`]
  if (change.risk !== 'safe') for (const r of change.reasons) lines.push(`      ${c.dim(r)}`)
  for (const f of change.findings ?? []) lines.push(`      ${f.isBlocking ? c.red('✖ ' + f.message) : c.yellow('! ' + f.message)}`)
  // A statement merged into a combined one (MySQL's single ALTER/CREATE TABLE) is shown as a comment:
  // the lines that aren't comments are exactly what runs.
  if (showSql)
    for (const s of change.statements) {
      lines.push(
        s.combinedInto === undefined
          ? `      ${c.dim(s.sql.replace(/\n\s*/g, ' '))};`
          : `      ${c.dim(`-- not sent on its own (part of the combined statement): ${s.sql.replace(/\n\s*/g, ' ')}`)}`,
      )
      if (s.combinedInto === undefined)
        for (const f of s.fallbacks ?? []) lines.push(`      ${c.dim(`-- if the server refuses the algorithm above: ${f.replace(/\n\s*/g, ' ')};`)}`)
    }
  return lines
}

export function printPlan(p: Printer, name: string, plan: Plan, showSql: boolean) {
  const c = p.colors
  const isHeld = plan.drift.some((d) => d.kind === 'held')
  if (plan.changes.length === 0) p.line(`${c.bold(name)}: ${isHeld ? c.yellow('held by an expand in flight') : c.green('up to date')}`)
  else {
    p.line(`${c.bold(name)}: ${plan.mode === 'automigrate' ? 'auto-migrate (drop and re-create)' : 'auto-update'}, ${plan.changes.length} change(s)`)
    for (const ch of plan.changes) for (const l of formatChange(p, ch, showSql)) p.line(l)
  }
  for (const d of plan.drift) p.line(`  ${c.dim('!')} ${c.dim(d.message)}`)
  for (const f of plan.adoption ?? []) p.line(`  ${c.yellow('adoption:')} ${f.message}`)
}

export function printReports(p: Printer, reports: DataSourceMigrationReport[], dryRun: boolean, ms: number) {
  const c = p.colors
  let changes = 0
  let statements = 0
  for (const r of reports) {
    if (r.skipped) {
      p.line(`${c.bold(r.datasource)}: ${c.dim(`skipped (${r.reason})`)}`)
      continue
    }
    if (r.result) {
      printPlan(p, r.datasource, r.result.plan, dryRun)
      changes += r.result.plan.changes.length
      statements += r.result.statementCount
    }
  }
  const verb = dryRun ? 'planned (dry run, nothing executed)' : 'applied'
  p.line(
    changes === 0
      ? c.green(`✔ Nothing to do (${ms} ms)`)
      : c.green(`✔ ${changes} change(s) ${verb}${dryRun ? '' : `, ${statements} statement(s)`} in ${ms} ms`),
  )
}

/** The machine form of a run (`--json`). */
export function reportsToJson(reports: DataSourceMigrationReport[], dryRun: boolean) {
  return {
    dryRun,
    datasources: reports.map((r) => ({
      name: r.datasource,
      skipped: r.skipped,
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.result
        ? {
            executed: r.result.executed,
            statementCount: r.result.statementCount,
            plan: r.result.plan,
          }
        : {}),
    })),
  }
}
