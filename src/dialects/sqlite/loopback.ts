import type { LoopbackConventions } from '../../schema/loopback.js'

/**
 * loopback-connector-sqlite3 3 (`lib/sqlite3.js` `_buildColumnType`, `_buildColumnIndexes`): ids
 * INTEGER, other numbers REAL, booleans and dates INTEGER (dates as epoch milliseconds), strings
 * and JSON-like values TEXT; a generated id is `INTEGER PRIMARY KEY` (a rowid alias, no
 * AUTOINCREMENT); indexes are lower-cased `<model>_<property>` or the model index's key.
 */
export const sqliteLoopback: LoopbackConventions = {
  columnType(jsType, _def, { isId }) {
    switch (jsType) {
      case 'number':
        return isId ? { kind: 'integer' } : { kind: 'real' }
      case 'boolean':
      case 'date':
        return { kind: 'integer' }
      default:
        return { kind: 'text' }
    }
  },
  generatedIdIsAutoIncrement: false,
  // The SQL connector stringifies JSON values and toColumnValue stringifies that text again.
  encodesJsonTwice: true,
  propertyIndexName: (table, column) => `${table}_${column}`.toLowerCase(),
  modelIndexName: (key) => key.toLowerCase(),
  createsForeignKeys: false,
}
