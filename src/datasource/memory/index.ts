import type { Connector } from '../connectors.js'
import { MemoryConnection } from './memory-connection.js'

/**
 * The memory connector: rows live in the process, one store per datasource. No dialect, so
 * no migration (`supportsMigration` is false and `migrateSchema` skips it).
 * @example
 *   const ds = new DataSource({name: 'mem', connector: 'memory'})
 */
export const memoryConnector: Connector = {
  describe: () => 'memory',
  async connect(c) {
    // LoopBack's memory connector can persist to a JSON file; this one keeps rows in the process only. Say so rather than lose them quietly.
    if (typeof c.file === 'string' && c.file)
      process.emitWarning(
        `Datasource "${c.name ?? 'memory'}": the memory connector keeps rows in this process only; "file" (${c.file}) is neither read nor written. ` +
          `Use connector 'sqlite3' with that file to keep data.`,
        { code: 'SHIPSHAPE_MEMORY_FILE' },
      )
    return new MemoryConnection()
  },
}

export { MemoryConnection, isRowStore, type RowStore, type MemoryTable } from './memory-connection.js'
