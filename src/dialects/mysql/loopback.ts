import type { LoopbackConventions } from '../../schema/loopback.js'

/**
 * loopback-connector-mysql 9 (`lib/migration.js` `buildColumnType`, `stringOptionsByType`,
 * `buildIndex`): strings VARCHAR(512), or VARCHAR(255) for ids and indexed strings, `length`
 * winning; JSON-like values TEXT; numbers INT; dates DATETIME (whole seconds); a property's
 * index is named after its column, a model index keeps its key.
 */
export const mysqlLoopback: LoopbackConventions = {
  columnType(jsType, def, { isId, isIndexed }) {
    switch (jsType) {
      case 'string': {
        const length = Number(def.length ?? def.limit ?? (isId || isIndexed ? 255 : 512))
        return { kind: 'varchar', length }
      }
      case 'number':
        return { kind: 'integer' }
      case 'boolean':
        return { kind: 'boolean' }
      case 'date':
        return { kind: 'timestamp', withTimeZone: false, precision: 0 }
      case 'buffer':
        return { kind: 'binary' }
      default:
        return { kind: 'text' }
    }
  },
  // An index added to (or dropped from) a string property after LoopBack created its column leaves it as it was.
  alsoAccepts(jsType, def, { isId }) {
    if (jsType !== 'string' || isId || def.length !== undefined || def.limit !== undefined) return []
    return [
      { kind: 'varchar', length: 255 },
      { kind: 'varchar', length: 512 },
    ]
  },
  generatedIdIsAutoIncrement: true,
  propertyIndexName: (_table, column) => column,
  // Its automigrate (createTable) leaves settings.foreignKeys out; only autoupdate adds them.
  modelIndexName: (key) => key,
  createsForeignKeys: false,
}
