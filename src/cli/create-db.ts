import { confirm, isCancel } from '@clack/prompts'
import type { DataSource } from '../datasource/datasource.js'
import { isInteractive } from './confirm.js'
import type { Printer } from './output.js'

/**
 * Makes sure each datasource's database exists: one the server says is missing is created with
 * `--create-db`, or after a yes on a terminal (as Prisma offers); otherwise its DATABASE_MISSING
 * error (exit 4) stands, saying how to create it.
 */
export async function ensureDatabases(datasources: DataSource[], flags: { createDb?: boolean; json?: boolean }, printer: Printer): Promise<void> {
  for (const ds of datasources) {
    if (!ds.connector.createDatabase) continue
    try {
      await ds.migrationConnection()
    } catch (e) {
      const missing = e as Error & { code?: string; database?: string }
      if (missing.code !== 'DATABASE_MISSING') throw e
      if (!flags.createDb) {
        if (flags.json || !isInteractive()) throw e
        const answer = await confirm({ message: `Database "${missing.database}" of datasource "${ds.name}" does not exist. Create it?`, initialValue: true })
        if (isCancel(answer) || answer !== true) throw e
      }
      await ds.connector.createDatabase({ ...ds.settings, ...(ds.settings.migrationUrl ? { url: ds.settings.migrationUrl } : {}) })
      const note = printer.colors.green(`✔ Created database "${missing.database}" (datasource ${ds.name})`)
      // Under --json, stdout carries only the JSON result.
      if (flags.json) printer.err.write(note + '\n')
      else printer.line(note)
    }
  }
}
