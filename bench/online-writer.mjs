// The "busy application" of the online benchmark: inserts and reads in a loop, and reports its
// errors and its longest stall (the slowest single operation) when told to stop.
import pg from 'pg'

const [url, table] = process.argv.slice(2)
const client = new pg.Client({ connectionString: url })
await client.connect()
let stop = false
let ops = 0
let errors = 0
let longest = 0
process.on('message', (m) => {
  if (m === 'stop') stop = true
})
process.send?.('ready')
while (!stop) {
  const t0 = performance.now()
  try {
    const r = await client.query(`INSERT INTO ${table} ("payload", "n") VALUES ($1, $2) RETURNING "id"`, ['w', ops])
    await client.query(`SELECT * FROM ${table} WHERE "id" = $1`, [r.rows[0].id])
    ops++
  } catch {
    errors++
  }
  longest = Math.max(longest, performance.now() - t0)
}
await client.end()
process.send?.({ ops, errors, longest }, () => process.disconnect?.())
