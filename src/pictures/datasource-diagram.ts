import type { DataSource } from '../datasource/datasource.js'
import { diffDatabases } from '../schema/diff.js'
import { marksFromChanges, marksFromDrift, mergeDiagrams, schemaDiagram, type SchemaDiagram } from './schema-diagram.js'

export interface DatasourceDiagramOptions {
  /** Draw the live database's tables (those the models name) rather than the models. */
  fromDb?: boolean
  /** Only this datasource (by name); default every SQL datasource with models. */
  datasource?: string
}

/**
 * The entity-relationship diagram of the datasources' models (or of their live tables), with
 * what differs between the two marked: the diff auto-update would plan, and the drift it leaves alone.
 * @example
 *   const d = await datasourceDiagram([ds], {fromDb: true})
 *   writeFileSync('schema.svg', await svgDiagram(d))
 */
export async function datasourceDiagram(datasources: DataSource[], options: DatasourceDiagramOptions = {}): Promise<SchemaDiagram> {
  const chosen = datasources.filter((ds) => ds.supportsMigration && ds.modelNames.length > 0 && (!options.datasource || ds.name === options.datasource))
  const diagrams: SchemaDiagram[] = []
  for (const ds of chosen) {
    const { current, desired } = await ds.describeSchema()
    const { changes, drift } = diffDatabases(current, desired)
    const marks = marksFromDrift(drift, marksFromChanges(changes))
    diagrams.push(schemaDiagram(options.fromDb ? current : desired, { marks, keyPrefix: chosen.length > 1 ? `${ds.name}/` : '' }))
  }
  return mergeDiagrams(diagrams)
}
