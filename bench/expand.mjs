// Zero-downtime expand → backfill → contract of a rename and a type change on a 1,000,000-row
// PostgreSQL table while a v1 and a v2 application process keep writing, with each writer's
// errors and longest stall per phase; beside the same change made by a one-step auto-update
// (where v1 breaks). `node bench/expand.mjs` runs it alone (EXPAND_ROWS=… for another size).
import { fork } from 'node:child_process'
import { pathToFileURL } from 'node:url'
import pg from 'pg'
import { DataSource } from '../dist/index.js'
import { models } from './expand-models.mjs'

const ROWS = Number(process.env.EXPAND_ROWS ?? 1_000_000)

function writer(url, schema, version) {
  const child = fork(new URL('./expand-writer.mjs', import.meta.url), [url, schema, version, String(ROWS)])
  const ready = new Promise((r) => child.once('message', r))
  let stopped = false
  return {
    ready,
    phase: (name) => !stopped && child.send({ phase: name }),
    async stop() {
      if (stopped) return {}
      stopped = true
      const result = new Promise((r) => child.on('message', (m) => typeof m === 'object' && r(m)))
      child.send('stop')
      const { phases } = await result
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)))
      return phases
    },
  }
}

async function seed(admin, pgUrl, schema) {
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; CREATE SCHEMA "${schema}"`)
  const ds = new DataSource({ connector: 'postgresql', url: pgUrl, schema, models: [models.v1] })
  await ds.autoupdate()
  await ds.disconnect()
  await admin.query(`INSERT INTO "${schema}"."Big" ("name", "age", "payload") SELECT 'n' || g, (g % 90)::text, md5(g::text) FROM generate_series(1, ${ROWS}) g`)
  await admin.query(`ANALYZE "${schema}"."Big"`)
  // The seed's own WAL and dirty pages are written out now, not by a checkpoint during the phases measured.
  await admin.query('CHECKPOINT')
}

const settle = () => new Promise((r) => setTimeout(r, 1000))

/**
 * Samples, every few ms, the writers' statements waiting for a lock (the stall the migration can
 * cause, apart from a busy machine's), keeping per phase the longest wait seen and what held the lock.
 */
function lockSampler(pgUrl) {
  const c = new pg.Client({ connectionString: pgUrl })
  const longest = {}
  const others = {}
  let phase = 'start'
  let stopped = false
  const done = (async () => {
    await c.connect()
    while (!stopped) {
      const r = await c.query(
        `SELECT (extract(epoch FROM clock_timestamp() - a.query_start) * 1000)::int AS ms, a.wait_event_type AS type, a.wait_event AS event,
                (SELECT left(b.query, 70) FROM pg_stat_activity b WHERE b.pid = (pg_blocking_pids(a.pid))[1]) AS blocker
         FROM pg_stat_activity a WHERE a.wait_event_type IN ('Lock', 'LWLock', 'IO') AND a.query LIKE '%"Big"%' AND a.query NOT ILIKE '%shipshape%'`,
      )
      // Lock waits are the migration's doing; LWLock/IO waits (WAL, buffers, disk) are the server's, shown with EXPAND_VERBOSE.
      for (const w of r.rows) {
        const into = w.type === 'Lock' ? longest : (others[phase] ??= {})
        const k = w.type === 'Lock' ? phase : `${w.type}:${w.event}`
        if (w.ms > (into[k]?.ms ?? -1)) into[k] = w
      }
      await new Promise((r) => setTimeout(r, 5))
    }
    await c.end()
  })()
  return {
    phase: (name) => (phase = name),
    async stop() {
      stopped = true
      await done
      return longest
    },
    others,
  }
}

export async function benchExpand({ pgUrl }) {
  const admin = new pg.Client({ connectionString: pgUrl })
  await admin.connect()
  const schema = `bench_expand_${process.pid}`
  const plain = `bench_onestep_${process.pid}`
  const table = []
  const timings = {}
  const writers = []
  let locks
  try {
    await seed(admin, pgUrl, schema)
    const migrator = new DataSource({ connector: 'postgresql', url: pgUrl, schema, models: [models.v2] })
    locks = lockSampler(pgUrl)
    const v1 = writer(pgUrl, schema, 'v1')
    writers.push(v1)
    await v1.ready
    await settle()
    let v2
    const timed = async (name, fn) => {
      locks.phase(name)
      v1.phase(name)
      v2?.phase(name)
      const t0 = performance.now()
      const r = await fn()
      timings[name] = Math.round(performance.now() - t0)
      return r
    }
    // The noise floor: the longest stall v1 sees with no migration running, on this machine now.
    await timed('idle (no migration)', () => new Promise((r) => setTimeout(r, Number(process.env.EXPAND_IDLE_MS ?? 5000))))
    await timed('expand', () => migrator.expand(undefined, { backfill: false }))
    v2 = writer(pgUrl, schema, 'v2')
    writers.push(v2)
    await v2.ready
    let last = 0
    await timed('backfill', () =>
      migrator.expand(undefined, {
        // Unset: the library's defaults.
        ...(process.env.EXPAND_BATCH ? { batchSize: Number(process.env.EXPAND_BATCH) } : {}),
        ...(process.env.EXPAND_BATCH_MS ? { batchMs: Number(process.env.EXPAND_BATCH_MS) } : {}),
        ...(process.env.EXPAND_THROTTLE ? { throttleMs: Number(process.env.EXPAND_THROTTLE) } : {}),
        onProgress: (p) => {
          if (p.rowsDone - last >= 200_000 || p.rowsDone === p.rowsTotal) {
            last = p.rowsDone
            process.stderr.write(`  backfill ${p.rowsDone}/${p.rowsTotal} rows, ${Math.round(p.rate)} rows/s\n`)
          }
        },
      }),
    )
    await timed('both running', settle)
    const check = await admin.query(
      `SELECT count(*)::int AS n FROM "${schema}_v1"."Big" a FULL JOIN "${schema}_v2"."Big" b USING (id)
       WHERE a."name" IS DISTINCT FROM b."fullName" OR a."age"::integer IS DISTINCT FROM b."age" OR a.id IS NULL OR b.id IS NULL`,
    )
    const v1Phases = await v1.stop()
    await timed('contract', () => migrator.contract())
    await timed('after', settle)
    const v2Phases = await v2.stop()
    const waits = await locks.stop()
    await migrator.disconnect()
    if (process.env.EXPAND_VERBOSE)
      for (const [v, phases] of [['v1', v1Phases], ['v2', v2Phases]])
        for (const [name, p] of Object.entries(phases)) process.stderr.write(`  ${v} ${name}: longest ${p.longest_ms} ms (${p.longest_op})\n`)
    if (process.env.EXPAND_VERBOSE)
      for (const [name, w] of Object.entries(waits)) process.stderr.write(`  lock wait ${name}: ${w.ms} ms behind ${w.blocker}\n`)
    if (process.env.EXPAND_VERBOSE)
      for (const [name, byEvent] of Object.entries(locks.others))
        process.stderr.write(`  server waits ${name}: ${Object.entries(byEvent).map(([e, w]) => `${e} ${w.ms} ms`).join(', ')}\n`)
    for (const name of ['idle (no migration)', 'expand', 'backfill', 'both running', 'contract', 'after'])
      table.push({
        method: 'expand/contract',
        phase: name,
        phase_ms: timings[name],
        v1_ops: v1Phases[name]?.ops ?? '-',
        v1_errors: v1Phases[name]?.errors ?? '-',
        v1_longest_stall_ms: v1Phases[name]?.longest_ms ?? '-',
        v2_ops: v2Phases[name]?.ops ?? '-',
        v2_errors: v2Phases[name]?.errors ?? '-',
        v2_longest_stall_ms: v2Phases[name]?.longest_ms ?? '-',
        longest_lock_wait_ms: waits[name]?.ms ?? 0,
        note: name === 'both running' ? `${check.rows[0].n} rows disagree between v1 and v2` : (v1Phases[name]?.first_error ?? v2Phases[name]?.first_error ?? ''),
      })

    // The same change in one step: auto-update with allowDataLoss (the type change can fail), v1 writing.
    if (process.env.EXPAND_ONESTEP === '0') return table
    await seed(admin, pgUrl, plain)
    const onestep = new DataSource({ connector: 'postgresql', url: pgUrl, schema: plain, models: [models.v2] })
    const w = writer(pgUrl, plain, 'v1')
    writers.push(w)
    await w.ready
    await settle()
    w.phase('autoupdate')
    const t0 = performance.now()
    await onestep.autoupdate(undefined, { allowDataLoss: true })
    const ms = Math.round(performance.now() - t0)
    w.phase('after')
    await settle()
    const p = await w.stop()
    await onestep.disconnect()
    for (const [name, phase_ms] of [['autoupdate', ms], ['after', 1000]])
      table.push({
        method: 'one-step auto-update',
        phase: name,
        phase_ms,
        v1_ops: p[name]?.ops ?? 0,
        v1_errors: p[name]?.errors ?? 0,
        v1_longest_stall_ms: p[name]?.longest_ms ?? 0,
        v2_ops: '-',
        v2_errors: '-',
        v2_longest_stall_ms: '-',
        longest_lock_wait_ms: '-',
        note: p[name]?.first_error ?? '',
      })
  } finally {
    for (const w of writers) await w.stop().catch(() => {})
    await locks?.stop().catch(() => {})
    for (const s of [schema, `${schema}_v1`, `${schema}_v2`, plain]) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
    await admin.end()
  }
  return table
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { loadavg } = await import('node:os')
  const load = () => loadavg().map((l) => l.toFixed(1)).join(' ')
  console.log(`\nZero-downtime expand/contract vs one-step auto-update on PostgreSQL (${ROWS.toLocaleString('en')} rows; rename + type change; load average ${load()})`)
  console.table(await benchExpand({ pgUrl: process.env.SHIPSHAPE_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test' }))
  console.log(`load average after: ${load()}`)
}
