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
  async connect() {
    return new MemoryConnection()
  },
}

export { MemoryConnection } from './memory-connection.js'
export { MemoryBackend } from './memory-backend.js'
