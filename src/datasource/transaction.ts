import type { Connection } from '../dialects/connection.js'
import type { DataSource } from './datasource.js'

/**
 * A database transaction opened by `DataSource.transaction`. Pass it to repository calls as
 * `{transaction: tx}`; they then run on the transaction's connection.
 * @example
 *   await ds.transaction(async (tx) => {
 *     const list = await lists.create({title: 'home'}, {transaction: tx})
 *     await todos.create({title: 'milk', todoListId: list.id}, {transaction: tx})
 *   })   // committed here; rolled back if the function throws
 */
export class Transaction {
  /** False once the transaction has committed or rolled back. */
  isActive = true
  constructor(
    readonly dataSource: DataSource,
    readonly connection: Connection,
  ) {}
}

/** Options every repository method takes. */
export interface RepositoryOptions {
  /** Run in this transaction (from `dataSource.transaction`). */
  transaction?: Transaction
}
