import { escapeHtml as esc } from './escape.js'
import { htmlPage, legend } from './html-page.js'
import type { SchemaDiagram } from './schema-diagram.js'
import { svgDiagram } from './svg.js'

/** The labels of the marks in a schema diagram: what "added" and "removed" mean depends on which side is drawn. */
export function driftLegend(fromDb: boolean) {
  return fromDb
    ? { added: 'in the models, not in the database', changed: 'differs from the models', removed: 'in the database, not in the models' }
    : { added: 'in the models, not yet in the database', changed: 'differs from the database', removed: 'in the database, not in the models' }
}

/** A self-contained HTML page holding the diagram (SVG), its legend and the table count. */
export async function diagramPageHtml(d: SchemaDiagram, options: { title: string; subtitle?: string; fromDb?: boolean }): Promise<string> {
  const marked = d.tables.filter((t) => t.mark || t.columns.some((c) => c.mark)).length
  const body = [
    `<h1>${esc(options.title)}</h1>`,
    `<p class="muted">${d.tables.length} table${d.tables.length === 1 ? '' : 's'}, ${d.edges.length} relation${d.edges.length === 1 ? '' : 's'}${options.subtitle ? ` · ${esc(options.subtitle)}` : ''}</p>`,
    marked ? `<p class="drift-note">${marked} table${marked === 1 ? '' : 's'} differ${marked === 1 ? 's' : ''} between the models and the database.</p>` + legend(driftLegend(!!options.fromDb)) : '<p class="in-sync">The database matches the models.</p>' + legend({}),
    `<div class="diagram">${await svgDiagram(d, { title: options.title })}</div>`,
  ]
  return htmlPage(options.title, body.join('\n'))
}
