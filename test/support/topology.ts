import { execFile, spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import mysql from 'mysql2/promise'

/**
 * Production topologies for the tests: PgBouncer in transaction pooling mode in front of the
 * PostgreSQL server, and a three-node MariaDB Galera cluster. Whichever test process needs one
 * first starts it; the others (and other vitest runs on the machine) find it answering and reuse
 * it. A lock directory keeps two processes from starting one at the same time; every run using a
 * service leaves a marker, and the suite's teardown stops a service when no live run still uses it.
 */
const run = promisify(execFile)

export const PGBOUNCER_PORT = 6432
export const PGBOUNCER_URL = `postgres://postgres@127.0.0.1:${PGBOUNCER_PORT}/test`
export const GALERA_PORTS = [3307, 3308, 3309] as const
export const galeraUrl = (node: number) => `mysql://root@127.0.0.1:${GALERA_PORTS[node]}`

const ROOT = '/tmp/shipshape-topology'
const BOUNCER_DIR = join(ROOT, 'pgbouncer')
const GALERA_DIR = join(ROOT, 'galera')

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function isAlive(pid: number) {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** A cross-process mutex: mkdir is atomic; a holder that died leaves a pid we can check. */
async function withFileLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  mkdirSync(ROOT, { recursive: true, mode: 0o777 })
  const dir = join(ROOT, `${name}.lock`)
  const started = Date.now()
  for (;;) {
    try {
      mkdirSync(dir)
      writeFileSync(join(dir, 'pid'), String(process.pid))
      break
    } catch {
      let holder = NaN
      try {
        holder = Number(readFileSync(join(dir, 'pid'), 'utf8'))
      } catch {}
      const age = Date.now() - (existsSync(dir) ? statSync(dir).mtimeMs : Date.now())
      if ((Number.isFinite(holder) && !isAlive(holder)) || (!Number.isFinite(holder) && age > 10_000))
        rmSync(dir, { recursive: true, force: true })
      if (Date.now() - started > 300_000) throw new Error(`Timed out waiting for ${dir}`)
      await sleep(250)
    }
  }
  try {
    return await fn()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Marks this vitest run (SHIPSHAPE_RUN_PID, set by the global setup) as a user of a service. */
function markUser(service: string) {
  const users = join(ROOT, `${service}.users`)
  mkdirSync(users, { recursive: true })
  const pid = process.env.SHIPSHAPE_RUN_PID ?? String(process.pid)
  writeFileSync(join(users, pid), '')
}

function liveUsers(service: string, except: string): string[] {
  const users = join(ROOT, `${service}.users`)
  if (!existsSync(users)) return []
  return readdirSync(users).filter((p) => p !== except && isAlive(Number(p)))
}

async function pgAnswers(url: string) {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 })
  try {
    await c.connect()
    await c.query('SELECT 1')
    return true
  } catch {
    return false
  } finally {
    await c.end().catch(() => {})
  }
}

/** PgBouncer on 127.0.0.1:6432, `pool_mode = transaction`, every database of 127.0.0.1:5432 behind it. */
export async function ensurePgbouncer(): Promise<string> {
  markUser('pgbouncer')
  if (await pgAnswers(PGBOUNCER_URL)) return PGBOUNCER_URL
  return withFileLock('pgbouncer', async () => {
    if (await pgAnswers(PGBOUNCER_URL)) return PGBOUNCER_URL
    rmSync(BOUNCER_DIR, { recursive: true, force: true })
    mkdirSync(BOUNCER_DIR, { recursive: true })
    chmodSync(BOUNCER_DIR, 0o777)
    writeFileSync(join(BOUNCER_DIR, 'users.txt'), '"postgres" ""\n')
    writeFileSync(
      join(BOUNCER_DIR, 'pgbouncer.ini'),
      [
        '[databases]',
        '* = host=127.0.0.1 port=5432',
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${PGBOUNCER_PORT}`,
        `unix_socket_dir =`,
        'auth_type = trust',
        `auth_file = ${join(BOUNCER_DIR, 'users.txt')}`,
        'pool_mode = transaction',
        // Few server connections per database, so that a stranded session lock would bite.
        'default_pool_size = 5',
        'max_client_conn = 500',
        'ignore_startup_parameters = extra_float_digits,options',
        `logfile = ${join(BOUNCER_DIR, 'pgbouncer.log')}`,
        `pidfile = ${join(BOUNCER_DIR, 'pgbouncer.pid')}`,
        '',
      ].join('\n'),
    )
    for (const f of readdirSync(BOUNCER_DIR)) chmodSync(join(BOUNCER_DIR, f), 0o666)
    // PgBouncer refuses to run as root: drop to the postgres user when we are root.
    const asRoot = process.getuid?.() === 0
    try {
      await run('pgbouncer', ['-d', ...(asRoot ? ['-u', 'postgres'] : []), join(BOUNCER_DIR, 'pgbouncer.ini')])
    } catch (e) {
      throw new Error(`PgBouncer is required for these tests (apt-get install -y pgbouncer): ${(e as Error).message}`)
    }
    for (let i = 0; i < 100; i++) {
      if (await pgAnswers(PGBOUNCER_URL)) return PGBOUNCER_URL
      await sleep(100)
    }
    const log = existsSync(join(BOUNCER_DIR, 'pgbouncer.log')) ? readFileSync(join(BOUNCER_DIR, 'pgbouncer.log'), 'utf8') : ''
    throw new Error(`PgBouncer did not answer on ${PGBOUNCER_PORT}:\n${log.slice(-2000)}`)
  })
}

async function galeraClusterSize(port: number): Promise<number> {
  let c: mysql.Connection | undefined
  try {
    c = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 2000 })
    const [rows] = await c.query(`SHOW STATUS LIKE 'wsrep_cluster_size'`)
    const [ready] = await c.query(`SHOW STATUS LIKE 'wsrep_ready'`)
    if ((ready as Array<{ Value: string }>)[0]?.Value !== 'ON') return 0
    return Number((rows as Array<{ Value: string }>)[0]?.Value ?? 0)
  } catch {
    return 0
  } finally {
    await c?.end().catch(() => {})
  }
}

async function galeraUp() {
  for (const p of GALERA_PORTS) if ((await galeraClusterSize(p)) !== GALERA_PORTS.length) return false
  return true
}

function galeraConfig(node: number, dir: string) {
  const n = node + 1
  return [
    '[mariadbd]',
    `datadir = ${join(dir, 'data')}`,
    `socket = ${join(dir, 'mysqld.sock')}`,
    `pid-file = ${join(dir, 'mysqld.pid')}`,
    `log-error = ${join(dir, 'error.log')}`,
    'bind-address = 127.0.0.1',
    `port = ${GALERA_PORTS[node]}`,
    'skip-name-resolve',
    'binlog_format = ROW',
    'default_storage_engine = InnoDB',
    'innodb_autoinc_lock_mode = 2',
    'innodb_buffer_pool_size = 64M',
    'innodb_log_file_size = 16M',
    'performance_schema = OFF',
    'wsrep_on = ON',
    'wsrep_provider = /usr/lib/galera/libgalera_smm.so',
    'wsrep_cluster_name = shipshape_test',
    `wsrep_cluster_address = gcomm://127.0.0.1:4571,127.0.0.1:4572,127.0.0.1:4573`,
    `wsrep_node_address = 127.0.0.1:457${n}`,
    `wsrep_node_name = node${n}`,
    `wsrep_provider_options = "gmcast.listen_addr=tcp://127.0.0.1:457${n};ist.recv_addr=127.0.0.1:458${n};gcache.size=32M"`,
    `wsrep_sst_receive_address = 127.0.0.1:459${n}`,
    'wsrep_sst_method = rsync',
    '',
  ].join('\n')
}

/**
 * As root, the nodes run as `mysql`: a root mariadbd starts rsync's SST daemon as root, which then
 * writes the joiner's files as `nobody` and the state transfer fails.
 */
function asMysqlUser() {
  return process.getuid?.() === 0 ? ['--user=mysql'] : []
}

async function startGaleraNode(node: number, bootstrap: boolean) {
  const dir = join(GALERA_DIR, `node${node + 1}`)
  const args = [`--defaults-file=${join(dir, 'my.cnf')}`, ...asMysqlUser(), ...(bootstrap ? ['--wsrep-new-cluster'] : [])]
  const child = spawn('/usr/sbin/mariadbd', args, { detached: true, stdio: 'ignore' })
  child.unref()
  writeFileSync(join(dir, 'server.pid'), String(child.pid))
}

async function waitForNode(port: number, size: number, dir: string) {
  for (let i = 0; i < 240; i++) {
    if ((await galeraClusterSize(port)) >= size) return
    await sleep(500)
  }
  const log = existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : ''
  throw new Error(`Galera node on ${port} did not join a cluster of ${size}:\n${log.slice(-3000)}`)
}

/**
 * A three-node MariaDB Galera cluster on 127.0.0.1:3307–3309, with its own data directories
 * under /tmp. Returns the nodes' URLs (root without password, granted from 127.0.0.1).
 */
export async function ensureGalera(): Promise<string[]> {
  markUser('galera')
  const urls = GALERA_PORTS.map((_, i) => galeraUrl(i))
  if (await galeraUp()) return urls
  return withFileLock('galera', async () => {
    if (await galeraUp()) return urls
    await stopGalera()
    rmSync(GALERA_DIR, { recursive: true, force: true })
    for (let node = 0; node < GALERA_PORTS.length; node++) {
      const dir = join(GALERA_DIR, `node${node + 1}`)
      mkdirSync(dir, { recursive: true })
      writeFileSync(join(dir, 'my.cnf'), galeraConfig(node, dir))
      // Only the first node needs a data directory: the others receive it by SST (rsync).
      if (node === 0)
        try {
          await run('mariadb-install-db', [
            `--defaults-file=${join(dir, 'my.cnf')}`,
            '--auth-root-authentication-method=normal',
            '--skip-test-db',
            ...asMysqlUser(),
          ])
        } catch (e) {
          throw new Error(`Galera test cluster: mariadb-install-db failed (apt-get install -y mariadb-server galera-4 rsync): ${(e as Error).message}`)
        }
      else mkdirSync(join(dir, 'data'), { recursive: true })
    }
    if (process.getuid?.() === 0) await run('chown', ['-R', 'mysql:mysql', GALERA_DIR])
    if (!existsSync('/usr/lib/galera/libgalera_smm.so'))
      throw new Error('Galera is required for these tests: apt-get install -y galera-4 rsync')
    await startGaleraNode(0, true)
    await waitForNode(GALERA_PORTS[0], 1, join(GALERA_DIR, 'node1'))
    const c = await mysql.createConnection({ host: '127.0.0.1', port: GALERA_PORTS[0], user: 'root' })
    // TCP connections come from 127.0.0.1, not localhost: grant root there too.
    await c.query(`CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY ''`)
    await c.query(`GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION`)
    await c.end()
    for (let node = 1; node < GALERA_PORTS.length; node++) {
      await startGaleraNode(node, false)
      await waitForNode(GALERA_PORTS[node]!, node + 1, join(GALERA_DIR, `node${node + 1}`))
    }
    return urls
  })
}

async function stopGalera() {
  // Joiners first, the bootstrap node last: the cluster shuts down cleanly.
  for (let node = GALERA_PORTS.length - 1; node >= 0; node--) {
    const file = join(GALERA_DIR, `node${node + 1}`, 'server.pid')
    if (!existsSync(file)) continue
    const pid = Number(readFileSync(file, 'utf8'))
    if (!isAlive(pid)) continue
    process.kill(pid, 'SIGTERM')
    for (let i = 0; i < 300 && isAlive(pid); i++) await sleep(100)
    if (isAlive(pid)) process.kill(pid, 'SIGKILL')
  }
}

async function stopPgbouncer() {
  const file = join(BOUNCER_DIR, 'pgbouncer.pid')
  if (!existsSync(file)) return
  const pid = Number(readFileSync(file, 'utf8'))
  if (!isAlive(pid)) return
  process.kill(pid, 'SIGTERM')
  for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(100)
}

/** Stops the services this run used, unless another live run uses them too. Called by the global teardown. */
export async function stopTopologies(runPid: string) {
  for (const [service, stop] of [
    ['pgbouncer', stopPgbouncer],
    ['galera', stopGalera],
  ] as const) {
    const users = join(ROOT, `${service}.users`)
    if (!existsSync(join(users, runPid))) continue
    await withFileLock(service, async () => {
      rmSync(join(users, runPid), { force: true })
      if (liveUsers(service, runPid).length === 0) await stop()
    })
  }
}
