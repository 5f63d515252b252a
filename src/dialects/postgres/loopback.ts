import type { LoopbackConventions } from '../../schema/loopback.js'

/**
 * loopback-connector-postgresql 9 (`lib/migration.js` `buildColumnType`, `addIndexes`): strings and
 * JSON-like values are TEXT, every number INTEGER, dates TIMESTAMP WITH TIME ZONE; a property's
 * index is `<table>_<column>_idx`, a model index keeps its key.
 */
export const postgresLoopback: LoopbackConventions = {
  columnType(jsType) {
    switch (jsType) {
      case 'number':
        return { kind: 'integer' }
      case 'boolean':
        return { kind: 'boolean' }
      case 'date':
        return { kind: 'timestamp', withTimeZone: true }
      case 'buffer':
        return { kind: 'binary' }
      default:
        return { kind: 'text' }
    }
  },
  generatedIdIsAutoIncrement: true,
  propertyIndexName: (table, column) => `${table}_${column}_idx`,
  modelIndexName: (key) => key,
  createsForeignKeys: true,
}
