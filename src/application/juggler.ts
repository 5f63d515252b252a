// LoopBack's `juggler` namespace, so `class DbDataSource extends juggler.DataSource` and
// `dataSource: juggler.DataSource` compile with the import swapped to shipshape.
export { DataSource } from '../datasource/datasource.js'
