// `npm run bench`: figures, not assertions. Ratios compare against the raw driver in the same process.
import { existsSync } from 'node:fs'
import { benchSchema } from './schema.mjs'

const pgUrl = process.env.SHIPSHAPE_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const only = process.argv.slice(2)
const want = (name) => only.length === 0 || only.includes(name)

async function optional(file, fn, ...args) {
  if (!existsSync(new URL(file, import.meta.url))) return undefined
  const mod = await import(file)
  return mod[fn](...args)
}

if (want('schema')) {
  console.log('\nSchema engine on PostgreSQL (time in ms; best of 3 for introspection and no-op)')
  console.table(await benchSchema({ pgUrl }))
}
if (want('repository')) {
  const rows = await optional('./repository.mjs', 'benchRepository', { pgUrl })
  if (rows) {
    console.log('\nRepository on PostgreSQL vs raw pg (ratio = shipshape / raw)')
    console.table(rows)
  }
}
if (want('mysql')) {
  const rows = await optional('./mysql.mjs', 'benchMysql', {})
  if (rows) {
    console.log('\nMySQL / MariaDB')
    for (const [title, table] of Object.entries(rows)) {
      console.log(title)
      console.table(table)
    }
  }
}
if (want('online')) {
  const rows = await optional('./online.mjs', 'benchOnline', { pgUrl })
  if (rows) {
    console.log('\nOnline change on PostgreSQL under load (1,000,000 rows)')
    console.table(rows)
  }
}
if (want('large-schema')) {
  const rows = await optional('./large-schema.mjs', 'benchLargeSchema', {})
  if (rows) {
    console.log('\nLarge schemas on PostgreSQL, default lock settings (fresh auto-update, then a no-op)')
    console.table(rows)
  }
}
if (want('fleet')) {
  const rows = await optional('./fleet.mjs', 'benchFleet', { pgUrl })
  if (rows) {
    console.log('\nFleet: tenant schemas on PostgreSQL and SQLite files, migrateFleet vs a serial loop (ratio = loop / fleet)')
    console.table(rows)
  }
}
if (want('expand')) {
  const rows = await optional('./expand.mjs', 'benchExpand', { pgUrl })
  if (rows) {
    console.log('\nZero-downtime expand/contract vs one-step auto-update on PostgreSQL (1,000,000 rows; rename + type change; v1 and v2 writers)')
    console.table(rows)
  }
}
