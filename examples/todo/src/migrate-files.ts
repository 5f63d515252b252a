// The versioned-migrations variant of `npm run migrate` (see docs/migrations.md):
// applies the pending files of ../migrations, checks the schema against the models, then seeds.
//   npm run build && node dist/migrate-files.js
//   npx shipshape migration status      (uses ../shipshape.config.mjs)
import { TodoListApplication } from './application.js'

export function migratingApp(): TodoListApplication {
  return new TodoListApplication({ migrations: '../migrations' })
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  const app = migratingApp()
  try {
    await app.boot()
    const reports = (await app.migrateSchema()) ?? app.lastMigrationReports ?? []
    for (const r of reports as Array<{ datasource: string; migrations?: { run: { migrations: string[] } } }>)
      console.log(`${r.datasource}: ${r.migrations?.run.migrations.length ?? 0} migration(s) applied`)
  } catch (e) {
    console.error(`✖ ${(e as Error).message}`)
    process.exitCode = 1
  } finally {
    await app.stop()
  }
}
