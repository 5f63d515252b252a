import { applyChanges } from '../schema/apply.js'
import { changeTable } from '../schema/changes.js'
import { tableKey, type Database } from '../schema/ir.js'
import type { Plan, PlannedChange, Risk } from '../schema/plan.js'
import { escapeHtml as esc } from './escape.js'
import { htmlPage, legend } from './html-page.js'
import { marksFromChanges, schemaDiagram } from './schema-diagram.js'
import { svgDiagram } from './svg.js'

/** One datasource's plan, with the schema it starts from (for the before/after diagrams). */
export interface PlanReportSection {
  datasource: string
  plan: Plan
  /** The live schema the plan was made against; without it the report has no diagrams. */
  before?: Database
}

const RISKS: Risk[] = ['safe', 'scan', 'rewrite', 'destructive']
const RISK_TEXT: Record<Risk, string> = {
  safe: 'safe: metadata only',
  scan: 'scan: reads the table',
  rewrite: 'rewrite: copies the table',
  destructive: 'destructive: data can be lost',
}

function changeHtml(p: PlannedChange): string {
  const sql = p.statements
    .map((s) =>
      s.combinedInto !== undefined
        ? `-- shown, sent as part of the combined statement below\n-- ${s.sql}`
        : [s.sql, ...(s.fallbacks ?? []).map((f) => `-- if the server refuses the algorithm above:\n-- ${f}`)].join('\n'),
    )
    .join('\n')
  return [
    `<div class="change risk-${p.risk}" data-risk="${p.risk}">`,
    `<span class="badge risk-${p.risk}">${p.risk}</span><strong>${esc(p.summary)}</strong>`,
    p.reasons.length ? `<ul class="reasons">${p.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>` : '',
    ...(p.findings ?? []).map((f) => {
      // An existence check counts at most one row: say "has rows", not "1 row".
      const count = f.check.kind === 'any-rows' ? 'the table has rows' : `<span class="rows">${f.rows}</span> row${f.rows === 1 ? '' : 's'}`
      return `<p class="finding">${f.isBlocking ? 'Blocks the change' : 'Data check'}: ${esc(f.message)} (${count})</p>`
    }),
    sql ? `<pre class="sql">${esc(sql)}</pre>` : '',
    '</div>',
  ].join('\n')
}

async function sectionHtml(s: PlanReportSection): Promise<string> {
  const { plan } = s
  const groups = new Map<string, PlannedChange[]>()
  for (const p of plan.changes) {
    const key = tableKey(changeTable(p.change)) || '(schemas)'
    groups.set(key, [...(groups.get(key) ?? []), p])
  }
  const counts = RISKS.map((r) => [r, plan.changes.filter((p) => p.risk === r).length] as const).filter(([, n]) => n > 0)
  const out = [
    `<section class="datasource" data-datasource="${esc(s.datasource)}">`,
    `<h2>${esc(s.datasource)} <span class="muted">${esc(plan.dialect)} · ${plan.mode === 'automigrate' ? 'auto-migrate (drop and re-create)' : 'auto-update'}</span></h2>`,
  ]
  if (plan.changes.length === 0) out.push('<p class="up-to-date">Nothing to do: the database matches the models.</p>')
  else
    out.push(
      `<table class="summary"><tr>${counts.map(([r, n]) => `<td><span class="badge risk-${r}">${n} ${r}</span></td>`).join('')}</tr></table>`,
      `<p class="muted">${counts.map(([r]) => esc(RISK_TEXT[r])).join(' · ')}</p>`,
    )
  if (s.before && plan.changes.length) {
    const changes = plan.changes.map((p) => p.change)
    const touched = new Set(plan.changes.map((p) => tableKey(changeTable(p.change))))
    const marks = marksFromChanges(changes)
    const after = applyChanges(s.before, changes)
    // The tables the touched ones refer to are drawn too (unmarked), so their relations show.
    for (const db of [s.before, after])
      for (const t of db.tables)
        if (touched.has(tableKey(t))) for (const f of t.foreignKeys) touched.add(tableKey({ schema: f.references.schema ?? t.schema, name: f.references.table }))
    out.push(
      '<h3>Tables touched (and the tables they refer to)</h3>',
      legend({ added: 'added', changed: 'changed', removed: 'dropped' }),
      '<div class="columns">',
      `<div><p class="muted">Before</p><div class="diagram before">${await svgDiagram(schemaDiagram(s.before, { marks, only: touched }), { title: `${s.datasource}: before` })}</div></div>`,
      `<div><p class="muted">After</p><div class="diagram after">${await svgDiagram(schemaDiagram(after, { marks, only: touched }), { title: `${s.datasource}: after` })}</div></div>`,
      '</div>',
    )
  }
  for (const [table, changes] of groups) {
    out.push(`<h3 class="table-changes" data-table="${esc(table)}">${esc(table)}</h3>`)
    for (const p of changes) out.push(changeHtml(p))
  }
  if (plan.drift.length)
    out.push('<h3>Left alone (not declared by the models)</h3>', `<ul class="drift">${plan.drift.map((d) => `<li>${esc(d.message)}</li>`).join('')}</ul>`)
  out.push('</section>')
  return out.join('\n')
}

/**
 * A self-contained HTML page of migration plans: per datasource, the changes grouped by table
 * with their risk as colour, reasons, data-check findings (row counts) and SQL, and diagrams of
 * the touched tables before and after. No scripts; every name escaped; a strict CSP.
 * @example
 *   const plan = await ds.planAutoupdate()
 *   writeFileSync('plan.html', await planReportHtml([{datasource: ds.name, plan, before: (await ds.describeSchema()).current}]))
 */
export async function planReportHtml(sections: PlanReportSection[], options: { title?: string; generatedAt?: Date } = {}): Promise<string> {
  const title = options.title ?? 'Migration plan'
  const total = sections.reduce((n, s) => n + s.plan.changes.length, 0)
  const body = [
    `<h1>${esc(title)}</h1>`,
    `<p class="muted">${total} change${total === 1 ? '' : 's'} in ${sections.length} datasource${sections.length === 1 ? '' : 's'} · generated ${esc((options.generatedAt ?? new Date()).toISOString())} by shipshape</p>`,
    ...(await Promise.all(sections.map(sectionHtml))),
  ]
  return htmlPage(title, body.join('\n'))
}
