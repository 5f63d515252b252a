import { escapeHtml as esc } from './escape.js'
import type { DiagramTable, Mark, SchemaDiagram } from './schema-diagram.js'

export const MARK_COLORS: Record<Mark, string> = { added: '#1a7f37', removed: '#cf222e', changed: '#9a6700' }
const CHAR = 7.4 // px per character of 12 px monospace
const ROW = 18
const HEADER = 26

function columnText(c: DiagramTable['columns'][number]): string {
  return `${c.isPrimaryKey ? 'PK ' : c.isForeignKey ? 'FK ' : '   '}${c.name}`
}

function tableWidth(t: DiagramTable): number {
  const longest = Math.max(t.name.length + 2, ...t.columns.map((c) => columnText(c).length + c.type.length + (c.mark ? 4 : 0) + 3))
  return Math.min(Math.max(140, Math.ceil(longest * CHAR) + 20), 640)
}

const clip = (s: string, max: number) => (s.length > max ? s.slice(0, max - 1) + '…' : s)

/**
 * The diagram as a standalone SVG: tables as boxes (marked tables and columns in colour),
 * foreign keys as arrows, laid out by dagre. Every name is escaped; no scripts, no styles.
 */
export async function svgDiagram(d: SchemaDiagram, options: { title?: string } = {}): Promise<string> {
  const { default: dagre } = await import('@dagrejs/dagre')
  const g = new dagre.graphlib.Graph({ multigraph: true })
  g.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 70, marginx: 16, marginy: 16 })
  g.setDefaultEdgeLabel(() => ({}))
  // dagre keeps nodes in plain objects: a table named `toString` or `__proto__` must not be a key.
  const id = new Map(d.tables.map((t, i) => [t.key, `n${i}`]))
  for (const t of d.tables) g.setNode(id.get(t.key)!, { width: tableWidth(t), height: HEADER + Math.max(1, t.columns.length) * ROW + 6 })
  d.edges.forEach((e, i) => g.setEdge(id.get(e.from)!, id.get(e.to)!, { width: Math.min(e.label.length * 6.2, 260), height: 14, labelpos: 'c' }, `e${i}`))
  dagre.layout(g)
  const graph = g.graph()
  const width = Math.ceil(graph.width ?? 200)
  const height = Math.ceil(graph.height ?? 100)
  const parts: string[] = []
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" font-size="12">`,
    `<title>${esc(options.title ?? 'Schema diagram')}</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#57606a"/></marker></defs>',
  )
  d.edges.forEach((e, i) => {
    const edge = g.edge({ v: id.get(e.from)!, w: id.get(e.to)!, name: `e${i}` })
    const pts: Array<{ x: number; y: number }> = edge.points ?? []
    if (!pts.length) return
    const path = pts.map((p, j) => `${j ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ')
    parts.push(
      `<g class="relation" data-from="${esc(e.from)}" data-to="${esc(e.to)}"><path d="${path}" fill="none" stroke="#57606a" stroke-width="1.3" marker-end="url(#arrow)"/>`,
      edge.x !== undefined ? `<text x="${edge.x.toFixed(1)}" y="${(edge.y! - 4).toFixed(1)}" text-anchor="middle" font-size="10" fill="#57606a" stroke="#f6f8fa" stroke-width="3" paint-order="stroke">${esc(clip(e.label, 40))}</text>` : '',
      '</g>',
    )
  })
  for (const t of d.tables) {
    const n = g.node(id.get(t.key)!)
    const x = n.x - n.width / 2
    const y = n.y - n.height / 2
    const border = t.mark ? MARK_COLORS[t.mark] : '#57606a'
    const maxChars = Math.floor((n.width - 20) / CHAR)
    parts.push(
      `<g class="table" data-table="${esc(t.key)}"${t.mark ? ` data-mark="${t.mark}"` : ''}>`,
      `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${n.width}" height="${n.height}" rx="4" fill="#ffffff" stroke="${border}" stroke-width="${t.mark ? 2.5 : 1.2}"/>`,
      `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${n.width}" height="${HEADER}" rx="4" fill="${t.mark ? border : '#24292f'}"/>`,
      `<text x="${(x + 10).toFixed(1)}" y="${(y + 17).toFixed(1)}" fill="#ffffff" font-weight="bold">${esc(clip(t.name, maxChars))}${t.mark ? ` (${t.mark})` : ''}</text>`,
    )
    t.columns.forEach((c, i) => {
      const cy = y + HEADER + 14 + i * ROW
      const fill = c.mark ? MARK_COLORS[c.mark] : '#24292f'
      parts.push(
        `<text class="column" x="${(x + 10).toFixed(1)}" y="${cy.toFixed(1)}" fill="${fill}"${c.mark ? ` data-mark="${c.mark}" font-weight="bold"` : ''}${c.mark === 'removed' ? ' text-decoration="line-through"' : ''}>${esc(clip(columnText(c), maxChars - c.type.length - 1))}</text>`,
        `<text x="${(x + n.width - 10).toFixed(1)}" y="${cy.toFixed(1)}" text-anchor="end" fill="#57606a">${esc(c.type)}${c.isNullable ? '' : ' !'}</text>`,
      )
    })
    parts.push('</g>')
  }
  parts.push('</svg>')
  return parts.join('\n')
}
