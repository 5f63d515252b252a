import { writeFileSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import type { DataSource } from '../datasource/datasource.js'
import type { DataSourceMigrationReport } from '../datasource/migrate-all.js'
import type { Plan } from '../schema/plan.js'
import { planReportHtml, type PlanReportSection } from '../pictures/plan-report.js'
import type { Printer } from './output.js'

/**
 * `migrate --report FILE`: the plans as a self-contained HTML page. On a dry run the live schema
 * is read again for the before/after diagrams; after a real run the plan alone is shown.
 */
export async function writePlanReportFile(file: string, reports: DataSourceMigrationReport[], datasources: DataSource[], isDryRun: boolean, printer: Printer) {
  const sections: PlanReportSection[] = []
  for (const r of reports) {
    if (!r.result) continue
    const ds = datasources.find((d) => d.name === r.datasource)
    // Every model's tables: the report draws only those the plan touches.
    const before = isDryRun && ds && r.result.plan.changes.length ? (await ds.describeSchema()).current : undefined
    sections.push({ datasource: r.datasource, plan: r.result.plan, ...(before ? { before } : {}) })
  }
  const path = resolve(process.cwd(), file)
  writeFileSync(path, await planReportHtml(sections))
  printer.err.write(`report: ${relative(process.cwd(), path)}\n`)
}

/** `migration generate --report FILE`: the generated migration's plan as an HTML page (diagrams with `--from-db`). */
export async function writeGeneratedPlanReport(file: string, ds: DataSource, plan: Plan, isFromDb: boolean, printer: Printer) {
  const before = isFromDb && plan.changes.length ? (await ds.describeSchema()).current : undefined
  const path = resolve(process.cwd(), file)
  writeFileSync(path, await planReportHtml([{ datasource: ds.name, plan, ...(before ? { before } : {}) }], { title: 'Migration plan (generated migration)' }))
  printer.err.write(`report: ${relative(process.cwd(), path)}\n`)
}
