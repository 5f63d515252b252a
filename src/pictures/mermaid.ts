import type { SchemaDiagram } from './schema-diagram.js'

/** Mermaid allows letters, digits, `_` and `-` in entity and attribute names; anything else is replaced. */
const ident = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=[0-9_])/, 't') || 'unnamed'
const label = (s: string) => s.replace(/["\\<>&`#;\r\n]/g, '_')

/**
 * The diagram as a Mermaid `erDiagram`: an entity per table (aliased to its real name), `PK`/`FK`
 * on key columns, a many-to-one line per foreign key. Marks become attribute comments.
 */
export function mermaidDiagram(d: SchemaDiagram): string {
  const ids = new Map<string, string>()
  const used = new Set<string>()
  for (const t of d.tables) {
    let id = ident(t.key)
    for (let i = 2; used.has(id); i++) id = `${ident(t.key)}_${i}`
    used.add(id)
    ids.set(t.key, id)
  }
  const lines = ['erDiagram']
  for (const t of d.tables) {
    lines.push(`  ${ids.get(t.key)}["${label(t.name)}"] {`)
    for (const c of t.columns) {
      const keys = [c.isPrimaryKey ? 'PK' : '', c.isForeignKey ? 'FK' : ''].filter(Boolean).join(', ')
      const note = [c.isNullable ? '' : 'not null', c.mark ?? ''].filter(Boolean).join(', ')
      lines.push(`    ${ident(c.type)} ${ident(c.name)}${keys ? ` ${keys}` : ''}${note || c.name !== ident(c.name) ? ` "${label([c.name !== ident(c.name) ? c.name : '', note].filter(Boolean).join(' — '))}"` : ''}`)
    }
    lines.push('  }')
  }
  for (const e of d.edges) lines.push(`  ${ids.get(e.from)} }o--|| ${ids.get(e.to)} : "${label(e.label)}"`)
  return lines.join('\n') + '\n'
}
