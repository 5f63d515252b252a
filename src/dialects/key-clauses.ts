import type { ForeignKey, Index } from '../schema/ir.js'

/** A dialect's identifier quoting. */
export type QuoteIdentifier = (name: string) => string

/** `"a", "b" DESC`: the key columns of an index, in order. */
export function indexColumnList(index: Index, q: QuoteIdentifier): string {
  return index.columns.map((c) => `${q(c.name)}${c.order === 'desc' ? ' DESC' : ''}`).join(', ')
}

/**
 * `CONSTRAINT "fk" FOREIGN KEY ("a") REFERENCES <referenced> ("id") ON DELETE CASCADE`. The caller
 * names the referenced table (schema-qualified or not, as its dialect wants). Actions are said
 * only where they differ from NO ACTION, unless `spellsOutActions` (an engine that reads an
 * omitted action its own way).
 */
export function foreignKeyClause(fk: ForeignKey, q: QuoteIdentifier, referenced: string, spellsOutActions = false): string {
  const action = (verb: string, a: ForeignKey['onDelete']) => (spellsOutActions || a !== 'no action' ? ` ${verb} ${a.toUpperCase()}` : '')
  return (
    `CONSTRAINT ${q(fk.name)} FOREIGN KEY (${fk.columns.map(q).join(', ')}) ` +
    `REFERENCES ${referenced} (${fk.references.columns.map(q).join(', ')})` +
    action('ON DELETE', fk.onDelete) +
    action('ON UPDATE', fk.onUpdate)
  )
}
