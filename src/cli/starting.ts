import type { DataSource } from '../datasource/datasource.js'
import type { Printer } from './output.js'

/**
 * Opens the connections of datasources whose engine starts slowly (PGlite), saying so on standard
 * error first and how long it took after, so a quiet wait isn't taken for a hang.
 */
export async function startSlowDataSources(datasources: DataSource[], printer: Printer): Promise<void> {
  for (const ds of datasources) {
    const note = ds.connector.startingNote
    if (!note || !ds.supportsMigration) continue
    const started = Date.now()
    printer.err.write(printer.colors.dim(`… ${note} (datasource ${ds.name})`) + '\n')
    await ds.connection()
    printer.err.write(printer.colors.dim(`  ready in ${((Date.now() - started) / 1000).toFixed(1)} s`) + '\n')
  }
}
