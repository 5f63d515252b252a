import { Command } from 'commander'
import type { DataSource } from '../datasource/datasource.js'
import { redactUrl, ShipshapeError } from '../errors.js'
import type { ExpandOptions } from '../expand/expand.js'
import type { ExpandStatus } from '../expand/expand-plan.js'
import { loadConfig } from './config.js'
import { EXIT, exitCodeFor } from './exit-codes.js'
import { Printer } from './output.js'

export type ExpandAction = 'expand' | 'contract' | 'status' | 'abort'

/** The expand action `migrate`'s flags ask for (`--expand`, `--contract`, `--expand-status`, `--abort-expand`), if any. */
export function expandActionOf(flags: { expand?: boolean; contract?: boolean; expandStatus?: boolean; abortExpand?: boolean }): ExpandAction | undefined {
  return flags.expand ? 'expand' : flags.contract ? 'contract' : flags.expandStatus ? 'status' : flags.abortExpand ? 'abort' : undefined
}

export interface ExpandFlags {
  from?: string
  to?: string
  dryRun?: boolean
  batchSize?: string
  throttle?: string
  models?: string
  json?: boolean
  config?: string
  lockTimeout?: string
}

function options(flags: ExpandFlags, printer: Printer): ExpandOptions {
  const tty = !flags.json && printer.err.isTTY
  return {
    ...(flags.from ? { from: flags.from } : {}),
    ...(flags.to ? { to: flags.to } : {}),
    ...(flags.dryRun ? { dryRun: true } : {}),
    ...(flags.batchSize ? { batchSize: Number(flags.batchSize) } : {}),
    ...(flags.throttle ? { throttleMs: Number(flags.throttle) } : {}),
    ...(flags.lockTimeout ? { lockTimeout: Number(flags.lockTimeout) } : {}),
    // Said on standard error (also under --json): a second deploy job otherwise sits silent.
    onWaitForBackfill: () => printer.err.write(`… another process is running the backfill; waiting for it to end (shipshape expand status shows its progress)\n`),
    ...(tty
      ? {
          onProgress: (p) => {
            const pct = p.rowsTotal ? Math.floor((100 * p.rowsDone) / p.rowsTotal) : 100
            const eta = p.etaMs !== undefined ? `, ${Math.ceil(p.etaMs / 1000)} s left` : ''
            printer.status(`backfill ${p.table}: ${p.rowsDone}/${p.rowsTotal} rows (${pct}%), ${Math.round(p.rate)} rows/s${eta}`)
          },
        }
      : {}),
  }
}

function printStatus(p: Printer, ds: DataSource, s: ExpandStatus) {
  p.line(`${ds.name}: ${s.phase === 'none' ? 'no expand yet' : `${s.from} → ${s.to}, ${s.phase}`}`)
  if (s.exposedVersions.length) p.line(`  versions exposed: ${s.exposedVersions.map((v) => `${v.version} (schema ${v.schema})`).join(', ')}`)
  for (const b of s.backfill) p.line(`  backfill ${b.table}: ${b.rowsDone}/${b.rowsTotal} rows${b.isDone ? ', done' : ''}`)
  if (s.phase === 'backfilling' || s.phase === 'expanded') for (const line of s.summary) p.line(`  ${line}`)
}

/** Runs one expand action on every datasource that can migrate; prints, and returns the exit code. */
export async function runExpand(datasources: DataSource[], action: ExpandAction, flags: ExpandFlags, printer = new Printer()): Promise<number> {
  const out: Record<string, unknown>[] = []
  let code: number = EXIT.ok
  const opts = options(flags, printer)
  const models = flags.models ? flags.models.split(',').map((m) => m.trim()).filter(Boolean) : undefined
  try {
    for (const ds of datasources) {
      if (!ds.supportsMigration) continue
      try {
        if (action === 'status') {
          const s = await ds.expandStatus()
          out.push({ datasource: ds.name, status: s })
          if (!flags.json) printStatus(printer, ds, s)
        } else if (action === 'expand') {
          const r = await ds.expand(models, opts)
          if (opts.onProgress) printer.err.write('\r\x1b[K')
          out.push({ datasource: ds.name, executed: r.executed, summary: r.plan.summary, sql: r.sql, status: r.status })
          if (!flags.json) {
            for (const line of r.plan.summary) printer.line(`  ${line}`)
            if (flags.dryRun) for (const s of r.sql) printer.line(`${s};`)
            printStatus(printer, ds, r.status)
          }
        } else if (action === 'contract') {
          const r = await ds.contract(models, opts)
          if (opts.onProgress) printer.err.write('\r\x1b[K')
          out.push({ datasource: ds.name, sql: r.sql, status: r.status })
          if (!flags.json) {
            if (flags.dryRun) for (const s of r.sql) printer.line(`${s};`)
            printStatus(printer, ds, r.status)
          }
        } else {
          const r = await ds.abortExpand(opts)
          out.push({ datasource: ds.name, sql: r.sql, status: r.status })
          if (!flags.json) printStatus(printer, ds, r.status)
        }
      } catch (e) {
        const err = e as Error & { code?: string }
        out.push({ datasource: ds.name, error: { code: err.code ?? 'ERROR', message: redactUrl(err.message) } })
        if (!flags.json) printer.error(`✖ ${ds.name}: ${redactUrl(err.message)}`)
        const c = e instanceof ShipshapeError && e.code === 'EXPAND_UNSUPPORTED' ? EXIT.refused : exitCodeFor(e)
        if (code === EXIT.ok) code = c
      }
    }
    if (flags.json) printer.line(JSON.stringify(out, null, 2))
    return code
  } finally {
    for (const ds of datasources) await ds.disconnect().catch(() => {})
  }
}

async function load(flags: ExpandFlags, printer: Printer): Promise<DataSource[] | undefined> {
  try {
    return (await loadConfig(process.cwd(), flags.config)).datasources
  } catch (e) {
    printer.error(`✖ ${redactUrl((e as Error).message)}`)
    process.exitCode = EXIT.usage
    return undefined
  }
}

function common(cmd: Command): Command {
  return cmd
    .option('--models <names>', 'only these models (comma separated)')
    .option('--json', 'print the result as JSON')
    .option('--lock-timeout <ms>', 'how long to wait for another process\u2019s migration lock')
    .option('-c, --config <file>', 'config file (default: shipshape.config.{ts,js,mjs})')
}

/**
 * `shipshape expand` (PostgreSQL): zero-downtime changes for rolling deploys.
 * `expand` → deploy the new version with `schemaVersion` → `expand contract` once the old version is gone.
 */
export function addExpandCommand(program: Command) {
  const expand = common(
    program
      .command('expand')
      .description('Zero-downtime deploy, PostgreSQL: put the models\u2019 new shape beside the old (views per version, triggers both ways) and backfill; run again to resume')
      .option('--from <version>', 'label of the version running now (default v1, or the last contracted one)')
      .option('--to <version>', 'label of the version being deployed (default: the next number)')
      .option('--batch-size <rows>', 'most rows per backfill transaction (default 1000; fewer when a batch takes over 30 ms)')
      .option('--throttle <ms>', 'pause between backfill batches, in ms (default 5)')
      .option('--dry-run', 'print the expand plan and its SQL; change nothing'),
  ).action(async (flags: ExpandFlags) => {
    const printer = new Printer()
    const ds = await load(flags, printer)
    if (ds) process.exitCode = await runExpand(ds, 'expand', flags, printer)
  })
  for (const [name, action, description] of [
    ['status', 'status', 'phase, backfill progress and exposed versions of the expand in flight'],
    ['contract', 'contract', 'the old version is gone: drop its columns, the triggers and the views, online'],
    ['abort', 'abort', 'roll the expand back to the old version alone, keeping every write made meanwhile'],
  ] as const) {
    const sub = common(expand.command(name).description(description))
    if (action !== 'status') sub.option('--dry-run', 'print the SQL; change nothing')
    sub.option('--batch-size <rows>', 'rows per backfill transaction, when the backfill is unfinished').action(async (_: ExpandFlags, cmd: Command) => {
      // `expand status --json`: an option the parent knows too is parsed by the parent.
      const flags = cmd.optsWithGlobals<ExpandFlags>()
      const printer = new Printer()
      const ds = await load(flags, printer)
      if (ds) process.exitCode = await runExpand(ds, action, flags, printer)
    })
  }
}
